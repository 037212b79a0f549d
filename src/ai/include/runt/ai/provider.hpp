#pragma once
// A model provider: one streamed chat call at a time, and the models it offers. OpenAI
// Chat Completions (any OpenAI-compatible server) and Ollama's native API.

#include "runt/ai/chat.hpp"
#include "runt/ai/http_stream.hpp"
#include "runt/ai/retry.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace runt::ai {

using TextSink = std::function<void(std::string_view text)>;
using Cancelled = std::function<bool()>;

class Provider {
 public:
  virtual ~Provider() = default;
  virtual const std::string& name() const = 0;  // "openai", "ollama": a cell's aiProvider
  // Streams one reply: its text to `on_text` as it comes. Throws ProviderError.
  virtual ChatReply chat(const ChatRequest& request, const TextSink& on_text, const Cancelled& cancelled) = 0;
  // What it offers now. Throws ProviderError.
  virtual std::vector<ModelInfo> models(const Cancelled& cancelled) = 0;
};

struct OpenAiSettings {
  std::string api_key;
  // Where /chat/completions and /models are, as the OpenAI SDKs read OPENAI_BASE_URL.
  std::string base_url = "https://api.openai.com/v1";
  HttpDeadlines deadlines;
  RetryPolicy retry;
};
std::unique_ptr<Provider> make_openai_provider(OpenAiSettings settings);

struct OllamaSettings {
  std::string host = "http://localhost:11434";  // OLLAMA_HOST ("host:port" gets http://)
  HttpDeadlines deadlines;
  RetryPolicy retry;
};
std::unique_ptr<Provider> make_ollama_provider(OllamaSettings settings);

// The models the original lists for api.openai.com (runt-spec §5.9), with their capabilities.
std::vector<ModelInfo> openai_catalog();
// What OpenAI-style capabilities a model id suggests (for ids a compatible server lists).
ModelInfo openai_model(const std::string& id);

}  // namespace runt::ai
