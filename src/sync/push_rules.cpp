#include "runt/sync/push_rules.hpp"

namespace runt::sync {

bool is_valid_store_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

std::optional<std::string> check_push(std::span<const protocol::WireEvent> batch, std::int64_t head) {
  if (batch.empty() || batch.size() > kMaxPushBatch)
    return "A push must carry 1 to " + std::to_string(kMaxPushBatch) + " events, got " + std::to_string(batch.size());
  if (batch.front().parentSeqNum != head) return protocol::invalid_parent_message(batch.front().parentSeqNum, head);
  std::int64_t expected_parent = head;
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto& e = batch[i];
    const std::string where = "Event " + std::to_string(i) + " of the push";
    if (e.parentSeqNum != expected_parent)
      return where + " has parent e" + std::to_string(e.parentSeqNum) + " but follows e" + std::to_string(expected_parent);
    if (e.seqNum != e.parentSeqNum + 1)
      return where + " has seqNum e" + std::to_string(e.seqNum) + " but its parent is e" + std::to_string(e.parentSeqNum);
    if (e.name.empty()) return where + " has no name";
    if (e.clientId.empty()) return where + " has no clientId";
    if (e.sessionId.empty()) return where + " has no sessionId";
    expected_parent = e.seqNum;
  }
  return std::nullopt;
}

}  // namespace runt::sync
