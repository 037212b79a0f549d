#include "runt/assistant/approvals.hpp"

namespace runt::assistant {

namespace {

// What the notebook already says about this call: nullopt while nobody has decided.
std::optional<ApprovalVerdict> decided(const schema::State& state, const ai::ToolCall& call, bool& requested) {
  if (const auto* row = state.toolApprovals.find(call.id)) {
    requested = true;
    switch (row->status) {
      case schema::ApprovalStatus::pending: return std::nullopt;
      case schema::ApprovalStatus::denied: return ApprovalVerdict::denied;
      case schema::ApprovalStatus::approved_once:
      case schema::ApprovalStatus::approved_always: return ApprovalVerdict::approved;
    }
  }
  for (const auto* row : state.toolApprovals.in_insertion_order())
    if (row->toolName == call.name && row->status == schema::ApprovalStatus::approved_always) return ApprovalVerdict::approved;
  return std::nullopt;
}

schema::Object arguments_object(const std::string& text) {
  try {
    schema::Json parsed = schema::Json::parse(text);
    if (parsed.is_object()) return schema::Object{std::move(parsed)};
  } catch (const schema::Json::exception&) {
  }
  return schema::Object{schema::Json{{"raw_arguments", text}}};
}

}  // namespace

ApprovalVerdict await_approval(agent::NotebookAccess& notebook, const ApprovalRequest& request) {
  bool requested = false;
  std::optional<ApprovalVerdict> verdict;
  notebook.read([&](const schema::State& state) { verdict = decided(state, request.call, requested); });
  if (verdict) return *verdict;
  if (!requested)
    notebook.commit(schema::events::ToolApprovalRequested{request.call.id, request.ai_cell_id, request.call.name,
                                                          arguments_object(request.call.arguments), schema::Timestamp{request.now_ms()}});
  const bool answered = notebook.wait_until(
      [&](const schema::State& state) {
        bool ignored = false;
        verdict = decided(state, request.call, ignored);
        return verdict.has_value();
      },
      request.timeout, request.cancelled);
  if (answered) return *verdict;
  return request.cancelled && request.cancelled() ? ApprovalVerdict::cancelled : ApprovalVerdict::timed_out;
}

}  // namespace runt::assistant
