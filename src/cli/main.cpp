// The `runt` command: one binary, one subcommand per job (see README).

#include "environment.hpp"
#include "execute.hpp"
#include "replay.hpp"
#include "signals.hpp"
#include "transfer.hpp"
#include "up.hpp"
#include "version.hpp"

#include "runt/agent/agent.hpp"
#include "runt/agent/kernel_runtime.hpp"
#include "runt/agent/runtime_label.hpp"
#include "runt/assistant/ai_runtime.hpp"
#include "runt/tui/tui_app.hpp"
#include "ai_settings.hpp"
#include "runt/auth/accounts.hpp"
#include "runt/doctor/doctor.hpp"
#include "runt/kernel/kernelspec.hpp"
#include "runt/kernel/message.hpp"
#include "runt/migrate/migrate.hpp"
#include "runt/serve/server.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <csignal>
#include <pthread.h>
#include <algorithm>
#include <thread>
#include <unistd.h>


int main(int argc, char** argv) {
  CLI::App app{
      "runt: native runtime agents and a sync server for collaborative, event-sourced notebooks\n"
      "(the anode / LiveStore 0.3.1 schema and wire format)",
      "runt"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(runt::cli::version_text()));

  std::string replay_file;
  bool pretty = false;
  auto* replay = app.add_subcommand(
      "replay",
      "Materialize an exported event log (one LiveStore-encoded event per line) and print the "
      "notebook state as JSON");
  replay->add_option("FILE", replay_file, "Log file, or - for standard input")->required();
  replay->add_flag("--pretty", pretty, "Indent the JSON output");

  runt::serve::Options serve_options;
  std::string data_dir;
  std::string log_level = "info";
  auto* serve = app.add_subcommand("serve", "Run the sync server (LiveStore 0.3.1 sync-cf protocol over WebSocket)");
  serve->add_option("--host", serve_options.host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", serve_options.port, "Port to listen on (0: any free port)")->capture_default_str();
  serve->add_option("--data", data_dir, "Data directory (default ~/.local/share/runt)");
  serve->add_option("--store", serve_options.store,
                    "Keep notebooks in PostgreSQL (a libpq URI, postgresql://...) that several runt serve nodes share; "
                    "default: SQLite in the data directory")
      ->envname("RUNT_STORE");
  serve->add_option("--token", serve_options.token, "The access token clients must present")->envname("RUNT_TOKEN");
  serve->add_option("--max-frame-bytes", serve_options.max_frame_bytes, "Largest WebSocket message accepted")->capture_default_str();
  serve->add_option("--max-queued-bytes", serve_options.max_queued_bytes,
                    "Bytes waiting for one socket before it is dropped as too slow")->capture_default_str();
  serve->add_option("--log-level", log_level, "trace (every frame), info or error")->check(CLI::IsMember({"trace", "info", "error"}))->capture_default_str();

  serve->add_option("--max-upload-bytes", serve_options.max_upload_bytes, "Largest HTTP request body (artifact uploads)")
      ->capture_default_str();
  serve->add_option("--max-total-queued-bytes", serve_options.max_total_queued_bytes,
                    "Bytes waiting for all subscribers together before the slowest is dropped")
      ->capture_default_str();
  serve->add_option("--max-connections", serve_options.max_connections, "Open connections at most (more get 503)")
      ->capture_default_str();
  serve->add_option("--max-connections-per-address", serve_options.max_connections_per_address,
                    "Open connections at most from one client address")
      ->capture_default_str();
  serve->add_option("--web-dir", serve_options.web_dir, "The browser notebook's files (index.html, frame.html, assets/)")
      ->default_str(serve_options.web_dir.string());

  runt::migrate::Options migrate_options;
  auto* migrate = app.add_subcommand(
      "migrate", "Move a data directory (SQLite logs, artifacts) into PostgreSQL for runt serve --store; safe to run again");
  migrate->add_option("--from", migrate_options.from, "The data directory (runt serve --data)")->required();
  migrate->add_option("--to", migrate_options.to, "The PostgreSQL database (a libpq URI, postgresql://...)")
      ->envname("RUNT_STORE")
      ->required();

  runt::cli::UpOptions up_options;
  std::string up_data_dir, up_web_dir;
  auto* up = app.add_subcommand("up", "Run it all on this machine: the server, a Python agent, and a browser notebook (prints its URL)");
  up->add_option("NOTEBOOK", up_options.notebook,
                 "Notebook id, or a .ipynb file to import (default: the notebook created on the first run)");
  up->add_option("--port", up_options.port, "Port to listen on (0: any free port)")->capture_default_str();
  up->add_option("--host", up_options.host, "Address to listen on (0.0.0.0: others on the network may join)")->capture_default_str();
  up->add_option("--data", up_data_dir, "Data directory (default ~/.local/share/runt)");
  up->add_option("--kernel", up_options.kernel, "Kernelspec the agent runs (runt kernels lists them)")->capture_default_str();
  up->add_option("--web-dir", up_web_dir, "Directory of the built web UI (default: the build's)");
  up->add_flag("-v,--verbose", up_options.verbose, "Log the server's connections on stderr");
  runt::cli::add_ai_flags(*up, up_options.ai);
  up->add_option("--max-kernels", up_options.max_kernels, "Kernels running at once; notebooks opened beyond that get none until one stops")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  double up_idle_minutes = 30;
  up->add_option("--kernel-idle-minutes", up_idle_minutes, "Stop a kernel when nobody has had its notebook open this long (0: never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();

  auto* token = app.add_subcommand(
      "token", "Manage API keys of named users (stored in the server's data directory, or in its --store database)");
  token->require_subcommand(1);
  std::string token_user;
  bool token_runtime = false;
  std::string token_store;
  auto* token_create = token->add_subcommand("create", "Create an API key for a user (created when new) and print it");
  token_create->add_flag("--runtime", token_runtime,
                         "Also let the user run code: runt up starts kernels for notebooks they own (as this OS user)");
  auto* token_revoke = token->add_subcommand("revoke", "Revoke every API key of a user and end their browser logins");
  auto* token_allow = token->add_subcommand(
      "allow-runtime", "Let a user run code: runt up starts kernels (as this OS user) for notebooks they own");
  auto* token_deny = token->add_subcommand(
      "deny-runtime", "Withdraw that: runt up stops and no longer starts kernels for notebooks the user owns");
  for (auto* sub : {token_create, token_revoke, token_allow, token_deny}) {
    sub->add_option("--user", token_user, "User name: 1 to 64 of A-Z a-z 0-9 _ . -")->required();
    sub->add_option("--data", data_dir, "Data directory of the server (default ~/.local/share/runt)");
    sub->add_option("--store", token_store, "The server's PostgreSQL database (its runt serve --store URI), if it has one")
        ->envname("RUNT_STORE");
  }

  std::string agent_notebook, agent_token, agent_sync_url, agent_runtime_id, agent_runtime_type, agent_kernel = "python3";
  auto* agent = app.add_subcommand("agent", "Run a runtime agent: execute a notebook's cells on a Jupyter kernel");
  agent->add_option("-n,--notebook", agent_notebook, "Notebook id")->envname("NOTEBOOK_ID");
  agent->add_option("-t,--auth-token", agent_token, "API key or server token (env RUNT_API_KEY or AUTH_TOKEN)");
  agent->add_option("-s,--sync-url", agent_sync_url, "Sync endpoint, e.g. ws://127.0.0.1:8787/livestore")->envname("LIVESTORE_SYNC_URL");
  agent->add_option("--runtime-id", agent_runtime_id, "Runtime id (default: runt-<random>)")->envname("RUNTIME_ID");
  agent->add_option("--runtime-type", agent_runtime_type, "Runtime type shown to clients (default: python for a Python kernel, as anode's UI names it; else the kernel name)")->envname("RUNTIME_TYPE");
  agent->add_option("--kernel", agent_kernel, "Kernelspec to run cells on (see runt kernels), or echo")->capture_default_str();
  std::size_t agent_threshold = 6144;
  agent->add_option("--image-artifact-threshold", agent_threshold, "PNG bytes kept inline; larger images go to the artifact store")
      ->envname("IMAGE_ARTIFACT_THRESHOLD_BYTES")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  runt::cli::AiFlags agent_ai;
  runt::cli::add_ai_flags(*agent, agent_ai);

  runt::tui::TuiOptions tui_options;
  auto* tui = app.add_subcommand("tui", "The terminal notebook: a notebook on a server, live, with vim-like keys (? lists them)");
  tui->add_option("NOTEBOOK", tui_options.notebook_id, "Notebook id (without it: a list of yours to open one from, or make a new one)");
  tui->add_option("-s,--sync-url", tui_options.sync_url, "Sync endpoint, e.g. ws://127.0.0.1:8787/livestore")->envname("LIVESTORE_SYNC_URL");
  tui->add_option("-t,--auth-token", tui_options.auth_token, "API key or server token (env RUNT_API_KEY or AUTH_TOKEN)");
  tui->add_flag("--create", tui_options.create, "Create NOTEBOOK when it does not exist yet");

  runt::cli::ExecuteOptions execute_options;
  std::string execute_input, execute_output, execute_kernel;
  auto* execute = app.add_subcommand("execute", "Run every code cell of a notebook on a kernel and write the executed notebook");
  execute->add_option("IN", execute_input, "The .ipynb to run")->required();
  execute->add_option("-o,--output", execute_output, "Where to write it (default IN.nbconvert.ipynb)");
  execute->add_flag("--inplace", execute_options.inplace, "Overwrite the input");
  execute->add_option("--kernel", execute_kernel, "Kernelspec (default: the notebook's, else python3)");
  execute->add_option("--timeout", execute_options.timeout_seconds, "Seconds a cell may run (default: no limit)");
  execute->add_flag("--allow-errors", execute_options.allow_errors, "Run every cell even after one fails");

  std::string transfer_file, transfer_id, transfer_output, server_url = "http://127.0.0.1:8787", server_token;
  auto* import_cmd = app.add_subcommand("import", "Create a notebook on a runt server from a .ipynb file; prints its id");
  import_cmd->add_option("FILE", transfer_file, "The .ipynb")->required();
  auto* export_cmd = app.add_subcommand("export", "Write a notebook from a runt server as .ipynb");
  export_cmd->add_option("ID", transfer_id, "Notebook id")->required();
  export_cmd->add_option("-o,--output", transfer_output, "The .ipynb to write")->required();
  for (auto* sub : {import_cmd, export_cmd}) {
    sub->add_option("--server", server_url, "The server, http://HOST:PORT")->capture_default_str();
    sub->add_option("-t,--token", server_token, "API key or server token (env RUNT_API_KEY, AUTH_TOKEN or RUNT_TOKEN)");
  }

  bool kernels_json = false;
  auto* kernels = app.add_subcommand("kernels", "List the installed Jupyter kernelspecs, where runt agent finds them");
  kernels->add_flag("--json", kernels_json, "Print them as JSON");

  runt::doctor::Options doctor_options;
  std::string doctor_data_dir, doctor_token;
  double doctor_timeout_seconds = 5;
  auto* doctor = app.add_subcommand("doctor", "Check what runt needs here: kernelspecs, Python packages, the data directory, a server and its token");
  doctor->add_option("--data", doctor_data_dir, "Data directory to check (default ~/.local/share/runt, as runt serve)");
  doctor->add_option("--sync-url", doctor_options.server_url, "Also check this server (http://HOST:PORT or its ws:// sync URL)");
  doctor->add_option("-t,--token", doctor_token, "Token to try on it (env RUNT_API_KEY, AUTH_TOKEN or RUNT_TOKEN)");
  doctor->add_option("--timeout", doctor_timeout_seconds, "Seconds to wait for the server")->capture_default_str();

  // `pyrunt ARGS` is `runt agent ARGS`, as the original's binary name.
  std::vector<std::string> args(argv + 1, argv + argc);
  if (std::filesystem::path(argv[0]).filename() == "pyrunt") args.insert(args.begin(), "agent");
  // A .env file in the working directory fills unset variables (the original read one too).
  if (!args.empty() && (args[0] == "agent" || args[0] == "up" || args[0] == "tui")) runt::cli::load_dotenv(".env");
  std::reverse(args.begin(), args.end());  // CLI11 takes them reversed
  try {
    app.parse(std::move(args));
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (import_cmd->parsed() || export_cmd->parsed()) {
    if (server_token.empty()) server_token = runt::cli::first_env({"RUNT_API_KEY", "AUTH_TOKEN", "RUNT_TOKEN"});
    if (server_token.empty()) {
      std::cerr << "runt: a token is needed: --token T (or RUNT_API_KEY, AUTH_TOKEN, RUNT_TOKEN)\n";
      return 2;
    }
    const runt::cli::ServerAccess access{server_url, server_token};
    if (import_cmd->parsed()) return runt::cli::import_notebook(transfer_file, access, std::cout, std::cerr);
    return runt::cli::export_notebook(transfer_id, transfer_output, access, std::cerr);
  }

  if (execute->parsed()) {
    execute_options.input = execute_input;
    if (!execute_output.empty()) execute_options.output = execute_output;
    if (!execute_kernel.empty()) execute_options.kernel = execute_kernel;
    execute_options.progress = ::isatty(2);
    return runt::cli::execute_notebook(execute_options, std::cerr);
  }

  if (agent->parsed()) {
    if (agent_token.empty()) agent_token = runt::cli::first_env({"RUNT_API_KEY", "AUTH_TOKEN"});
    std::vector<std::string> missing;
    if (agent_notebook.empty()) missing.push_back("  the notebook: --notebook ID (or NOTEBOOK_ID)");
    if (agent_token.empty()) missing.push_back("  a token: --auth-token T (or RUNT_API_KEY, AUTH_TOKEN)");
    if (agent_sync_url.empty()) missing.push_back("  the sync endpoint: --sync-url ws://HOST:PORT/livestore (or LIVESTORE_SYNC_URL)");
    if (!missing.empty()) {
      std::cerr << "runt agent: missing configuration:\n";
      for (const auto& m : missing) std::cerr << m << "\n";
      return 2;
    }
    // Runtimes by name: the example, then every installed kernelspec.
    runt::agent::RuntimeRegistry runtimes;
    runtimes.add("echo", [] { return runt::agent::make_echo_runtime(); });
    const auto kernelspecs = runt::kernel::find_kernelspecs(runt::kernel::kernel_dirs(runt::cli::env));
    for (const auto& spec : kernelspecs)
      runtimes.add(spec.name, [spec] {
        runt::agent::KernelRuntimeOptions options;
        options.runtime_dir = runt::cli::kernel_runtime_dir();
        return runt::agent::make_kernel_runtime(spec, options);
      });
    auto runtime = runtimes.make(agent_kernel);
    if (!runtime) {
      std::cerr << "runt agent: no runtime named " << agent_kernel << "; there are:";
      for (const auto& name : runtimes.names()) std::cerr << " " << name;
      std::cerr << " (runt kernels lists the kernelspecs)\n";
      return 2;
    }
    runt::agent::AgentConfig config;
    config.sync_url = agent_sync_url;
    config.notebook_id = agent_notebook;
    config.auth_token = agent_token;
    config.runtime_id = agent_runtime_id;
    const auto spec = std::find_if(kernelspecs.begin(), kernelspecs.end(), [&](const auto& k) { return k.name == agent_kernel; });
    const std::string language = spec != kernelspecs.end() ? spec->language : "";
    config.runtime_type = agent_runtime_type.empty() ? runt::agent::anode_runtime_type(agent_kernel, language) : agent_runtime_type;
    if (spec != kernelspecs.end()) config.kernel_display_name = spec->display_name;
    config.image_artifact_threshold = agent_threshold;
    config.log = [](const std::string& line) { std::cerr << "runt agent: " << line << std::endl; };
    // SIGINT/SIGTERM end the session cleanly: a thread waits for them (kernels get them unblocked).
    runt::cli::StopSignals signals;
    runt::agent::SessionRuntimes session{std::move(runtime), runt::assistant::make_ai_runtime(runt::cli::assistant_config(agent_ai, config.log))};
    runt::agent::RuntimeAgent runner(config, std::move(session),
                                    runt::agent::server_notebook(config.sync_url, config.notebook_id, config.auth_token, config.log));
    std::thread waiter([&] {
      const int received = signals.wait();
      if (received == SIGINT || received == SIGTERM) runner.stop();
    });
    int code = 0;
    try {
      runner.run();
    } catch (const std::exception& e) {
      std::cerr << "runt agent: " << e.what() << "\n";
      code = 1;
    }
    pthread_kill(waiter.native_handle(), SIGTERM);  // wakes the waiter if no signal came
    waiter.join();
    return code;
  }

  if (tui->parsed()) {
    if (tui_options.auth_token.empty()) tui_options.auth_token = runt::cli::first_env({"RUNT_API_KEY", "AUTH_TOKEN"});
    return runt::tui::run_tui(tui_options, std::cerr);
  }

  if (up->parsed()) {
    up_options.data_dir = up_data_dir;
    up_options.web_dir = up_web_dir;
    up_options.kernel_idle = std::chrono::milliseconds(static_cast<std::int64_t>(up_idle_minutes * 60000));
    return runt::cli::run_up(up_options, std::cout, std::cerr);
  }

  if (doctor->parsed()) {
    doctor_options.kernel_dirs = runt::kernel::kernel_dirs(runt::cli::env);
    doctor_options.data_dir = doctor_data_dir.empty() ? runt::cli::default_data_dir() : std::filesystem::path(doctor_data_dir);
    doctor_options.token = doctor_token.empty() ? runt::cli::first_env({"RUNT_API_KEY", "AUTH_TOKEN", "RUNT_TOKEN"}) : doctor_token;
    doctor_options.http_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(doctor_timeout_seconds * 1000));
    return runt::doctor::report(runt::doctor::run(doctor_options), std::cout);
  }

  if (kernels->parsed()) {
    const auto dirs = runt::kernel::kernel_dirs(runt::cli::env);
    const auto specs = runt::kernel::find_kernelspecs(dirs, [](const std::string& problem) {
      std::cerr << "runt kernels: skipped " << problem << "\n";
    });
    if (kernels_json) {
      runt::kernel::Json list = runt::kernel::Json::array();
      for (const auto& k : specs)
        list.push_back({{"name", k.name}, {"display_name", k.display_name}, {"language", k.language},
                        {"resource_dir", k.resource_dir.string()}, {"argv", k.argv}, {"interrupt_mode", k.interrupt_mode}});
      std::cout << list.dump(2) << "\n";
    } else if (specs.empty()) {
      std::cout << "No kernelspecs found. Looked in:\n";
      for (const auto& d : dirs) std::cout << "  " << d.string() << "\n";
      return 1;
    } else {
      size_t width = 4;
      for (const auto& k : specs) width = std::max(width, k.name.size());
      for (const auto& k : specs)
        std::cout << k.name << std::string(width + 2 - k.name.size(), ' ') << k.display_name << "  (" << k.resource_dir.string()
                  << ")\n";
    }
    return 0;
  }

  if (data_dir.empty()) {
    data_dir = runt::cli::default_data_dir().string();
  }

  if (token->parsed()) {
    try {
      auto accounts = runt::auth::Accounts::open(token_store, data_dir, "");
      if (token_create->parsed()) {
        std::cout << accounts.create_key(token_user, {.grant_runtimes = token_runtime}) << "\n";
        std::cerr << "runt token: created an API key for " << token_user
                  << "; it is shown only this once (the server keeps its SHA-256)\n";
        if (token_runtime) std::cerr << "runt token: " << token_user << " may run code (runt up starts kernels for their notebooks)\n";
      } else if (token_allow->parsed() || token_deny->parsed()) {
        const bool allowed = token_allow->parsed();
        accounts.set_may_run_code(token_user, allowed);
        std::cerr << "runt token: " << token_user
                  << (allowed ? " may run code: runt up starts kernels for notebooks they own"
                              : " may not run code: runt up stops and no longer starts kernels for notebooks they own")
                  << "\n";
      } else {
        const int n = accounts.revoke_keys(token_user);
        std::cerr << "runt token: revoked " << n << " key" << (n == 1 ? "" : "s") << " of " << token_user
                  << " and ended their browser logins\n";
      }
    } catch (const std::exception& e) {
      std::cerr << "runt token: " << e.what() << "\n";
      return 2;
    }
    return 0;
  }

  if (migrate->parsed()) {
    migrate_options.log = [](const std::string& line) { std::cerr << "runt migrate: " << line << std::endl; };
    try {
      const auto summary = runt::migrate::run(migrate_options);
      std::cout << "runt migrate: " << runt::migrate::describe(summary) << "\n";
    } catch (const runt::migrate::BadSource& e) {
      std::cerr << "runt migrate: " << e.what() << "\n";
      return 2;
    } catch (const std::invalid_argument& e) {
      std::cerr << "runt migrate: " << e.what() << "\n";
      return 2;
    } catch (const std::exception& e) {  // Diverged, or a database error
      std::cerr << "runt migrate: " << e.what() << "\n";
      return 1;
    }
    return 0;
  }

  if (serve->parsed()) {
    serve_options.data_dir = data_dir;
    std::filesystem::create_directories(serve_options.data_dir);
    const bool token_from_data_dir = serve_options.token.empty();
    if (token_from_data_dir) {
      serve_options.token = runt::cli::load_or_create_server_token(serve_options.data_dir);
      std::cout << "runt serve: token " << serve_options.token << " (from " << (serve_options.data_dir / "token").string()
                << ")\n";
    }
    const bool verbose = log_level != "error";
    serve_options.trace_frames = log_level == "trace";
    serve_options.log = [verbose](const std::string& line) {
      if (verbose) std::cerr << "runt serve: " << line << std::endl;
    };
    try {
      runt::serve::Server server(serve_options);
      std::cout << "runt serve: listening on http://" << serve_options.host << ":" << server.port()
                << " (sync endpoint ws://" << serve_options.host << ":" << server.port() << "/livestore)" << std::endl;
      // The browser's way in, like Jupyter's link (a token given on the command line is not
      // echoed back into logs).
      if (token_from_data_dir)
        std::cout << "runt serve: the notebook in a browser: http://" << serve_options.host << ":" << server.port()
                  << "/?token=" << serve_options.token << std::endl;
      server.run();
    } catch (const std::exception& e) {
      std::cerr << "runt serve: " << e.what() << "\n";
      return 1;
    }
    return 0;
  }

  if (replay->parsed()) {
    runt::cli::ReplayOptions options{pretty ? 2 : 0};
    if (replay_file == "-") return runt::cli::replay(std::cin, std::cout, std::cerr, options);
    std::ifstream in(replay_file, std::ios::binary);
    if (!in) {
      std::cerr << "runt replay: cannot open " << replay_file << ": " << std::strerror(errno) << "\n";
      return 1;
    }
    return runt::cli::replay(in, std::cout, std::cerr, options);
  }
  return 0;
}
