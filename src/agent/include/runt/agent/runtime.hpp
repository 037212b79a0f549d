#pragma once
// What a runtime implements to run cells for a RuntimeAgent, and the ExecutionContext it
// writes outputs through (the original's output API: stdout, stderr, display, updateDisplay,
// result, error, markdown, appendMarkdown, appendTerminal, clear).

#include "runt/schema/events.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runt::agent {

// Turns the context's calls into notebook events. The agent supplies it; it is thread-safe
// (a runtime runs on the agent's worker thread).
using Commit = std::function<void(schema::Event)>;
using NewId = std::function<std::string()>;

// Where large images go (the server's artifact store). `upload` returns the artifact id, or
// nullopt when the upload failed (the image then stays inline: an output is never dropped).
struct Artifacts {
  std::size_t image_threshold_bytes = 6144;  // decoded PNGs above this are uploaded
  std::function<std::optional<std::string>(const std::string& bytes, const std::string& mime)> upload;
  std::function<std::string(const std::string& artifact_id)> url;
  std::function<std::string()> now_iso;
};

class ExecutionContext {
 public:
  ExecutionContext(std::string cell_id, std::string source, std::string queue_id, std::int64_t execution_count,
                   std::string runtime_id, Commit commit, NewId new_id, Artifacts artifacts = {});

  const std::string& cell_id() const { return cell_id_; }
  const std::string& source() const { return source_; }
  const std::string& queue_id() const { return queue_id_; }
  std::int64_t execution_count() const { return execution_count_; }

  void stdout_text(const std::string& text) { terminal(text, schema::StreamName::stdout_); }
  void stderr_text(const std::string& text) { terminal(text, schema::StreamName::stderr_); }
  void display(schema::Representations representations, std::optional<std::string> display_id = std::nullopt);
  void update_display(const std::string& display_id, schema::Representations representations);
  void result(schema::Representations representations);
  void error(const std::string& ename, const std::string& evalue, const std::vector<std::string>& traceback);
  std::string markdown(const std::string& text);  // returns the output id
  void append_markdown(const std::string& output_id, const std::string& delta, std::int64_t sequence_number);
  std::string terminal_output(const std::string& text, schema::StreamName stream);  // returns the output id
  void append_terminal(const std::string& output_id, const std::string& delta, std::int64_t sequence_number);
  // wait: clear when the next output arrives (IPython's clear_output(wait=True)).
  void clear(bool wait = false);

  // Set by the agent when the execution is cancelled; runtimes stop as soon as they can.
  bool cancelled() const { return cancelled_.load(); }
  void cancel() { cancelled_.store(true); }

 private:
  void terminal(const std::string& text, schema::StreamName stream);
  // PNGs above the threshold become artifacts, with text fallbacks (runt-spec §2.6).
  schema::Representations with_artifacts(schema::Representations representations);
  double next_position() { return static_cast<double>(position_++); }

  std::string cell_id_, source_, queue_id_;
  std::int64_t execution_count_;
  std::string cleared_by_;
  Commit commit_;
  NewId new_id_;
  Artifacts artifacts_;
  std::int64_t position_ = 0;
  std::atomic<bool> cancelled_{false};
};

struct Outcome {
  bool success = true;
  std::optional<std::string> error;  // for ExecutionCompleted.error
};

class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual schema::RuntimeCapabilities capabilities() const = 0;
  // Called once before the session starts (e.g. launch a kernel); throws on failure.
  virtual void start() {}
  // Runs one cell to completion (blocking, on the agent's worker thread).
  virtual Outcome execute(ExecutionContext& context) = 0;
  // Called from the agent's event thread while execute() runs: stop it soon.
  virtual void interrupt() {}
  // The next execute()'s cell and those queued behind it, in order (queue id, source), for
  // runtimes that can send work ahead (a Jupyter kernel queues requests itself). Called on the
  // worker thread.
  virtual void prefetch(const std::vector<std::pair<std::string, std::string>>& upcoming) { (void)upcoming; }
  virtual void stop() {}
};

// Runtimes by name: "echo" (the example) and "kernel:<kernelspec>" style factories the CLI adds.
class RuntimeRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Runtime>()>;
  void add(std::string name, Factory factory);
  std::unique_ptr<Runtime> make(const std::string& name) const;  // nullptr when unknown
  std::vector<std::string> names() const;

 private:
  std::vector<std::pair<std::string, Factory>> factories_;
};

// The example runtime: a cell's source comes back as its text/plain result.
std::unique_ptr<Runtime> make_echo_runtime();

}  // namespace runt::agent
