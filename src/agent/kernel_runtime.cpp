#include "runt/agent/kernel_runtime.hpp"

#include "runt/agent/kernel_outputs.hpp"

#include "runt/kernel/kernel.hpp"

#include <deque>
#include <mutex>

namespace runt::agent {

using namespace std::chrono_literals;

namespace {

class KernelRuntime final : public Runtime {
 public:
  KernelRuntime(kernel::KernelSpec spec, KernelRuntimeOptions options) : spec_(std::move(spec)), options_(std::move(options)) {}

  schema::RuntimeCapabilities capabilities() const override { return {true, false, false, std::nullopt}; }

  void start() override {
    kernel::LaunchOptions launch;
    launch.runtime_dir = options_.runtime_dir;
    launch.hidden_env = runt_env_names();
    kernel_ = kernel::Kernel::launch(spec_, launch);
  }

  void stop() override {
    if (kernel_) kernel_->shutdown();
  }

  void interrupt() override {
    const std::lock_guard lock(mutex_);
    interrupt_requested_ = true;
  }

  void prefetch(const std::vector<Execution>& upcoming) override {
    if (options_.pipeline_depth == 0 || !kernel_->alive()) return;
    for (const auto& execution : upcoming) {
      if (ahead_.size() >= options_.pipeline_depth) break;
      bool sent = false;
      for (const auto& a : ahead_) sent = sent || a.queue_id == execution.queue_id;
      if (!sent) ahead_.push_back({execution.queue_id, kernel_->execute(execution.source, request_options())});
    }
  }

  Outcome execute(ExecutionContext& context) override {
    Outcome outcome = run(context);
    const std::lock_guard lock(mutex_);
    interrupt_requested_ = false;  // cleared after the cell, so a request made before it started still counts
    return outcome;
  }

 private:
  kernel::ExecuteOptions request_options() const {
    kernel::ExecuteOptions o;
    o.stop_on_error = options_.stop_on_error;
    return o;
  }

  // Waits for the request's reply and its kernel's return to idle, watching the kernel's
  // liveness (death, heartbeat, an ignored interrupt) meanwhile; its messages go to KernelOutputs.
  Outcome run(ExecutionContext& context) {
    if (!kernel_->alive()) restart_after_death(context, "before this cell");
    std::string request;
    if (!ahead_.empty() && ahead_.front().queue_id == context.execution().queue_id) {
      request = ahead_.front().msg_id;  // sent ahead: its messages may be waiting already
      ahead_.pop_front();
    } else {
      ahead_.clear();  // the queue changed under us; those requests run but nobody waits for them
      request = kernel_->execute(context.execution().source, request_options());
    }
    KernelOutputs outputs(context, options_.coalesce);
    bool interrupted = false;
    auto last_heard = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point interrupted_at;
    while (!outputs.done()) {
      if (!interrupted && (wants_interrupt() || context.cancelled())) {
        interrupted = true;
        interrupted_at = std::chrono::steady_clock::now();
        kernel_->interrupt();  // the kernel then replies with a KeyboardInterrupt error
      }
      // Code that swallows KeyboardInterrupt would run on forever: after a grace period the
      // kernel is killed and restarted.
      if (interrupted && !outputs.replied() && std::chrono::steady_clock::now() - interrupted_at > options_.interrupt_grace) {
        outputs.flush();
        context.error("KernelRestarted", "The kernel did not stop when interrupted; it has been restarted.", {});
        restart_after_death(context, "after an interrupt it ignored");
        return Outcome{false, "The kernel did not stop when interrupted"};
      }
      const auto due = outputs.flush_due();
      const auto wait =
          due ? std::max(0ms, std::chrono::duration_cast<std::chrono::milliseconds>(*due - std::chrono::steady_clock::now())) : 50ms;
      auto got = next_message(request, wait);
      if (!got) {
        if (due && std::chrono::steady_clock::now() >= *due) outputs.flush();
        if (!kernel_->alive()) {
          outputs.flush();
          const std::string why = kernel_->exit_reason();
          context.error("KernelDied", "The kernel died (" + why + ") while running this cell. It has been restarted.", {});
          restart_after_death(context, "after it died");
          return Outcome{false, "The kernel died (" + why + ")"};
        }
        // Silent for a while: a live kernel still answers its heartbeat (its own thread).
        if (std::chrono::steady_clock::now() - last_heard > options_.heartbeat_after) {
          last_heard = std::chrono::steady_clock::now();
          if (!kernel_->heartbeat(options_.heartbeat_timeout) && !kernel_->heartbeat(options_.heartbeat_timeout)) {
            outputs.flush();
            context.error("KernelDied", "The kernel stopped answering (no heartbeat). It has been restarted.", {});
            restart_after_death(context, "after it hung");
            return Outcome{false, "The kernel stopped answering"};
          }
        }
        continue;
      }
      last_heard = std::chrono::steady_clock::now();
      const kernel::Message& m = got->message;
      if (m.parent_id() != request) {
        // A request sent ahead may answer before we are done reading this one's iopub.
        for (const auto& a : ahead_)
          if (a.msg_id == m.parent_id()) stash_.push_back(std::move(*got));
        continue;
      }
      outputs.take(got->channel, m);
    }
    outputs.flush();
    return outputs.outcome();
  }

  // Messages kept for a request sent ahead come first.
  std::optional<kernel::Received> next_message(const std::string& request, std::chrono::milliseconds wait) {
    for (auto it = stash_.begin(); it != stash_.end(); ++it)
      if (it->message.parent_id() == request) {
        kernel::Received got = std::move(*it);
        stash_.erase(it);
        return got;
      }
    return kernel_->receive(wait);
  }

  bool wants_interrupt() {
    const std::lock_guard lock(mutex_);
    return interrupt_requested_;
  }

  void restart_after_death(ExecutionContext&, const char*) {
    ahead_.clear();  // the new kernel never got them
    stash_.clear();
    kernel_->restart();
  }

  struct Ahead {
    std::string queue_id, msg_id;
  };
  std::deque<Ahead> ahead_;
  std::deque<kernel::Received> stash_;

  kernel::KernelSpec spec_;
  KernelRuntimeOptions options_;
  std::unique_ptr<kernel::Kernel> kernel_;
  std::mutex mutex_;
  bool interrupt_requested_ = false;
};

}  // namespace

std::vector<std::string> runt_env_names() {
  return {"RUNT_*", "AUTH_TOKEN", "LIVESTORE_SYNC_URL", "NOTEBOOK_ID", "RUNTIME_ID", "RUNTIME_TYPE", "IMAGE_ARTIFACT_THRESHOLD_BYTES"};
}

std::unique_ptr<Runtime> make_kernel_runtime(kernel::KernelSpec spec, KernelRuntimeOptions options) {
  return std::make_unique<KernelRuntime>(std::move(spec), std::move(options));
}

}  // namespace runt::agent
