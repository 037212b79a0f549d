#pragma once
// A whole notebook run as nbclient runs one (`runt execute`): its cells go into an in-process
// notebook log, a RuntimeAgent runs every non-empty code cell in order on a runtime of its
// own, and the outputs and execution counts of the cells that ran are copied back into the
// document.

#include "runt/agent/runtime.hpp"
#include "runt/ipynb/ipynb.hpp"
#include "runt/kernel/kernelspec.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace runt::runner {

// What the run asks of its runtime.
struct RuntimeRequest {
  bool stop_on_error = true;  // the runtime may skip what is queued behind a failing cell
};
using MakeRuntime = std::function<std::unique_ptr<agent::Runtime>(const RuntimeRequest&)>;

// A Jupyter kernel that is sent every cell ahead, so it goes from one cell to the next
// without waiting for runt.
MakeRuntime pipelined_kernel(kernel::KernelSpec spec, std::filesystem::path runtime_dir);

struct RunOptions {
  MakeRuntime make_runtime;
  std::string runtime_type = "python";  // the session's, as clients see it (agent::anode_runtime_type)
  std::string kernel_display_name;      // for the session's actor profile
  double timeout_seconds = 0;            // per cell, counted from when the runtime is ready; 0: none
  bool allow_errors = false;             // a failing cell does not stop the run
  bool progress = false;                 // a line per cell on the progress stream
};

enum class RunStatus {
  completed,      // every cell ran (failures allowed by allow_errors included)
  cell_failed,    // a cell failed or timed out; the cells after it did not run
  agent_stopped,  // the agent ended before the run did
};

struct RunReport {
  RunStatus status = RunStatus::completed;
  std::string failure;      // for people, when not completed: which cell, and why
  std::string agent_error;  // the runtime or agent could not run at all (e.g. no kernel); the document is unchanged
  std::vector<std::size_t> ran;  // indices in doc["cells"] of the cells that ran
};

// Runs `doc` (an nbformat 4 document, as ipynb::read_notebook returns it) and writes back the
// outputs and execution counts of the cells that ran; every code cell then carries both.
RunReport run_notebook(ipynb::Json& doc, const RunOptions& options, std::ostream& progress);

}  // namespace runt::runner
