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

namespace runt::agent {

struct KernelRuntimeOptions {
  std::filesystem::path runtime_dir;  // connection files and kernel logs
  std::chrono::milliseconds coalesce{5};  // stream writes within this window become one output
  // After this long without a message, the heartbeat is checked; two missed pings in a row
  // mean the kernel hung: it is killed and restarted, and the cell fails saying so.
  std::chrono::milliseconds heartbeat_after{5000};
  std::chrono::milliseconds heartbeat_timeout{2000};
};

std::unique_ptr<Runtime> make_kernel_runtime(kernel::KernelSpec spec, KernelRuntimeOptions options);

// A Jupyter mime bundle ({mime: value}, metadata {mime: {...}}) as representations, in order.
schema::Representations representations_of(const kernel::Json& data, const kernel::Json& metadata);

}  // namespace runt::agent
