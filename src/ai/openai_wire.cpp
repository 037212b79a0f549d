#include "runt/ai/openai_wire.hpp"

#include "runt/ai/provider_error.hpp"
#include "json_fields.hpp"

namespace runt::ai {

using nlohmann::json;
using wire::field;
using wire::string_field;

bool is_reasoning_model(std::string_view model) {
  for (const std::string_view prefix : {"o1", "o3", "o4", "gpt-5"})
    if (model.starts_with(prefix)) return true;
  return false;
}

namespace {

json message_json(const Message& m, bool system_as_user) {
  json out = json::object();
  if (m.role == Role::system && system_as_user) {
    out["role"] = "user";
    out["content"] = "System instructions: " + m.content;
    return out;
  }
  out["role"] = role_name(m.role);
  if (m.role == Role::assistant && !m.tool_calls.empty()) {
    out["content"] = m.content.empty() ? json(nullptr) : json(m.content);
    json calls = json::array();
    for (const auto& call : m.tool_calls)
      calls.push_back({{"id", call.id}, {"type", "function"}, {"function", {{"name", call.name}, {"arguments", call.arguments}}}});
    out["tool_calls"] = std::move(calls);
    return out;
  }
  out["content"] = m.content;
  if (m.role == Role::tool) out["tool_call_id"] = m.tool_call_id;
  return out;
}


}  // namespace

std::string openai_request_body(const ChatRequest& request) {
  const bool reasoning = is_reasoning_model(request.model);
  json body = {{"model", request.model}, {"stream", true}, {"stream_options", {{"include_usage", true}}}};
  json messages = json::array();
  for (const auto& m : request.messages) messages.push_back(message_json(m, request.model.starts_with("o1")));
  body["messages"] = std::move(messages);
  if (!request.tools.empty()) {
    json tools = json::array();
    for (const auto& t : request.tools)
      tools.push_back({{"type", "function"}, {"function", {{"name", t.name}, {"description", t.description}, {"parameters", t.parameters}}}});
    body["tools"] = std::move(tools);
    body["tool_choice"] = "auto";
  }
  if (request.temperature && !reasoning) body["temperature"] = *request.temperature;
  if (request.max_tokens) body[reasoning ? "max_completion_tokens" : "max_tokens"] = *request.max_tokens;
  return body.dump();
}

std::string OpenAiStreamReader::read(std::string_view payload) {
  if (payload.starts_with("[DONE]")) {
    done_ = true;
    return "";
  }
  json chunk;
  try {
    chunk = json::parse(payload);
  } catch (const json::exception&) {
    throw ProviderError(ProviderFailure::broken_stream,
                        "the provider sent a chunk that is not JSON: " + std::string(payload.substr(0, 200)));
  }
  if (const std::string error = error_message_of(chunk); !error.empty())
    throw ProviderError(ProviderFailure::broken_stream, "the provider reported an error mid-stream: " + error);
  if (const json* usage = field(chunk, "usage"); usage && usage->is_object())
    usage_ = Usage{usage->value("prompt_tokens", std::int64_t{0}), usage->value("completion_tokens", std::int64_t{0})};
  std::string text;
  const json* choices = field(chunk, "choices");
  if (!choices || !choices->is_array()) return text;
  for (const auto& choice : *choices) {
    if (const json* index = field(choice, "index"); index && index->is_number_integer() && index->get<std::int64_t>() != 0) continue;
    if (const std::string reason = string_field(choice, "finish_reason"); !reason.empty()) finish_reason_ = reason;
    const json* delta = field(choice, "delta");
    if (!delta || !delta->is_object()) continue;
    const std::string piece = string_field(*delta, "content");
    content_ += piece;
    text += piece;
    const json* calls = field(*delta, "tool_calls");
    if (!calls || !calls->is_array()) continue;
    for (const auto& fragment : *calls) {
      const std::string id = string_field(fragment, "id");
      const json* index_field = field(fragment, "index");
      const std::int64_t index = index_field && index_field->is_number_integer() ? index_field->get<std::int64_t>() : -1;
      const json* function = field(fragment, "function");
      const std::string name = function ? string_field(*function, "name") : "";
      const json* arguments = function ? field(*function, "arguments") : nullptr;
      PendingCall* call = nullptr;
      if (index >= 0) {
        for (auto& c : calls_)
          if (c.index == index) call = &c;  // the latest call at this index
        if (call && !id.empty() && !call->id.empty() && call->id != id) call = nullptr;  // index reused for a new call
      } else if (id.empty() && !calls_.empty()) {
        call = &calls_.back();
      } else if (!id.empty()) {
        for (auto& c : calls_)
          if (c.id == id) call = &c;
      }
      if (!call) {
        calls_.push_back(PendingCall{id, "", "", index});
        call = &calls_.back();
      }
      if (call->id.empty()) call->id = id;
      if (call->name.empty()) call->name = name;  // some servers repeat it on every fragment
      if (arguments) call->arguments += arguments->is_string() ? arguments->get<std::string>() : arguments->dump();
    }
  }
  return text;
}

ChatReply OpenAiStreamReader::reply() const {
  ChatReply r;
  r.content = content_;
  for (const auto& c : calls_) r.tool_calls.push_back(ToolCall{c.id, c.name, c.arguments});
  r.finish_reason = finish_reason_;
  r.usage = usage_;
  return r;
}

std::vector<std::string> openai_model_ids(const std::string& body) {
  std::vector<std::string> ids;
  const json list = json::parse(body);
  const json* data = field(list, "data");
  if (!data || !data->is_array()) return ids;
  for (const auto& model : *data)
    if (const std::string id = string_field(model, "id"); !id.empty()) ids.push_back(id);
  return ids;
}

}  // namespace runt::ai
