#pragma once
// A model's streamed answer as notebook outputs: the first text of an iteration becomes a
// markdown output at once (the first token is seen without delay); later text is coalesced and
// appended as v2.MarkdownOutputAppended deltas at most every `window`, so a long answer is a
// few events per second — never a flood, and nothing dropped.

#include "runt/agent/execution_context.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace runt::assistant {

struct AnswerLabels {
  std::string provider, model;
};

class AnswerStream {
 public:
  using Clock = std::chrono::steady_clock;
  AnswerStream(agent::ExecutionContext& context, AnswerLabels labels, std::chrono::milliseconds window)
      : context_(context), labels_(std::move(labels)), window_(window) {}

  void text(int iteration, std::string_view piece);
  // Appends what waits if its window has passed (called often while the answer streams).
  void tick();
  // Appends everything that waits (before a tool call is shown, at the end, when cancelled).
  void flush();
  std::size_t events() const { return events_; }

 private:
  agent::ExecutionContext& context_;
  AnswerLabels labels_;
  std::chrono::milliseconds window_;
  int iteration_ = 0;
  std::string output_id_;  // of this iteration's markdown output ("" before its first text)
  std::string pending_;
  std::int64_t sequence_ = 0;
  Clock::time_point last_flush_{};
  std::size_t events_ = 0;
};

}  // namespace runt::assistant
