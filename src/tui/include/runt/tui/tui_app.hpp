#pragma once
// `runt tui`: the terminal notebook on a server's notebook, synced live. The app wires the
// synced notebook, the view model, the layout and the terminal on one event loop.

#include <ostream>
#include <string>

namespace runt::tui {

struct TuiOptions {
  std::string sync_url;    // ws://HOST:PORT/livestore
  std::string auth_token;
  std::string notebook_id;  // empty: choose from the server's list
  bool create = false;      // a notebook id that does not exist yet is created
};

// Runs until the person quits. Returns the exit code: 0, or 2 with one clear message on `err`
// for missing configuration, a refused token, an unknown notebook or no terminal.
int run_tui(const TuiOptions& options, std::ostream& err);

}  // namespace runt::tui
