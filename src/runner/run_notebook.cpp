#include "runt/runner/run_notebook.hpp"

#include "runt/agent/agent.hpp"
#include "runt/agent/kernel_runtime.hpp"
#include "runt/notebook/local_notebook.hpp"
#include "runt/schema/events.hpp"

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

namespace runt::runner {

namespace events = schema::events;
using namespace std::chrono_literals;

MakeRuntime pipelined_kernel(kernel::KernelSpec spec, std::filesystem::path runtime_dir) {
  return [spec = std::move(spec), runtime_dir = std::move(runtime_dir)](const RuntimeRequest& request) {
    agent::KernelRuntimeOptions options;
    options.runtime_dir = runtime_dir;
    // Every cell is requested at once and sent ahead; when a failure stops the run, the kernel
    // itself aborts what is queued behind it.
    options.pipeline_depth = 4;
    options.stop_on_error = request.stop_on_error;
    return agent::make_kernel_runtime(spec, options);
  };
}

namespace {

constexpr const char* kRunner = "runt-execute";

bool is_finished(schema::QueueStatus status) {
  return status == schema::QueueStatus::completed || status == schema::QueueStatus::failed ||
         status == schema::QueueStatus::cancelled;
}

// Non-empty code cells, as nbclient skips empty ones.
std::vector<std::size_t> cells_to_run(const ipynb::Json& doc) {
  std::vector<std::size_t> cells;
  for (std::size_t i = 0; i < doc["cells"].size(); ++i)
    if (doc["cells"][i]["cell_type"] == "code" &&
        ipynb::cell_source(doc["cells"][i]).find_first_not_of(" \t\r\n") != std::string::npos)
      cells.push_back(i);
  return cells;
}

// The agent on its own thread, and the one queue row the caller waits for, watched on the
// agent's thread after every commit.
class AgentThread {
 public:
  struct Finished {
    schema::QueueStatus status;
    std::string error;  // "ename: evalue" of a failed cell
  };

  AgentThread(const RunOptions& options, std::shared_ptr<notebook::LocalNotebook> notebook)
      : notebook_(std::move(notebook)),
        agent_(config(options), options.make_runtime(RuntimeRequest{.stop_on_error = !options.allow_errors}),
               [nb = notebook_](boost::asio::io_context&, const agent::AgentIdentity&) { return nb; }) {
    notebook_->subscribe([this](const notebook::Change&) { check(); });
    thread_ = std::thread([this] {
      std::string error;
      try {
        agent_.run();
      } catch (const std::exception& e) {
        error = e.what();
      }
      const std::lock_guard lock(mutex_);
      error_ = error;
      done_ = true;
      changed_.notify_all();
    });
  }
  ~AgentThread() { stop(); }

  agent::RuntimeAgent& agent() { return agent_; }

  void wait_until_ready() {
    std::unique_lock lock(mutex_);
    while (!done_ && !agent_.ready()) changed_.wait_for(lock, 10ms);
  }

  // Waits for the row `queue` to finish; cancels it once `deadline` passes. Nullopt when the
  // agent stopped first.
  std::optional<Finished> await(const std::string& queue, const std::string& cell,
                                std::optional<std::chrono::steady_clock::time_point> deadline, bool& timed_out) {
    {
      const std::lock_guard lock(mutex_);
      awaited_ = queue;
      finished_.reset();
    }
    agent_.post([this] { check(); });  // it may be done already
    std::unique_lock lock(mutex_);
    while (!finished_ && !done_) {
      changed_.wait_for(lock, 100ms);
      if (finished_ || done_ || timed_out || !deadline || std::chrono::steady_clock::now() < *deadline) continue;
      timed_out = true;
      agent_.post([nb = notebook_, queue, cell] {
        nb->commit(events::ExecutionCancelled{queue, cell, kRunner, std::nullopt, "timeout"});
      });
    }
    return finished_;
  }

  // Runs `task` on the agent's thread (where the notebook may be read) and waits for it.
  void on_agent_thread(std::function<void()> task) {
    auto finished = std::make_shared<std::promise<void>>();
    auto future = finished->get_future();
    agent_.post([task = std::move(task), finished] {
      task();
      finished->set_value();
    });
    if (!done()) future.wait_for(30s);
  }

  bool done() {
    const std::lock_guard lock(mutex_);
    return done_;
  }
  std::string error() {
    const std::lock_guard lock(mutex_);
    return error_;
  }

  void stop() {
    if (!thread_.joinable()) return;
    agent_.stop();
    thread_.join();
  }

 private:
  static agent::AgentConfig config(const RunOptions& options) {
    agent::AgentConfig config;
    config.notebook_id = "local";
    config.runtime_id = kRunner;
    config.runtime_type = options.runtime_type;
    config.kernel_display_name = options.kernel_display_name;
    return config;
  }

  // On the agent's thread: is the awaited row done?
  void check() {
    const std::lock_guard lock(mutex_);
    if (awaited_.empty() || finished_) return;
    const auto* row = notebook_->state().executionQueue.find(awaited_);
    if (!row || !is_finished(row->status)) return;
    Finished finished{row->status, {}};
    if (row->status == schema::QueueStatus::failed)
      for (const auto& o : ipynb::outputs_of(notebook_->state(), row->cellId))
        if (o.value("output_type", "") == "error") finished.error = o.value("ename", "") + ": " + o.value("evalue", "");
    finished_ = std::move(finished);
    changed_.notify_all();
  }

  std::shared_ptr<notebook::LocalNotebook> notebook_;
  agent::RuntimeAgent agent_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string awaited_;
  std::optional<Finished> finished_;
  bool done_ = false;
  std::string error_;
  std::thread thread_;
};

}  // namespace

RunReport run_notebook(ipynb::Json& doc, const RunOptions& options, std::ostream& progress) {
  auto notebook = std::make_shared<notebook::LocalNotebook>(kRunner);
  for (const auto& e : ipynb::import_cells(doc, kRunner)) notebook->commit(e);
  AgentThread runner(options, notebook);

  // Every cell is requested at once; then each is awaited in order.
  const auto code_cells = cells_to_run(doc);
  std::vector<events::ExecutionRequested> requests;
  for (std::size_t n = 0; n < code_cells.size(); ++n)
    requests.push_back({"execute-" + std::to_string(n), doc["cells"][code_cells[n]]["id"].get<std::string>(),
                        static_cast<std::int64_t>(n + 1), kRunner, std::nullopt});
  runner.agent().post([notebook, requests] {
    for (const auto& r : requests) notebook->commit(r);
  });

  RunReport report;
  runner.wait_until_ready();  // the timeout counts from when the runtime is ready, not from its start
  auto t0 = std::chrono::steady_clock::now();
  for (std::size_t n = 0; n < code_cells.size() && report.status == RunStatus::completed; ++n) {
    const std::string& id = requests[n].cellId;
    std::optional<std::chrono::steady_clock::time_point> deadline;
    if (options.timeout_seconds > 0)
      deadline = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          std::chrono::duration<double>(options.timeout_seconds));
    bool timed_out = false;
    const auto finished = runner.await(requests[n].queueId, id, deadline, timed_out);
    if (!finished) {
      report.failure = "the agent stopped: " + runner.error();
      report.status = RunStatus::agent_stopped;
      break;
    }
    const bool ok = finished->status == schema::QueueStatus::completed;
    report.ran.push_back(code_cells[n]);
    const auto now = std::chrono::steady_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - t0).count();
    t0 = now;  // the next cell starts when this one ends
    if (options.progress)
      progress << "[" << (n + 1) << "/" << code_cells.size() << "] cell " << id << ": "
               << (ok ? "ok" : timed_out ? "timed out" : finished->error.empty() ? "failed" : finished->error) << " ("
               << ms << " ms)\n";
    if (ok || (options.allow_errors && !timed_out)) continue;
    std::ostringstream limit;
    limit << options.timeout_seconds;
    const std::string what = timed_out ? "timed out after " + limit.str() + " s"
                                       : (finished->error.empty() ? "failed" : finished->error);
    report.failure = "cell " + std::to_string(code_cells[n]) + " (id " + id + ") " + what;
    report.status = RunStatus::cell_failed;
  }

  // The outputs of the cells that ran, read on the agent's thread; then it stops.
  runner.on_agent_thread([&] {
    for (const std::size_t i : report.ran) {
      auto& cell = doc["cells"][i];
      const std::string id = cell["id"].get<std::string>();
      cell["outputs"] = ipynb::outputs_of(notebook->state(), id);
      const auto* row = notebook->state().cells.find(id);
      cell["execution_count"] = row && row->executionCount ? ipynb::Json(*row->executionCount) : ipynb::Json(nullptr);
    }
  });
  runner.stop();
  report.agent_error = runner.error();
  for (auto& cell : doc["cells"])  // nbformat 4.5: code cells carry outputs and execution_count
    if (cell["cell_type"] == "code") {
      if (!cell.contains("outputs")) cell["outputs"] = ipynb::Json::array();
      if (!cell.contains("execution_count")) cell["execution_count"] = nullptr;
    }
  return report;
}

}  // namespace runt::runner
