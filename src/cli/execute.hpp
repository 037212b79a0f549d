#pragma once
// `runt execute IN.ipynb`: the job of nbclient / `jupyter nbconvert --execute`, through runt's
// own agent and kernel path on an in-process notebook log.

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

namespace runt::cli {

struct ExecuteOptions {
  std::filesystem::path input;
  std::optional<std::filesystem::path> output;  // default: IN.nbconvert.ipynb next to the input
  bool inplace = false;
  std::optional<std::string> kernel;  // default: the notebook's kernelspec, else python3
  double timeout_seconds = 0;         // per cell; 0: none
  bool allow_errors = false;
  bool progress = false;              // a line per cell on stderr
};

// 0 when every cell ran, 1 when a cell failed (the notebook is still written with what ran),
// 2 for bad input or a kernel that cannot start.
int execute_notebook(const ExecuteOptions& options, std::ostream& err);

}  // namespace runt::cli
