#include "runt/ai/ollama_wire.hpp"

#include "runt/ai/provider_error.hpp"
#include "json_fields.hpp"

#include <cctype>

namespace runt::ai {

using nlohmann::json;
using wire::field;
using wire::string_field;

namespace {

// Ollama takes a call's arguments as an object; a model's text that does not parse is passed
// as {} rather than failing the whole request.
json arguments_object(const std::string& text) {
  try {
    json parsed = json::parse(text);
    if (parsed.is_object()) return parsed;
  } catch (const json::exception&) {
  }
  return json::object();
}

}  // namespace

std::string ollama_request_body(const ChatRequest& request) {
  json messages = json::array();
  for (const auto& m : request.messages) {
    json out = {{"role", role_name(m.role)}, {"content", m.content}};
    if (m.role == Role::assistant && !m.tool_calls.empty()) {
      json calls = json::array();
      for (const auto& call : m.tool_calls)
        calls.push_back({{"function", {{"name", call.name}, {"arguments", arguments_object(call.arguments)}}}});
      out["tool_calls"] = std::move(calls);
    }
    if (m.role == Role::tool) out["tool_name"] = m.tool_name;
    messages.push_back(std::move(out));
  }
  json body = {{"model", request.model}, {"messages", std::move(messages)}, {"stream", true}};
  json options = json::object();
  if (request.temperature) options["temperature"] = *request.temperature;
  if (request.max_tokens) options["num_predict"] = *request.max_tokens;
  if (!options.empty()) body["options"] = std::move(options);
  if (!request.tools.empty()) {
    json tools = json::array();
    for (const auto& t : request.tools)
      tools.push_back({{"type", "function"}, {"function", {{"name", t.name}, {"description", t.description}, {"parameters", t.parameters}}}});
    body["tools"] = std::move(tools);
  }
  return body.dump();
}

std::string OllamaStreamReader::read(std::string_view line) {
  json object;
  try {
    object = json::parse(line);
  } catch (const json::exception&) {
    throw ProviderError(ProviderFailure::broken_stream, "Ollama sent a line that is not JSON: " + std::string(line.substr(0, 200)));
  }
  if (const std::string error = error_message_of(object); !error.empty())
    throw ProviderError(ProviderFailure::broken_stream, "Ollama reported an error mid-stream: " + error);
  std::string text;
  if (const json* message = field(object, "message")) {
    text = string_field(*message, "content");
    reply_.content += text;
    if (const json* calls = field(*message, "tool_calls"); calls && calls->is_array())
      for (const auto& call : *calls) {
        const json* function = field(call, "function");
        if (!function) continue;
        std::string id = string_field(call, "id");
        if (id.empty()) id = new_call_id_();
        const json* arguments = field(*function, "arguments");
        reply_.tool_calls.push_back(ToolCall{id, string_field(*function, "name"),
                                             !arguments ? "{}" : arguments->is_string() ? arguments->get<std::string>() : arguments->dump()});
      }
  }
  if (const json* done = field(object, "done"); done && done->is_boolean() && done->get<bool>()) {
    done_ = true;
    reply_.finish_reason = string_field(object, "done_reason");
    if (reply_.finish_reason.empty()) reply_.finish_reason = "stop";
    reply_.usage = Usage{object.value("prompt_eval_count", std::int64_t{0}), object.value("eval_count", std::int64_t{0})};
  }
  return text;
}

std::vector<std::string> ollama_model_names(const std::string& body) {
  std::vector<std::string> names;
  const json list = json::parse(body);
  const json* models = field(list, "models");
  if (!models || !models->is_array()) return names;
  for (const auto& model : *models) {
    std::string name = string_field(model, "name");
    if (name.empty()) name = string_field(model, "model");
    if (!name.empty()) names.push_back(std::move(name));
  }
  return names;
}

OllamaModelDetails ollama_model_details(const std::string& body) {
  OllamaModelDetails details;
  const json show = json::parse(body);
  if (const json* capabilities = field(show, "capabilities"); capabilities && capabilities->is_array())
    for (const auto& c : *capabilities)
      if (c.is_string()) details.capabilities.push_back(c.get<std::string>());
  if (details.capabilities.empty()) details.capabilities = {"completion"};
  if (const json* d = field(show, "details"))
    if (std::string size = string_field(*d, "parameter_size"); !size.empty()) details.parameter_size = size;
  return details;
}

std::string ollama_display_name(const std::string& model) {
  static constexpr std::pair<std::string_view, std::string_view> families[] = {
      {"codellama", "CodeLlama"}, {"deepseek-coder", "DeepSeek Coder"}, {"llama", "Llama"}, {"mistral", "Mistral"},
      {"qwen", "Qwen"},           {"gemma", "Gemma"},                   {"phi", "Phi"},     {"magistral", "Magistral"}};
  const auto colon = model.find(':');
  std::string base = model.substr(0, colon);
  std::string tag = colon == std::string::npos ? "" : model.substr(colon + 1);
  std::string name = base;
  for (const auto& [prefix, pretty] : families)
    if (base.starts_with(prefix)) {
      std::string rest = base.substr(prefix.size());
      name = std::string(pretty) + (rest.empty() ? "" : " " + rest);
      break;
    }
  if (name == base && !name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  if (tag.empty() || tag == "latest") return name;
  for (auto& c : tag) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name + " (" + tag + ")";
}

}  // namespace runt::ai
