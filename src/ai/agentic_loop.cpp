#include "runt/ai/agentic_loop.hpp"

#include "runt/ai/provider_error.hpp"

namespace runt::ai {

Message tool_result_message(const ToolCall& call, const ToolOutcome& outcome) {
  Message m;
  m.role = Role::tool;
  m.tool_call_id = call.id;
  m.tool_name = call.name;
  m.content = outcome.ok ? (outcome.text.empty() ? "Success" : outcome.text) : "Error: " + outcome.text;
  return m;
}

LoopResult run_agentic_loop(Provider& provider, ChatRequest request, int max_iterations, const LoopHooks& hooks) {
  LoopResult result;
  const auto cancelled = [&] { return hooks.cancelled && hooks.cancelled(); };
  for (int i = 0; i < max_iterations; ++i) {
    if (cancelled()) throw ProviderError(ProviderFailure::cancelled, "cancelled");
    const int iteration = i + 1;
    result.iterations = iteration;
    ChatReply reply = provider.chat(
        request, [&](std::string_view text) { if (hooks.on_text) hooks.on_text(iteration, text); }, hooks.cancelled);
    result.finish_reason = reply.finish_reason;
    Message answer{Role::assistant, reply.content, reply.tool_calls, "", ""};
    request.messages.push_back(answer);
    // A tool turn is decided by the calls, not the finish reason (some servers say "stop").
    if (reply.tool_calls.empty() || !hooks.on_tool_call) {
      result.conversation = std::move(request.messages);
      return result;
    }
    for (const auto& call : reply.tool_calls) {
      if (cancelled()) throw ProviderError(ProviderFailure::cancelled, "cancelled");
      ToolOutcome outcome;
      try {
        outcome = hooks.on_tool_call(call, iteration);
      } catch (const ProviderError&) {
        throw;
      } catch (const std::exception& e) {
        outcome = ToolOutcome{false, e.what()};
      }
      request.messages.push_back(tool_result_message(call, outcome));
    }
  }
  result.max_iterations_reached = true;
  result.conversation = std::move(request.messages);
  return result;
}

}  // namespace runt::ai
