#pragma once
// The agentic loop (runt-spec §5.3): ask the model, stream its text, run the tools it calls,
// feed their results back, and ask again, until it answers without tools or the iterations
// run out. What a tool does, and where text and tool calls are shown, is the caller's.

#include "runt/ai/chat.hpp"
#include "runt/ai/provider.hpp"

#include <functional>
#include <string>

namespace runt::ai {

struct ToolOutcome {
  bool ok = true;
  std::string text;  // the result the model reads (or the error message when !ok)
};

struct LoopHooks {
  // Text of the model's reply in iteration `iteration` (1-based), as it streams.
  std::function<void(int iteration, std::string_view text)> on_text;
  // Runs one tool call; an exception becomes an error the model reads.
  std::function<ToolOutcome(const ToolCall& call, int iteration)> on_tool_call;
  Cancelled cancelled;
};

struct LoopResult {
  std::vector<Message> conversation;  // the request's messages and every reply and tool result after them
  int iterations = 0;
  bool max_iterations_reached = false;
  std::string finish_reason;  // of the last reply
};

// Throws ProviderError (a cancellation included: ProviderFailure::cancelled).
LoopResult run_agentic_loop(Provider& provider, ChatRequest request, int max_iterations, const LoopHooks& hooks);

// The message that answers `call` with `outcome`, as `provider` expects it.
Message tool_result_message(const ToolCall& call, const ToolOutcome& outcome);

}  // namespace runt::ai
