#pragma once
// A Runtime on a real Jupyter kernel: each cell is an execute_request; iopub messages become
// notebook outputs (stream writes of one stream coalesced for a few ms into one terminal
// output, display_data, update_display_data, execute_result, error, clear_output). A Python
// exception completes the execution with status error; a kernel that dies mid-cell gets an
// error output saying so and is restarted for the next cell.

#include "runt/agent/runtime.hpp"
#include "runt/kernel/kernelspec.hpp"
#include "runt/kernel/message.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace runt::agent {

struct KernelRuntimeOptions {
  std::filesystem::path runtime_dir;  // connection files and kernel logs
  std::chrono::milliseconds coalesce{5};  // stream writes within this window become one output
  // After this long without a message, the heartbeat is checked; two missed pings in a row
  // mean the kernel hung: it is killed and restarted, and the cell fails saying so.
  std::chrono::milliseconds heartbeat_after{5000};
  std::chrono::milliseconds heartbeat_timeout{2000};
  // How long an interrupted cell may take to stop before the kernel is killed and restarted.
  std::chrono::milliseconds interrupt_grace{5000};
  // Requests sent ahead of the running one, so the kernel never waits for runt between cells.
  // 0 (the agent's default): one at a time, since a request the kernel has cannot be
  // withdrawn when its cell is cancelled. runt execute pipelines.
  std::size_t pipeline_depth = 0;
  // Let the kernel abort the requests behind a failing one (runt execute without
  // --allow-errors); otherwise every request runs.
  bool stop_on_error = false;
};

// Kernels of this runtime never inherit these (kernel::LaunchOptions::hidden_env): what runt
// reads from the environment, its tokens first (RUNT_*, AUTH_TOKEN, the agent's settings). A
// kernel runs whatever its users type, and a token there would give them the server. A list of
// what to hide rather than of what to pass: a kernel needs the rest as Jupyter passes it (PATH,
// virtualenvs, LANG, proxies, CUDA settings).
std::vector<std::string> runt_env_names();

std::unique_ptr<Runtime> make_kernel_runtime(kernel::KernelSpec spec, KernelRuntimeOptions options);

}  // namespace runt::agent
