#include "runt/agent/kernel_runtime.hpp"

#include "runt/kernel/kernel.hpp"

#include <deque>
#include <mutex>

namespace runt::agent {

using namespace std::chrono_literals;

schema::Representations representations_of(const kernel::Json& data, const kernel::Json& metadata) {
  schema::Representations out;
  if (!data.is_object()) return out;
  for (const auto& [mime, value] : data.items()) {
    schema::InlineMedia media{schema::Json(value), std::nullopt};
    if (metadata.is_object())
      if (const auto m = metadata.find(mime); m != metadata.end() && m->is_object()) media.metadata = schema::Object{schema::Json(*m)};
    out.emplace_back(mime, std::move(media));
  }
  return out;
}

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

  void prefetch(const std::vector<std::pair<std::string, std::string>>& upcoming) override {
    if (options_.pipeline_depth == 0 || !kernel_->alive()) return;
    for (const auto& [queue_id, code] : upcoming) {
      if (ahead_.size() >= options_.pipeline_depth) break;
      bool sent = false;
      for (const auto& a : ahead_) sent = sent || a.queue_id == queue_id;
      if (!sent) ahead_.push_back({queue_id, kernel_->execute(code, true, false, options_.stop_on_error)});
    }
  }

  Outcome execute(ExecutionContext& context) override {
    Outcome outcome = run(context);
    const std::lock_guard lock(mutex_);
    interrupt_requested_ = false;  // cleared after the cell, so a request made before it started still counts
    return outcome;
  }

 private:
  Outcome run(ExecutionContext& context) {
    if (!kernel_->alive()) restart_after_death(context, "before this cell");
    std::string request;
    if (!ahead_.empty() && ahead_.front().queue_id == context.queue_id()) {
      request = ahead_.front().msg_id;  // sent ahead: its messages may be waiting already
      ahead_.pop_front();
    } else {
      ahead_.clear();  // the queue changed under us; those requests run but nobody waits for them
      request = kernel_->execute(context.source(), true, false, options_.stop_on_error);
    }
    Stream pending;
    bool replied = false, idle = false, interrupted = false;
    auto last_heard = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point interrupted_at;
    Outcome outcome;
    while (!(replied && idle)) {
      if (!interrupted && (wants_interrupt() || context.cancelled())) {
        interrupted = true;
        interrupted_at = std::chrono::steady_clock::now();
        kernel_->interrupt();  // the kernel then replies with a KeyboardInterrupt error
      }
      // Code that swallows KeyboardInterrupt would run on forever: after a grace period the
      // kernel is killed and restarted.
      if (interrupted && !replied && std::chrono::steady_clock::now() - interrupted_at > options_.interrupt_grace) {
        pending.flush(context);
        context.error("KernelRestarted", "The kernel did not stop when interrupted; it has been restarted.", {});
        restart_after_death(context, "after an interrupt it ignored");
        return Outcome{false, "The kernel did not stop when interrupted"};
      }
      const auto wait = pending.text.empty() ? 50ms : std::max(0ms, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                        pending.since + options_.coalesce - std::chrono::steady_clock::now()));
      auto got = next_message(request, wait);
      if (!got) {
        if (!pending.text.empty() && std::chrono::steady_clock::now() >= pending.since + options_.coalesce) pending.flush(context);
        if (!kernel_->alive()) {
          pending.flush(context);
          const std::string why = kernel_->exit_reason();
          context.error("KernelDied", "The kernel died (" + why + ") while running this cell. It has been restarted.", {});
          restart_after_death(context, "after it died");
          return Outcome{false, "The kernel died (" + why + ")"};
        }
        // Silent for a while: a live kernel still answers its heartbeat (its own thread).
        if (std::chrono::steady_clock::now() - last_heard > options_.heartbeat_after) {
          last_heard = std::chrono::steady_clock::now();
          if (!kernel_->heartbeat(options_.heartbeat_timeout) && !kernel_->heartbeat(options_.heartbeat_timeout)) {
            pending.flush(context);
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
      const std::string type = m.msg_type();
      if (got->channel == kernel::Channel::shell && type == "execute_reply") {
        replied = true;
        const std::string status = m.content.value("status", "");
        if (status == "error")
          outcome = Outcome{false, m.content.value("ename", "Error") + ": " + m.content.value("evalue", "")};
        else if (status == "aborted")
          outcome = Outcome{false, "aborted"};
        continue;
      }
      if (got->channel != kernel::Channel::iopub) continue;
      if (type == "status") {
        idle = idle || m.content.value("execution_state", "") == "idle";
        continue;
      }
      if (type == "stream") {
        const auto name = m.content.value("name", "stdout") == "stderr" ? schema::StreamName::stderr_ : schema::StreamName::stdout_;
        if (!pending.text.empty() && pending.name != name) pending.flush(context);
        if (pending.text.empty()) pending.since = std::chrono::steady_clock::now();
        pending.name = name;
        pending.text += m.content.value("text", "");
        continue;
      }
      pending.flush(context);  // outputs keep their order
      if (type == "display_data") {
        std::optional<std::string> display_id;
        if (const auto t = m.content.find("transient"); t != m.content.end() && t->is_object() && t->contains("display_id"))
          display_id = (*t)["display_id"].get<std::string>();
        context.display(representations_of(m.content.value("data", kernel::Json::object()), m.content.value("metadata", kernel::Json::object())),
                        display_id);
      } else if (type == "update_display_data") {
        const auto t = m.content.value("transient", kernel::Json::object());
        if (t.contains("display_id"))
          context.update_display(t["display_id"].get<std::string>(),
                                 representations_of(m.content.value("data", kernel::Json::object()),
                                                    m.content.value("metadata", kernel::Json::object())));
      } else if (type == "execute_result") {
        context.result(representations_of(m.content.value("data", kernel::Json::object()), m.content.value("metadata", kernel::Json::object())));
      } else if (type == "error") {
        std::vector<std::string> traceback;
        for (const auto& line : m.content.value("traceback", kernel::Json::array()))
          if (line.is_string()) traceback.push_back(line.get<std::string>());
        context.error(m.content.value("ename", ""), m.content.value("evalue", ""), traceback);
      } else if (type == "clear_output") {
        context.clear(m.content.value("wait", false));
      }
    }
    pending.flush(context);
    return outcome;
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

  // Stream text waiting to become one terminal output.
  struct Stream {
    schema::StreamName name = schema::StreamName::stdout_;
    std::string text;
    std::chrono::steady_clock::time_point since;
    void flush(ExecutionContext& context) {
      if (text.empty()) return;
      name == schema::StreamName::stderr_ ? context.stderr_text(text) : context.stdout_text(text);
      text.clear();
    }
  };

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
