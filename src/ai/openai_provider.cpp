#include "runt/ai/openai_wire.hpp"
#include "runt/ai/framing.hpp"
#include "runt/ai/provider.hpp"
#include "runt/ai/provider_error.hpp"

namespace runt::ai {

ModelInfo openai_model(const std::string& id) {
  ModelInfo m{id, id, "openai", {"completion", "tools"}, std::nullopt};
  for (const std::string_view visual : {"gpt-4o", "gpt-4.1", "o3", "o4", "gpt-5"})
    if (id.find(visual) != std::string::npos) {
      m.capabilities.push_back("vision");
      break;
    }
  if (is_reasoning_model(id)) m.capabilities.push_back("thinking");
  return m;
}

std::vector<ModelInfo> openai_catalog() {
  std::vector<ModelInfo> out;
  for (const char* id : {"o4-mini", "o3", "gpt-4.1", "gpt-4o", "gpt-4o-mini", "o1", "o1-mini"}) out.push_back(openai_model(id));
  return out;
}

namespace {

class OpenAiProvider : public Provider {
 public:
  explicit OpenAiProvider(OpenAiSettings settings) : settings_(std::move(settings)) {
    while (settings_.base_url.ends_with('/')) settings_.base_url.pop_back();
  }

  const std::string& name() const override { return name_; }

  ChatReply chat(const ChatRequest& request, const TextSink& on_text, const Cancelled& cancelled) override {
    bool shown = false;
    return with_retries(settings_.retry, cancelled, [&] { return shown; }, [&] {
      return attempt(request, [&](std::string_view text) { shown = true; on_text(text); }, cancelled);
    });
  }

  ChatReply attempt(const ChatRequest& request, const TextSink& on_text, const Cancelled& cancelled) {
    HttpRequest http{"POST", settings_.base_url + "/chat/completions", headers(), openai_request_body(request)};
    http.headers.emplace_back("Accept", "text/event-stream");
    SseDecoder decoder;
    OpenAiStreamReader reader;
    const auto consume = [&](std::vector<std::string> payloads) {
      for (const auto& payload : payloads) {
        if (reader.done()) return;
        if (std::string text = reader.read(payload); !text.empty()) on_text(text);
      }
    };
    const HttpOutcome outcome = http_stream(http, [&](std::string_view bytes) { consume(decoder.feed(bytes)); }, settings_.deadlines, cancelled);
    if (outcome.status < 200 || outcome.status >= 300) throw http_failure("OpenAI", outcome.status, outcome.error_body, outcome.retry_after);
    consume(decoder.finish());
    ChatReply reply = reader.reply();
    // A stream that ends without [DONE] and without a finish reason was cut short.
    if (!reader.done() && reply.finish_reason.empty())
      throw ProviderError(ProviderFailure::broken_stream, "the answer from " + settings_.base_url + " ended before it was complete");
    return reply;
  }

  std::vector<ModelInfo> models(const Cancelled& cancelled) override {
    if (settings_.base_url == "https://api.openai.com/v1") return openai_catalog();
    const HttpResponse response = http_fetch(HttpRequest{"GET", settings_.base_url + "/models", headers(), ""}, settings_.deadlines, cancelled);
    if (response.status != 200) throw http_failure("OpenAI", response.status, response.body);
    std::vector<ModelInfo> out;
    try {
      for (const auto& id : openai_model_ids(response.body)) out.push_back(openai_model(id));
    } catch (const nlohmann::json::exception& e) {
      throw ProviderError(ProviderFailure::broken_stream, std::string("the model list is not JSON: ") + e.what());
    }
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> headers() const {
    return {{"Authorization", "Bearer " + settings_.api_key}};
  }
  OpenAiSettings settings_;
  std::string name_ = "openai";
};

}  // namespace

std::unique_ptr<Provider> make_openai_provider(OpenAiSettings settings) { return std::make_unique<OpenAiProvider>(std::move(settings)); }

}  // namespace runt::ai
