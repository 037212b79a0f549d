#pragma once
// Ollama's native API on the wire (ai-wire-formats.md §2): the /api/chat request, its NDJSON
// lines folded into one reply, and model discovery (/api/tags, /api/show).

#include "runt/ai/chat.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace runt::ai {

std::string ollama_request_body(const ChatRequest& request);

class OllamaStreamReader {
 public:
  // `new_call_id` names tool calls that come without an id (servers before v0.12.10).
  explicit OllamaStreamReader(std::function<std::string()> new_call_id) : new_call_id_(std::move(new_call_id)) {}
  // One NDJSON line; returns its text. Throws ProviderError (broken_stream) for an error line
  // or a line that is not JSON.
  std::string read(std::string_view line);
  bool done() const { return done_; }  // the "done": true line was read
  ChatReply reply() const { return reply_; }

 private:
  std::function<std::string()> new_call_id_;
  ChatReply reply_;
  bool done_ = false;
};

// The model names of GET /api/tags ({"models": null} is an empty list).
std::vector<std::string> ollama_model_names(const std::string& body);
// The capabilities of POST /api/show ("completion" when it lists none), and its parameter size.
struct OllamaModelDetails {
  std::vector<std::string> capabilities;
  std::optional<std::string> parameter_size;
};
OllamaModelDetails ollama_model_details(const std::string& body);
// "llama3.1:8b" → "Llama 3.1 (8B)", as the original names Ollama models.
std::string ollama_display_name(const std::string& model);

}  // namespace runt::ai
