#include "up.hpp"

#include "environment.hpp"
#include "signals.hpp"
#include "transfer.hpp"

#include "runt/agent/agent.hpp"
#include "runt/agent/kernel_runtime.hpp"
#include "runt/kernel/kernelspec.hpp"
#include "runt/serve/server.hpp"

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <fstream>
#include <sstream>
#include <thread>

namespace runt::cli {

namespace {

// The notebook `runt up` opens when none is named: the one it created on its first run.
std::filesystem::path default_notebook_file(const std::filesystem::path& data_dir) { return data_dir / "up-notebook"; }

bool is_ipynb_file(const std::string& arg) {
  return arg.size() > 6 && arg.ends_with(".ipynb") && std::filesystem::is_regular_file(arg);
}

// One runtime agent (and kernel) per notebook someone opens, as Jupyter starts a kernel per open
// notebook: agents start on the server's thread when a browser connects (they only spawn a
// thread there) and all end their sessions on Ctrl-C.
class AgentPool {
 public:
  AgentPool(const kernel::KernelSpec& spec, std::string kernel, std::string token, std::ostream& err)
      : spec_(spec), kernel_(std::move(kernel)), token_(std::move(token)), err_(err) {}
  ~AgentPool() { stop_all(); }

  // Agents wanted before the server's address is known start once it is.
  void ready(std::string sync_url) {
    std::lock_guard lock(mutex_);
    sync_url_ = std::move(sync_url);
    for (const auto& id : waiting_) start_locked(id);
    waiting_.clear();
  }

  void open(const std::string& notebook) {
    std::lock_guard lock(mutex_);
    if (stopping_ || agents_.contains(notebook)) return;
    if (sync_url_.empty()) waiting_.insert(notebook);
    else start_locked(notebook);
  }

  // Failures of this notebook's agent stop runt up (it is the one the printed URL opens).
  void set_essential(std::string notebook) { essential_ = std::move(notebook); }

  void stop_all() {
    std::map<std::string, std::unique_ptr<Slot>> agents;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      agents.swap(agents_);
    }
    for (auto& [id, slot] : agents) slot->runner->stop();  // each pushes its Terminated{shutdown}
    for (auto& [id, slot] : agents) slot->thread.join();
  }

  int failures() const { return failures_; }

 private:
  struct Slot {
    std::unique_ptr<agent::RuntimeAgent> runner;
    std::thread thread;
  };

  void start_locked(const std::string& notebook) {
    if (agents_.contains(notebook)) return;
    agent::AgentConfig config;
    config.sync_url = sync_url_;
    config.notebook_id = notebook;
    config.auth_token = token_;
    config.runtime_type = kernel_;
    config.log = [this](const std::string& line) { err_ << "runt agent: " << line << std::endl; };
    agent::KernelRuntimeOptions kernel_options;
    kernel_options.runtime_dir = kernel_runtime_dir();
    auto slot = std::make_unique<Slot>();
    slot->runner = std::make_unique<agent::RuntimeAgent>(config, agent::make_kernel_runtime(spec_, kernel_options));
    slot->thread = std::thread([this, notebook, runner = slot->runner.get()] {
      try {
        runner->run();
      } catch (const std::exception& e) {
        err_ << "runt up: the agent of notebook " << notebook << " stopped: " << e.what() << "\n";
        ++failures_;
        if (notebook == essential_) ::kill(::getpid(), SIGTERM);  // wakes run_up's signal wait
      }
    });
    agents_.emplace(notebook, std::move(slot));
  }

  const kernel::KernelSpec spec_;
  const std::string kernel_, token_;
  std::ostream& err_;
  std::mutex mutex_;
  std::string sync_url_;
  std::set<std::string> waiting_;
  std::map<std::string, std::unique_ptr<Slot>> agents_;
  std::string essential_;
  bool stopping_ = false;
  std::atomic<int> failures_{0};
};

}  // namespace

int run_up(const UpOptions& options, std::ostream& out, std::ostream& err) {
  StopSignals signals;  // before any thread starts
  const std::filesystem::path data_dir = options.data_dir.empty() ? default_data_dir() : options.data_dir;
  std::filesystem::create_directories(data_dir);

  const auto kernels = kernel::find_kernelspecs(kernel::kernel_dirs(env));
  const auto spec = std::find_if(kernels.begin(), kernels.end(), [&](const auto& k) { return k.name == options.kernel; });
  if (spec == kernels.end()) {
    err << "runt up: no kernelspec named " << options.kernel
        << " (runt kernels lists them; Debian's python3-ipykernel provides python3)\n";
    return 2;
  }

  serve::Options serve_options;
  serve_options.host = options.host;
  serve_options.port = options.port;
  serve_options.data_dir = data_dir;
  serve_options.token = load_or_create_server_token(data_dir);
  if (!options.web_dir.empty()) serve_options.web_dir = options.web_dir;
  serve_options.log = [&err, verbose = options.verbose](const std::string& line) {
    if (verbose) err << "runt serve: " << line << std::endl;
  };
  AgentPool agents(*spec, options.kernel, serve_options.token, err);
  serve_options.on_notebook_opened = [&agents](const std::string& notebook) { agents.open(notebook); };
  std::unique_ptr<serve::Server> server;
  try {
    server = std::make_unique<serve::Server>(serve_options);
  } catch (const std::exception& e) {
    err << "runt up: " << e.what() << "\n";
    return 1;
  }
  // Where this process reaches its own server: loopback when it listens on every address,
  // else the address it was given (IPv6 in brackets).
  const bool any_address = options.host == "0.0.0.0" || options.host == "::" || options.host.empty();
  const std::string reach = any_address ? "127.0.0.1" : options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  const std::string authority = reach + ":" + std::to_string(server->port());
  const std::string local = "http://" + authority;
  std::thread server_thread([&] { server->run(); });
  auto stop_server = [&] {
    server->stop();
    server_thread.join();
  };

  // The notebook: the one named, a .ipynb imported as a new one, or the one from the first run.
  std::string notebook = options.notebook;
  const ServerAccess access{local, serve_options.token};
  try {
    if (is_ipynb_file(notebook)) {
      std::ostringstream id, problems;
      if (import_notebook(notebook, access, id, problems) != 0) throw std::runtime_error(problems.str());
      notebook = id.str().substr(0, id.str().find('\n'));
      err << "runt up: imported " << options.notebook << " as notebook " << notebook << "\n";
    } else if (notebook.empty()) {
      std::ifstream(default_notebook_file(data_dir)) >> notebook;
      if (notebook.empty()) {
        notebook = create_notebook(access, "Untitled", {}, "runt-up");
        std::ofstream(default_notebook_file(data_dir)) << notebook << "\n";
      }
    }
  } catch (const std::exception& e) {
    err << "runt up: " << e.what() << "\n";
    stop_server();
    return 1;
  }

  agents.set_essential(notebook);
  agents.ready("ws://" + authority + "/livestore");
  agents.open(notebook);

  out << "runt up: notebook " << notebook << " with a " << spec->display_name << " agent\n"
      << "    " << local << "/n/" << notebook << "?token=" << serve_options.token
      << "\n"
      << "Other notebooks get their own agent when opened. Press Ctrl-C to stop." << std::endl;

  signals.wait();
  err << "runt up: stopping (ending the agents' sessions, then the server)\n";
  agents.stop_all();  // each pushes v1.RuntimeSessionTerminated before its run() returns
  stop_server();      // every acknowledged event is already durable; this closes the sockets
  return agents.failures() > 0 ? 1 : 0;
}

}  // namespace runt::cli
