#pragma once
// A chat with a model as the providers' wire formats share it: messages, tools the model may
// call, and what one streamed reply brought. No notebook knowledge here.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace runt::ai {

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text, as the model wrote it (it may not parse)
  bool operator==(const ToolCall&) const = default;
};

enum class Role { system, user, assistant, tool };
std::string_view role_name(Role role);

struct Message {
  Role role = Role::user;
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant
  std::string tool_call_id;          // tool: the call it answers
  std::string tool_name;             // tool: Ollama names the tool instead of the call
  bool operator==(const Message&) const = default;
};

struct ToolSpec {
  std::string name;
  std::string description;
  nlohmann::json parameters = nlohmann::json::object();  // a JSON Schema object
};

struct ChatRequest {
  std::string model;
  std::vector<Message> messages;
  std::vector<ToolSpec> tools;
  std::optional<double> temperature = 0.7;
  std::optional<std::int64_t> max_tokens = 2000;
};

struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
};

struct ChatReply {
  std::string content;
  std::vector<ToolCall> tool_calls;
  std::string finish_reason;  // "stop", "length", "tool_calls", ... ("" when the server never said)
  std::optional<Usage> usage;
};

// A model a provider offers, as RuntimeSessionStarted.capabilities.availableAiModels lists it.
struct ModelInfo {
  std::string name;
  std::string display_name;
  std::string provider;
  std::vector<std::string> capabilities;  // "completion", "tools", "vision", "thinking"
  std::optional<std::string> parameter_size;
  bool operator==(const ModelInfo&) const = default;
};
nlohmann::json to_json(const ModelInfo& model);

}  // namespace runt::ai
