#pragma once
// The ExecutionContext a runtime writes one execution's outputs through (the original's output
// API: stdout, stderr, display, updateDisplay, result, error, markdown, appendMarkdown,
// appendTerminal, clear), turning each call into notebook events.

#include "runt/agent/execution.hpp"
#include "runt/agent/result_displays.hpp"
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

// When clear() takes effect: at once, or when the next output arrives (IPython's
// clear_output(wait=True)).
enum class ClearTiming { now, before_next_output };

class ExecutionContext {
 public:
  // `displays` is shared by the executions of one session, so that a later cell can update a
  // result with a display id; without one the context keeps its own (updates within the cell).
  ExecutionContext(Execution execution, std::string runtime_id, Commit commit, NewId new_id, Artifacts artifacts = {},
                   std::shared_ptr<ResultDisplays> displays = nullptr);

  const Execution& execution() const { return execution_; }

  void stdout_text(const std::string& text) { terminal(text, schema::StreamName::stdout_); }
  void stderr_text(const std::string& text) { terminal(text, schema::StreamName::stderr_); }
  // An output with a display id updates every earlier output with that id, results included
  // (as Jupyter does; see ResultDisplays).
  void display(schema::Representations representations, std::optional<std::string> display_id = std::nullopt);
  void update_display(const std::string& display_id, schema::Representations representations);
  void result(schema::Representations representations, std::optional<std::string> display_id = std::nullopt);
  void error(const std::string& ename, const std::string& evalue, const std::vector<std::string>& traceback);
  // Returns the output id. `metadata` is kept with it (AI answers carry their role, provider,
  // model and iteration there).
  std::string markdown(const std::string& text, std::optional<schema::Object> metadata = std::nullopt);
  void append_markdown(const std::string& output_id, const std::string& delta, std::int64_t sequence_number);
  std::string terminal_output(const std::string& text, schema::StreamName stream);  // returns the output id
  void append_terminal(const std::string& output_id, const std::string& delta, std::int64_t sequence_number);
  void clear(ClearTiming timing);

  // Set by the agent when the execution is cancelled; runtimes stop as soon as they can.
  bool cancelled() const { return cancelled_.load(); }
  void cancel() { cancelled_.store(true); }

 private:
  void terminal(const std::string& text, schema::StreamName stream);
  // Commits an output-adding event of this execution's cell (it consumes a pending clear).
  void add(schema::Event event);
  // Adds the results carrying `display_id` again with new representations.
  void update_results(const std::string& display_id, const schema::Representations& representations);
  // PNGs above the threshold become artifacts, with text fallbacks (runt-spec §2.6).
  schema::Representations with_artifacts(schema::Representations representations);
  double next_position() { return static_cast<double>(position_++); }

  Execution execution_;
  std::string cleared_by_;
  Commit commit_;
  NewId new_id_;
  Artifacts artifacts_;
  std::shared_ptr<ResultDisplays> displays_;
  std::int64_t position_ = 0;
  std::atomic<bool> cancelled_{false};
};

}  // namespace runt::agent
