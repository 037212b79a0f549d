#include "up.hpp"

#include "environment.hpp"
#include "signals.hpp"
#include "transfer.hpp"

#include "runt/agent/kernel_runtime.hpp"
#include "runt/agent/runtime_label.hpp"
#include "runt/kernel/kernelspec.hpp"
#include "runt/rest/client.hpp"
#include "runt/runner/agent_pool.hpp"
#include "runt/schema/json.hpp"
#include "runt/serve/server.hpp"
#include "runt/sync/client.hpp"

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
  std::unique_ptr<runner::AgentPool> agents;
  std::unique_ptr<serve::Server> server;
  try {
    runner::AgentPoolOptions pool;
    pool.make_runtime = [spec = *spec, runtime_dir = kernel_runtime_dir()] {
      agent::KernelRuntimeOptions kernel_options;
      kernel_options.runtime_dir = runtime_dir;
      return agent::make_kernel_runtime(spec, kernel_options);
    };
    pool.make_ai_runtime = [config = assistant_config(options.ai, [&err](const std::string& line) { err << "runt agent: " << line << std::endl; })] {
      return assistant::make_ai_runtime(config);
    };
    pool.runtime_type = agent::anode_runtime_type(spec->name, spec->language);
    pool.kernel_display_name = spec->display_name;
    pool.token = serve_options.token;
    pool.accounts_file = data_dir / "runt.sqlite";
    pool.max_kernels = options.max_kernels;
    pool.idle = options.kernel_idle;
    agents = std::make_unique<runner::AgentPool>(std::move(pool), err);
    serve_options.on_notebook_opened = [&agents](const std::string& notebook) { agents->opened(notebook); };
    serve_options.on_notebook_closed = [&agents](const std::string& notebook) { agents->closed(notebook); };
    serve_options.runtime_refusal = [&agents](const std::string& notebook) { return agents->refusal(notebook); };
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
    } else {
      // A new id becomes the operator's before anyone else can open it; an existing one keeps its owner.
      const auto created = rest::request(local, "POST", "/api/notebooks", serve_options.token,
                                              schema::to_js_string(schema::Json{{"id", notebook}}));
      if (created.status != 201 && created.status != 409)
        throw std::runtime_error("cannot open notebook " + notebook + " (HTTP " + std::to_string(created.status) + "): " + created.body);
    }
  } catch (const std::exception& e) {
    err << "runt up: " << e.what() << "\n";
    stop_server();
    return 1;
  }

  agents->ready("ws://" + authority + "/livestore");
  agents->start_essential(notebook);

  out << "runt up: notebook " << notebook;
  if (const auto refused = agents->refusal(notebook)) out << ", without a runtime: " << refused->message << " " << refused->command << "\n";
  else out << " with a " << spec->display_name << " agent\n";
  out
      << "    " << local << "/n/" << notebook << "?token=" << serve_options.token << "\n"
      << "Other notebooks get their own kernel when opened, if their owner may run code (you, and users you allow\n"
      << "with runt token allow-runtime), up to " << options.max_kernels << " at once"
      << (options.kernel_idle.count() > 0 ? "; kernels nobody has open stop after " : "");
  if (options.kernel_idle.count() > 0) out << static_cast<double>(options.kernel_idle.count()) / 60000.0 << " min";
  out << ". Press Ctrl-C to stop." << std::endl;

  signals.wait();
  err << "runt up: stopping (ending the agents' sessions, then the server)\n";
  agents->stop_all();  // each pushes v1.RuntimeSessionTerminated before its run() returns
  stop_server();       // every acknowledged event is already durable; this closes the sockets
  return agents->failures() > 0 ? 1 : 0;
}

}  // namespace runt::cli
