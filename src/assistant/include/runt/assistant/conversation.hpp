#pragma once
// What the model is told when an AI cell runs, rebuilt from the notebook's state alone (so it
// survives a restart and another agent): every earlier cell that is visible to AI, by
// fractional index, with its outputs (streamed text whole, errors, results; images named; very
// long text cut with a marker), and the conversation of earlier AI cells (their prompts,
// answers, tool calls and tool results) — which the original lost (runt-spec §5.5).

#include "runt/ai/chat.hpp"
#include "runt/schema/state.hpp"

#include <string>
#include <vector>

namespace runt::assistant {

struct ContextLimits {
  std::size_t output_chars = 4000;  // one output's text beyond this keeps its head and tail
};

// The system prompt of the AI cell `cell_id` (runt-spec §5.4, with the cell id for after_id).
std::string system_prompt(const std::string& cell_id);

// The messages for the AI cell `cell_id`: the system prompt, the earlier cells, then its own
// source as the user's question. Empty when the cell is gone.
std::vector<ai::Message> build_conversation(const schema::State& state, const std::string& cell_id, const ContextLimits& limits = {});

// `text` cut to about `limit` characters: head and tail kept, the middle replaced by a marker
// that says how much was left out.
std::string truncate_middle(const std::string& text, std::size_t limit);

}  // namespace runt::assistant
