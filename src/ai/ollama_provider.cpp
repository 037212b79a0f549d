#include "runt/ai/framing.hpp"
#include "runt/ai/ollama_wire.hpp"
#include "runt/ai/provider.hpp"
#include "runt/ai/provider_error.hpp"

#include "runt/base/clock.hpp"
#include "runt/base/ids.hpp"

namespace runt::ai {

namespace {

class OllamaProvider : public Provider {
 public:
  explicit OllamaProvider(OllamaSettings settings) : settings_(std::move(settings)) {
    if (settings_.host.find("://") == std::string::npos) settings_.host = "http://" + settings_.host;
    while (settings_.host.ends_with('/')) settings_.host.pop_back();
  }

  const std::string& name() const override { return name_; }

  ChatReply chat(const ChatRequest& request, const TextSink& on_text, const Cancelled& cancelled) override {
    bool shown = false;
    return with_retries(settings_.retry, cancelled, [&] { return shown; }, [&] {
      return attempt(request, [&](std::string_view text) { shown = true; on_text(text); }, cancelled);
    });
  }

  ChatReply attempt(const ChatRequest& request, const TextSink& on_text, const Cancelled& cancelled) {
    LineDecoder decoder;
    // Ids as the original synthesizes them for servers that send none: call_<epoch ms>_<9 base36>.
    OllamaStreamReader reader([] {
      return "call_" + std::to_string(base::now_ms()) + "_" + base::random_string("0123456789abcdefghijklmnopqrstuvwxyz", 9);
    });
    const auto consume = [&](std::vector<std::string> lines) {
      for (const auto& line : lines) {
        if (reader.done()) return;
        if (std::string text = reader.read(line); !text.empty()) on_text(text);
      }
    };
    const HttpOutcome outcome = http_stream(HttpRequest{"POST", settings_.host + "/api/chat", {}, ollama_request_body(request)},
                                            [&](std::string_view bytes) { consume(decoder.feed(bytes)); }, settings_.deadlines, cancelled);
    if (outcome.status < 200 || outcome.status >= 300) throw http_failure("Ollama", outcome.status, outcome.error_body, outcome.retry_after);
    consume(decoder.finish());
    if (!reader.done())
      throw ProviderError(ProviderFailure::broken_stream, "the answer from Ollama at " + settings_.host + " ended before it was complete");
    return reader.reply();
  }

  std::vector<ModelInfo> models(const Cancelled& cancelled) override {
    const HttpResponse tags = http_fetch(HttpRequest{"GET", settings_.host + "/api/tags", {}, ""}, settings_.deadlines, cancelled);
    if (tags.status != 200) throw http_failure("Ollama", tags.status, tags.body);
    std::vector<ModelInfo> out;
    try {
      for (const auto& name : ollama_model_names(tags.body)) {
        ModelInfo model{name, ollama_display_name(name), "ollama", {"completion"}, std::nullopt};
        const nlohmann::json show_request = {{"model", name}};
        const HttpResponse show =
            http_fetch(HttpRequest{"POST", settings_.host + "/api/show", {}, show_request.dump()}, settings_.deadlines, cancelled);
        if (show.status == 200) {
          const OllamaModelDetails details = ollama_model_details(show.body);
          model.capabilities = details.capabilities;
          model.parameter_size = details.parameter_size;
        }
        out.push_back(std::move(model));
      }
    } catch (const nlohmann::json::exception& e) {
      throw ProviderError(ProviderFailure::broken_stream, std::string("Ollama's model list is not JSON: ") + e.what());
    }
    return out;
  }

 private:
  OllamaSettings settings_;
  std::string name_ = "ollama";
};

}  // namespace

std::unique_ptr<Provider> make_ollama_provider(OllamaSettings settings) { return std::make_unique<OllamaProvider>(std::move(settings)); }

}  // namespace runt::ai
