#include "runt/assistant/tool_outputs.hpp"

namespace runt::assistant {

using schema::Json;

namespace {

schema::MediaRepresentation inline_media(Json data) { return schema::InlineMedia{std::move(data), std::nullopt}; }

// The model's arguments as JSON, or {raw_arguments: text} when they do not parse (anode's shape).
Json arguments_json(const std::string& text) {
  try {
    Json parsed = Json::parse(text);
    if (parsed.is_object()) return parsed;
  } catch (const Json::exception&) {
  }
  return Json{{"raw_arguments", text}};
}

std::string preview(const std::string& text, std::size_t limit = 200) {
  return text.size() <= limit ? text : text.substr(0, limit) + "…";
}

// A line or two on what the call did, per tool (runt-spec §5.3).
std::string summary(const ai::ToolCall& call, const Json& args) {
  const auto str = [&](const char* key) { return args.contains(key) && args[key].is_string() ? args[key].get<std::string>() : ""; };
  if (call.name == "create_cell")
    return "- type: " + (str("cellType").empty() ? std::string("code") : str("cellType")) + "\n- after: `" + str("after_id") +
           "`\n- source:\n```\n" + preview(str("source")) + "\n```";
  if (call.name == "modify_cell") return "- cell: `" + str("cellId") + "`\n- source:\n```\n" + preview(str("source")) + "\n```";
  if (call.name == "execute_cell") return "- cell: `" + str("cellId") + "`";
  return "```json\n" + preview(args.dump(2), 1000) + "\n```";
}

const Json* inline_data(const schema::Representations& representations, const char* mime) {
  for (const auto& [m, media] : representations)
    if (m == mime)
      if (const auto* in = std::get_if<schema::InlineMedia>(&media); in && in->data && in->data->is_object()) return &*in->data;
  return nullptr;
}

std::string text_of(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

schema::Representations tool_call_card(const ToolCallRecord& r) {
  const Json args = arguments_json(r.call.arguments);
  Json data = {{"tool_call_id", r.call.id}, {"tool_name", r.call.name}, {"arguments", args},
               {"status", r.ok ? "success" : "error"}, {"timestamp", r.timestamp}, {"result", r.result}, {"iteration", r.iteration}};
  const std::string markdown = r.ok ? "🔧 **Tool executed**: `" + r.call.name + "`\n\n" + summary(r.call, args) + "\n\n**Result**: " + r.result
                                    : "❌ **Tool failed**: `" + r.call.name + "`\n\n" + summary(r.call, args) + "\n\n**Error**: " + r.result;
  const std::string plain = r.ok ? "Tool executed: " + r.call.name + " - " + r.result : "Tool failed: " + r.call.name + " - " + r.result;
  return {{tool_call_mime, inline_media(std::move(data))}, {"text/markdown", inline_media(markdown)}, {"text/plain", inline_media(plain)}};
}

schema::Representations tool_result_card(const ToolCallRecord& r) {
  Json data = {{"tool_call_id", r.call.id}, {"result", r.result}, {"status", "success"}};
  return {{tool_result_mime, inline_media(std::move(data))}, {"text/plain", inline_media(r.result)}};
}

std::optional<ToolCallCard> read_tool_call_card(const schema::Representations& representations) {
  const Json* data = inline_data(representations, tool_call_mime);
  if (!data) return std::nullopt;
  ToolCallCard card;
  card.call.id = text_of(*data, "tool_call_id");
  card.call.name = text_of(*data, "tool_name");
  if (const auto args = data->find("arguments"); args != data->end()) {
    if (args->is_object() && args->size() == 1 && args->contains("raw_arguments") && (*args)["raw_arguments"].is_string())
      card.call.arguments = (*args)["raw_arguments"].get<std::string>();
    else
      card.call.arguments = args->dump();
  }
  card.ok = text_of(*data, "status") != "error";
  card.result = text_of(*data, "result");
  if (const auto it = data->find("iteration"); it != data->end() && it->is_number_integer()) card.iteration = it->get<int>();
  if (card.call.id.empty() || card.call.name.empty()) return std::nullopt;
  return card;
}

std::optional<ToolResultCard> read_tool_result_card(const schema::Representations& representations) {
  const Json* data = inline_data(representations, tool_result_mime);
  if (!data) return std::nullopt;
  ToolResultCard card{text_of(*data, "tool_call_id"), text_of(*data, "result")};
  if (card.tool_call_id.empty()) return std::nullopt;
  return card;
}

}  // namespace runt::assistant
