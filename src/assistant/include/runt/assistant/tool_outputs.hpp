#pragma once
// How a tool call and its result appear in an AI cell (anode's convention, anode-schema §6.8):
// a display with application/vnd.anode.aitool+json (plus markdown and plain-text fallbacks), and
// after a success a second display with application/vnd.anode.aitool.result+json. Display
// metadata does not survive the schema, so everything the conversation needs later (the call
// id, name, arguments, result and iteration) travels in the JSON data itself.

#include "runt/ai/chat.hpp"
#include "runt/schema/events.hpp"

#include <optional>
#include <string>

namespace runt::assistant {

inline constexpr const char* tool_call_mime = "application/vnd.anode.aitool+json";
inline constexpr const char* tool_result_mime = "application/vnd.anode.aitool.result+json";

struct ToolCallRecord {
  ai::ToolCall call;
  bool ok = true;
  std::string result;  // the text the model read (the error message when !ok)
  int iteration = 1;
  std::string timestamp;  // ISO 8601
};

schema::Representations tool_call_card(const ToolCallRecord& record);
schema::Representations tool_result_card(const ToolCallRecord& record);

// What a display's representations say, read back (nullopt: not a tool output).
struct ToolCallCard {
  ai::ToolCall call;
  bool ok = true;
  std::string result;
  int iteration = 0;
};
std::optional<ToolCallCard> read_tool_call_card(const schema::Representations& representations);
struct ToolResultCard {
  std::string tool_call_id;
  std::string result;
};
std::optional<ToolResultCard> read_tool_result_card(const schema::Representations& representations);

}  // namespace runt::assistant
