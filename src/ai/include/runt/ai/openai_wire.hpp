#pragma once
// OpenAI Chat Completions on the wire (ai-wire-formats.md §1): the streamed request body, the
// chunks of its Server-Sent Events folded into one reply, and GET /v1/models.

#include "runt/ai/chat.hpp"

#include <string>
#include <string_view>

namespace runt::ai {

// o1*, o3*, o4*, gpt-5*: they refuse max_tokens and a temperature (§1.6).
bool is_reasoning_model(std::string_view model);
std::string openai_request_body(const ChatRequest& request);

// Folds the data payloads of one streamed reply. Tool-call fragments are keyed by index, with
// the fallbacks real servers need (§4.9): a new id at an index starts a new call, a fragment
// without index or id continues the latest call.
class OpenAiStreamReader {
 public:
  // One SSE data payload; returns its text (often ""). Throws ProviderError (broken_stream)
  // for an error object in the stream or a chunk that is not JSON.
  std::string read(std::string_view payload);
  bool done() const { return done_; }  // [DONE] was read
  // The reply so far (call at the end of the stream).
  ChatReply reply() const;

 private:
  struct PendingCall {
    std::string id, name, arguments;
    std::int64_t index = -1;
  };
  std::string content_;
  std::vector<PendingCall> calls_;
  std::string finish_reason_;
  std::optional<Usage> usage_;
  bool done_ = false;
};

// The ids of GET /v1/models ({"data": null} is an empty list).
std::vector<std::string> openai_model_ids(const std::string& body);

}  // namespace runt::ai
