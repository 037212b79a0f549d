#include "up.hpp"

#include "environment.hpp"
#include "transfer.hpp"

#include "runt/agent/agent.hpp"
#include "runt/agent/kernel_runtime.hpp"
#include "runt/kernel/kernelspec.hpp"
#include "runt/serve/server.hpp"

#include <csignal>
#include <fstream>
#include <pthread.h>
#include <sstream>
#include <thread>

namespace runt::cli {

namespace {

// The notebook `runt up` opens when none is named: the one it created on its first run.
std::filesystem::path default_notebook_file(const std::filesystem::path& data_dir) { return data_dir / "up-notebook"; }

bool is_ipynb_file(const std::string& arg) {
  return arg.size() > 6 && arg.ends_with(".ipynb") && std::filesystem::is_regular_file(arg);
}

// Blocks SIGINT/SIGTERM in every thread started after this, so one thread can sigwait for them.
class SignalWaiter {
 public:
  SignalWaiter() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  }
  int wait() {
    int received = 0;
    sigwait(&set_, &received);
    return received;
  }

 private:
  sigset_t set_;
};

}  // namespace

int run_up(const UpOptions& options, std::ostream& out, std::ostream& err) {
  SignalWaiter signals;  // before any thread starts
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

  agent::AgentConfig config;
  config.sync_url = "ws://" + authority + "/livestore";
  config.notebook_id = notebook;
  config.auth_token = serve_options.token;
  config.runtime_type = options.kernel;
  config.log = [&err](const std::string& line) { err << "runt agent: " << line << std::endl; };
  agent::KernelRuntimeOptions kernel_options;
  kernel_options.runtime_dir = kernel_runtime_dir();
  agent::RuntimeAgent runner(config, agent::make_kernel_runtime(*spec, kernel_options));
  int code = 0;
  std::thread agent_thread([&] {
    try {
      runner.run();
    } catch (const std::exception& e) {
      err << "runt up: the agent stopped: " << e.what() << "\n";
      code = 1;
      ::kill(::getpid(), SIGTERM);  // wakes the signal wait below
    }
  });

  out << "runt up: notebook " << notebook << " with a " << spec->display_name << " agent\n"
      << "    " << local << "/n/" << notebook << "?token=" << serve_options.token
      << "\n"
      << "Press Ctrl-C to stop." << std::endl;

  signals.wait();
  err << "runt up: stopping (ending the agent's session, then the server)\n";
  runner.stop();  // pushes v1.RuntimeSessionTerminated before run() returns
  agent_thread.join();
  stop_server();  // every acknowledged event is already durable; this closes the sockets
  return code;
}

}  // namespace runt::cli
