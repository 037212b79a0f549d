#pragma once
// `runt doctor`: whether this machine has what runt needs (a python3 kernelspec and its
// packages, a writable data directory, a reachable server that takes the token), one check a
// line, each failure with the command or step that fixes it.

#include <chrono>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace runt::doctor {

struct Check {
  bool ok = false;
  std::string what;    // what was found, or what is missing
  std::string fix;     // for a failure: how to fix it
  bool needed = true;  // a failed check that is not needed is reported but fails nothing
};

struct Options {
  // Where kernelspecs are looked for, first wins (runt::kernel::kernel_dirs gives Jupyter's).
  std::vector<std::filesystem::path> kernel_dirs;
  std::filesystem::path data_dir;  // runt serve's --data
  std::string server_url;          // http://HOST:PORT or the ws:// sync URL; empty: no server checks
  std::string token;               // the token to try on server_url
  // Each `python -c "import X"`: a first matplotlib import can take seconds building its font cache.
  std::chrono::milliseconds import_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds http_timeout{std::chrono::seconds(5)};
};

// The installed kernelspecs, whether python3 is among them, and the packages its interpreter
// (the kernelspec's argv[0]) imports: ipykernel (needed), matplotlib, pandas, numpy (rich output).
std::vector<Check> kernel_checks(const Options& options);
// The data directory exists and is writable, or can be created.
Check data_dir_check(const std::filesystem::path& dir);
// The server answers GET /api/health, and GET /api/me with the token.
std::vector<Check> server_checks(const Options& options);
// All of the above (server checks only with a server_url).
std::vector<Check> run(const Options& options);

// One line per check (✓ or ✗, a ✗ followed by its fix) and a summary; 0 when every needed
// check passed, else 1.
int report(const std::vector<Check>& checks, std::ostream& out);

}  // namespace runt::doctor
