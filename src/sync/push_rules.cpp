#include "runt/sync/push_rules.hpp"

#include "runt/schema/json.hpp"

#include <algorithm>

namespace runt::sync {

bool is_valid_store_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

namespace {

// A JSON value's text as the codec's errors describe values: `5`, `true`, `an array`.
std::string describe_json_text(std::string_view text) {
  if (text.starts_with('[')) return "an array";
  if (text.starts_with('"')) {
    std::string s(text.substr(0, 60));
    if (text.size() > 60) s.replace(57, 3, "...");
    return "the string " + s;
  }
  return std::string(text.substr(0, 60));
}

}  // namespace

void check_event(const protocol::WireEvent& event, schema::EventDecoder& decoder) {
  if (event.args) {
    std::string_view text = *event.args;
    text.remove_prefix(std::min(text.find_first_not_of(" \t\r\n"), text.size()));
    if (!text.starts_with('{') && !text.starts_with("null"))
      throw schema::DecodeError(event.name, "", "args: expected an object, got " + describe_json_text(text));
  }
  if (!schema::is_known_event_name(event.name)) return;
  try {
    decoder.decode_event(event.name, event.args ? std::optional<std::string_view>(*event.args) : std::nullopt);
  } catch (const schema::JsonSyntaxError& e) {
    throw schema::DecodeError(event.name, "", std::string("args: malformed JSON: ") + e.what());
  }
}

std::optional<std::string> check_events(std::span<const protocol::WireEvent> batch, schema::EventDecoder& decoder) {
  for (size_t i = 0; i < batch.size(); ++i) {
    try {
      check_event(batch[i], decoder);
    } catch (const schema::DecodeError& e) {
      return "Event " + std::to_string(i) + " of the push is refused: " + e.what();
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_push(std::span<const protocol::WireEvent> batch, std::int64_t head) {
  if (batch.empty() || batch.size() > kMaxPushBatch)
    return "A push must carry 1 to " + std::to_string(kMaxPushBatch) + " events, got " + std::to_string(batch.size());
  if (batch.front().parentSeqNum != head) return protocol::invalid_parent_message(batch.front().parentSeqNum, head);
  std::int64_t expected_parent = head;
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto& e = batch[i];
    const auto where = [i] { return "Event " + std::to_string(i) + " of the push"; };  // only for a refusal
    if (e.parentSeqNum != expected_parent)
      return where() + " has parent e" + std::to_string(e.parentSeqNum) + " but follows e" + std::to_string(expected_parent);
    if (e.seqNum != e.parentSeqNum + 1)
      return where() + " has seqNum e" + std::to_string(e.seqNum) + " but its parent is e" + std::to_string(e.parentSeqNum);
    if (e.name.empty()) return where() + " has no name";
    if (e.clientId.empty()) return where() + " has no clientId";
    if (e.sessionId.empty()) return where() + " has no sessionId";
    expected_parent = e.seqNum;
  }
  return std::nullopt;
}

}  // namespace runt::sync
