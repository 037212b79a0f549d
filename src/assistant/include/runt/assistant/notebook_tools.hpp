#pragma once
// The built-in tools an AI cell's model may call (runt-spec §5.6): create_cell, modify_cell and
// execute_cell, done through the notebook's own events under the AI's actor id, so every
// client sees them as it sees a person's edits. No approval is needed for them.

#include "runt/agent/notebook_access.hpp"
#include "runt/ai/chat.hpp"

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

namespace runt::assistant {

// A tool call the model got wrong or that could not be done: the model reads the message.
class ToolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::vector<ai::ToolSpec> builtin_tool_specs();
bool is_builtin_tool(const std::string& name);

// One AI cell's run, as its tools see it.
struct ToolSession {
  std::string ai_cell_id;
  std::string actor;  // "ai-assistant-<session id>": createdBy, modifiedBy, requestedBy
  std::chrono::milliseconds execute_timeout{60000};
  std::function<bool()> cancelled;
  // The last cell this run created below the AI cell: the next one asked "below the AI cell"
  // goes after it, so cells come in the order the model made them.
  std::string last_created;
};

// Runs a built-in tool; returns the text the model reads. Throws ToolError.
std::string run_builtin_tool(agent::NotebookAccess& notebook, ToolSession& session, const ai::ToolCall& call);

}  // namespace runt::assistant
