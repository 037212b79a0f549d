#pragma once
// Approval before a tool that is not built in runs (anode-schema §6.4): an answer for this call,
// or an "always" for this tool in the notebook, lets it run; otherwise v1.ToolApprovalRequested
// and a bounded wait for anyone in the notebook to answer with v1.ToolApprovalResponded.

#include "runt/agent/notebook_access.hpp"
#include "runt/ai/chat.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace runt::assistant {

enum class ApprovalVerdict { approved, denied, timed_out, cancelled };

struct ApprovalRequest {
  ai::ToolCall call;
  std::string ai_cell_id;
  std::chrono::milliseconds timeout{60000};
  std::function<bool()> cancelled;
  std::function<std::int64_t()> now_ms;  // requestedAt
};

ApprovalVerdict await_approval(agent::NotebookAccess& notebook, const ApprovalRequest& request);

}  // namespace runt::assistant
