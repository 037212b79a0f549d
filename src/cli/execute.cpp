#include "execute.hpp"

#include "environment.hpp"

#include "runt/agent/agent.hpp"
#include "runt/agent/kernel_runtime.hpp"
#include "runt/notebook/local_notebook.hpp"
#include "runt/ipynb/ipynb.hpp"
#include "runt/schema/json.hpp"

#include <condition_variable>
#include <future>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <mutex>
#include <thread>

namespace runt::cli {

namespace fs = std::filesystem;
namespace events = schema::events;
using namespace std::chrono_literals;


int execute_notebook(const ExecuteOptions& options, std::ostream& err) {
  fs::path out_path = options.inplace ? options.input
                                      : options.output.value_or(options.input.parent_path() /
                                                                (options.input.stem().string() + ".nbconvert.ipynb"));
  std::error_code ec;
  if (!options.inplace && fs::exists(out_path, ec) && fs::equivalent(out_path, options.input, ec)) {
    err << "runt execute: refusing to overwrite the input " << options.input.string() << " (use --inplace)\n";
    return 2;
  }
  ipynb::Json doc;
  try {
    std::ifstream in(options.input, std::ios::binary);
    if (!in) {
      err << "runt execute: cannot open " << options.input.string() << "\n";
      return 2;
    }
    doc = ipynb::read_notebook(in);
  } catch (const ipynb::IpynbError& e) {
    err << "runt execute: " << options.input.string() << ": " << e.what() << "\n";
    return 2;
  }

  std::string kernel_name = options.kernel.value_or("");
  if (kernel_name.empty()) {
    const auto& meta = doc["metadata"];
    kernel_name = meta.contains("kernelspec") && meta["kernelspec"].is_object() ? meta["kernelspec"].value("name", "python3") : "python3";
  }
  const auto spec = kernel::find_kernelspec(kernel_name, kernel::kernel_dirs(env));
  if (!spec) {
    err << "runt execute: no kernelspec named " << kernel_name << " (runt kernels lists them)\n";
    return 2;
  }

  auto notebook = std::make_shared<notebook::LocalNotebook>("runt-execute");
  for (const auto& e : ipynb::import_cells(doc, "runt-execute")) notebook->commit(e);

  agent::KernelRuntimeOptions kernel_options;
  kernel_options.runtime_dir = kernel_runtime_dir();
  // Every cell is requested at once and sent ahead, so the kernel goes from one cell to the
  // next without waiting for runt; without --allow-errors the kernel itself aborts what is
  // queued behind a failure.
  kernel_options.pipeline_depth = 4;
  kernel_options.stop_on_error = !options.allow_errors;
  agent::AgentConfig config;
  config.notebook_id = "local";
  config.runtime_id = "runt-execute";
  config.runtime_type = kernel_name;
  agent::RuntimeAgent runner(config, agent::make_kernel_runtime(*spec, kernel_options),
                             [notebook](boost::asio::io_context&, const agent::AgentIdentity&) { return notebook; });

  // The row being waited for, watched on the agent's thread after every commit.
  std::mutex mutex;
  std::condition_variable changed;
  std::string agent_error, awaited;
  bool agent_done = false;
  std::optional<schema::QueueStatus> outcome;
  std::string error_text;
  // On the agent's thread: is the awaited row done?
  const auto check = [&] {
    const std::lock_guard lock(mutex);
    if (awaited.empty() || outcome) return;
    const auto* row = notebook->state().executionQueue.find(awaited);
    if (!row || (row->status != schema::QueueStatus::completed && row->status != schema::QueueStatus::failed &&
                 row->status != schema::QueueStatus::cancelled))
      return;
    outcome = row->status;
    if (row->status == schema::QueueStatus::failed)
      for (const auto& o : ipynb::outputs_of(notebook->state(), row->cellId))
        if (o.value("output_type", "") == "error") error_text = o.value("ename", "") + ": " + o.value("evalue", "");
    changed.notify_all();
  };
  notebook->subscribe([&check](const notebook::Change&) { check(); });
  std::thread agent_thread([&] {
    try {
      runner.run();
    } catch (const std::exception& e) {
      const std::lock_guard lock(mutex);
      agent_error = e.what();
    }
    const std::lock_guard lock(mutex);
    agent_done = true;
    changed.notify_all();
  });

  // Every non-empty code cell is requested at once (nbclient skips empty ones); then each is
  // awaited in order.
  std::vector<std::size_t> code_cells;
  for (std::size_t i = 0; i < doc["cells"].size(); ++i)
    if (doc["cells"][i]["cell_type"] == "code" &&
        ipynb::cell_source(doc["cells"][i]).find_first_not_of(" \t\r\n") != std::string::npos)
      code_cells.push_back(i);
  std::vector<events::ExecutionRequested> requests;
  for (std::size_t n = 0; n < code_cells.size(); ++n)
    requests.push_back({"execute-" + std::to_string(n), doc["cells"][code_cells[n]]["id"].get<std::string>(),
                        static_cast<std::int64_t>(n + 1), "runt-execute", std::nullopt});
  runner.post([&notebook, requests] {
    for (const auto& r : requests) notebook->commit(r);
  });
  int status = 0;
  std::string failure;
  std::vector<std::size_t> ran;
  // --timeout counts from when the kernel is ready, not from its start.
  for (;;) {
    std::unique_lock lock(mutex);
    if (agent_done || runner.ready()) break;
    changed.wait_for(lock, 10ms);
  }
  auto t0 = std::chrono::steady_clock::now();
  for (std::size_t n = 0; n < code_cells.size() && status == 0; ++n) {
    const std::string& queue = requests[n].queueId;
    const std::string& id = requests[n].cellId;
    {
      const std::lock_guard lock(mutex);
      awaited = queue;
      outcome.reset();
      error_text.clear();
    }
    runner.post(check);  // it may be done already
    bool timed_out = false;
    std::unique_lock lock(mutex);
    while (!outcome && !agent_done) {
      changed.wait_for(lock, 100ms);
      if (outcome || agent_done || timed_out || options.timeout_seconds <= 0 ||
          std::chrono::steady_clock::now() - t0 < std::chrono::duration<double>(options.timeout_seconds))
        continue;
      timed_out = true;
      runner.post([&notebook, queue, id] {
        notebook->commit(events::ExecutionCancelled{queue, id, "runt-execute", std::nullopt, "timeout"});
      });
    }
    if (!outcome) {
      failure = "the agent stopped: " + agent_error;
      status = 2;
      break;
    }
    const bool ok = *outcome == schema::QueueStatus::completed;
    const std::string error = error_text;
    lock.unlock();
    ran.push_back(code_cells[n]);
    const auto now = std::chrono::steady_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - t0).count();
    t0 = now;  // the next cell starts when this one ends
    if (options.progress)
      err << "[" << (n + 1) << "/" << code_cells.size() << "] cell " << id << ": "
          << (ok ? "ok" : timed_out ? "timed out" : error.empty() ? "failed" : error) << " (" << ms << " ms)\n";
    if (!ok) {
      std::ostringstream limit;
      limit << options.timeout_seconds;
      const std::string what = timed_out ? "timed out after " + limit.str() + " s"
                                         : (error.empty() ? "failed" : error);
      if (!options.allow_errors || timed_out) {
        failure = "cell " + std::to_string(code_cells[n]) + " (id " + id + ") " + what;
        status = 1;
      }
    }
  }

  // Outputs of the cells that ran, read on the agent's thread, then stop it.
  std::promise<void> copied;
  runner.post([&] {
    for (const std::size_t i : ran) {
      auto& cell = doc["cells"][i];
      const std::string id = cell["id"].get<std::string>();
      cell["outputs"] = ipynb::outputs_of(notebook->state(), id);
      const auto* row = notebook->state().cells.find(id);
      cell["execution_count"] = row && row->executionCount ? ipynb::Json(*row->executionCount) : ipynb::Json(nullptr);
    }
    copied.set_value();
  });
  if (!agent_done) copied.get_future().wait_for(30s);
  runner.stop();
  agent_thread.join();
  if (!agent_error.empty()) {
    err << "runt execute: " << agent_error << "\n";
    return 2;
  }
  for (auto& cell : doc["cells"])  // nbformat 4.5: code cells carry outputs and execution_count
    if (cell["cell_type"] == "code") {
      if (!cell.contains("outputs")) cell["outputs"] = ipynb::Json::array();
      if (!cell.contains("execution_count")) cell["execution_count"] = nullptr;
    }
  {
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    out << doc.dump(1, ' ', false, ipynb::Json::error_handler_t::replace) << "\n";
    if (!out) {
      err << "runt execute: cannot write " << out_path.string() << "\n";
      return 2;
    }
  }
  if (status != 0) err << "runt execute: " << failure << "; wrote what ran to " << out_path.string() << "\n";
  return status;
}

}  // namespace runt::cli
