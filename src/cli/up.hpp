#pragma once
// `runt up [NOTEBOOK]`: the whole system on one machine. The sync server on the embedded SQLite
// store, a runtime agent on a local Jupyter kernel for the notebook (and for other notebooks when
// opened, as far as AgentPool allows), and one URL (with the token) to open in a browser. Ctrl-C
// ends the agents' sessions, then stops the server.

#include "ai_settings.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>

namespace runt::cli {

struct UpOptions {
  std::string host = "127.0.0.1";  // 0.0.0.0 lets others on the network join
  std::uint16_t port = 8787;
  std::filesystem::path data_dir;  // empty: ~/.local/share/runt
  std::filesystem::path web_dir;   // empty: the server's default (the build's web UI)
  // A notebook id, a .ipynb file to import, or empty: the notebook created on the first run.
  std::string notebook;
  std::string kernel = "python3";
  // Kernels running at once; notebooks opened beyond it get none until one stops.
  std::size_t max_kernels = 8;
  // A kernel whose notebook nobody has had open this long stops (0: never).
  std::chrono::milliseconds kernel_idle{std::chrono::minutes(30)};
  bool verbose = false;  // the server's connection log on stderr
  AiFlags ai;            // how the agents run ai cells
};

// Runs until SIGINT or SIGTERM. Prints the URL on `out`.
int run_up(const UpOptions& options, std::ostream& out, std::ostream& err);

}  // namespace runt::cli
