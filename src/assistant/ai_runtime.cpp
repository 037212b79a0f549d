#include "runt/assistant/ai_runtime.hpp"

#include "runt/ai/agentic_loop.hpp"
#include "runt/ai/provider_error.hpp"
#include "runt/assistant/answer_stream.hpp"
#include "runt/assistant/approvals.hpp"
#include "runt/assistant/conversation.hpp"
#include "runt/assistant/notebook_tools.hpp"
#include "runt/assistant/tool_outputs.hpp"
#include "runt/base/clock.hpp"
#include "runt/schema/timestamp.hpp"

#include <mutex>

namespace runt::assistant {

std::string default_model(const std::string& provider) { return provider == "ollama" ? "llama3.1" : "gpt-4o-mini"; }

namespace {

schema::Representations markdown_display(const std::string& text) {
  return {{"text/markdown", schema::InlineMedia{schema::Json(text), std::nullopt}},
          {"text/plain", schema::InlineMedia{schema::Json(text), std::nullopt}}};
}

const std::string openai_help =
    "## AI Configuration Required\n\n"
    "This AI cell needs a model provider, and none is configured for the runtime agent.\n\n"
    "- **OpenAI** (or any OpenAI-compatible server): set `OPENAI_API_KEY`, and `OPENAI_BASE_URL` for another server "
    "(e.g. `http://host:port/v1`), in the agent's environment or its `.env` file, or pass `--openai-api-key` / "
    "`--openai-base-url`.\n"
    "- **Ollama**: run Ollama where the agent can reach it (`OLLAMA_HOST`, default `http://localhost:11434`) and choose "
    "the `ollama` provider for this cell.\n\n"
    "Then restart the agent and run the cell again.";

std::string ollama_help(const std::string& host, const std::string& why) {
  return "## Ollama Configuration Required\n\nThis cell uses the `ollama` provider, but Ollama could not be reached at `" + host +
         "` (" + why + ").\n\nStart Ollama (`ollama serve`), or set `OLLAMA_HOST` (or `--ollama-host`) for the agent, then run the cell again.";
}

struct CellRequest {
  bool found = false;
  std::string prompt, provider, model;
  std::optional<double> temperature, max_tokens;
  std::optional<std::string> extra_instructions;
  std::optional<int> max_iterations;
  std::vector<ai::Message> conversation;
};

class AiRuntime : public agent::Runtime {
 public:
  explicit AiRuntime(AssistantConfig config) : config_(std::move(config)) {}

  schema::RuntimeCapabilities capabilities() const override {
    schema::RuntimeCapabilities caps;
    caps.canExecuteAi = true;
    schema::Json models = schema::Json::array();
    const std::lock_guard lock(mutex_);
    for (const auto& m : models_) models.push_back(schema::Json::parse(ai::to_json(m).dump()));
    caps.availableAiModels = std::move(models);
    return caps;
  }

  void attach(agent::NotebookAccess& notebook) override { notebook_ = &notebook; }

  void start() override {
    std::vector<ai::ModelInfo> found;
    ai::HttpDeadlines quick{config_.discovery_timeout, config_.discovery_timeout, config_.discovery_timeout};
    if (config_.openai) {
      ai::OpenAiSettings settings = *config_.openai;
      settings.deadlines = quick;
      try {
        for (auto& m : ai::make_openai_provider(settings)->models({})) found.push_back(std::move(m));
      } catch (const std::exception& e) {
        config_.log(std::string("could not list the OpenAI-compatible models (") + e.what() + "); offering " + default_model("openai"));
        found.push_back(ai::openai_model(default_model("openai")));
      }
    }
    ai::OllamaSettings ollama = config_.ollama;
    ollama.deadlines = quick;
    try {
      for (auto& m : ai::make_ollama_provider(ollama)->models({})) found.push_back(std::move(m));
    } catch (const std::exception& e) {
      config_.log(std::string("Ollama is not reachable at ") + config_.ollama.host + " (" + e.what() + "); its models are not listed");
    }
    config_.log("AI models available: " + std::to_string(found.size()));
    const std::lock_guard lock(mutex_);
    models_ = std::move(found);
  }

  agent::Outcome execute(agent::ExecutionContext& context) override {
    const std::string cell_id = context.execution().cell_id;
    CellRequest request = read_cell(cell_id);
    if (!request.found) return {false, "Cell " + cell_id + " not found"};
    if (request.prompt.find_first_not_of(" \t\r\n") == std::string::npos) return {};  // nothing asked

    std::unique_ptr<ai::Provider> provider;
    if (request.provider == "ollama") {
      provider = ai::make_ollama_provider(config_.ollama);
    } else if (config_.openai) {
      provider = ai::make_openai_provider(*config_.openai);
    } else {
      context.display(markdown_display(openai_help));
      return {false, "AI Configuration Required: no OpenAI API key is configured"};
    }

    ai::ChatRequest chat;
    chat.model = request.model;
    chat.messages = std::move(request.conversation);
    if (request.extra_instructions && !chat.messages.empty())
      chat.messages.front().content += "\n\nAdditional instructions from the notebook:\n" + *request.extra_instructions;
    if (request.temperature) chat.temperature = *request.temperature;
    if (request.max_tokens) chat.max_tokens = static_cast<std::int64_t>(*request.max_tokens);
    if (offers_tools(request.provider, request.model)) {
      chat.tools = builtin_tool_specs();
      if (config_.external_tools)
        for (auto& spec : config_.external_tools->specs()) chat.tools.push_back(std::move(spec));
    }

    AnswerStream answer(context, AnswerLabels{request.provider, request.model}, config_.stream_window);
    ToolSession tools{cell_id, "ai-assistant-" + notebook_->session_id(), config_.execute_timeout, [&] { return context.cancelled(); }, ""};
    ai::LoopHooks hooks;
    hooks.on_text = [&](int iteration, std::string_view text) { answer.text(iteration, text); };
    // Polled every ≤50 ms while the provider streams: the time to append what waits.
    hooks.cancelled = [&] {
      answer.tick();
      return context.cancelled();
    };
    hooks.on_tool_call = [&](const ai::ToolCall& call, int iteration) {
      answer.flush();  // the text before a call is shown before it
      ToolCallRecord record{call, true, "", iteration, ""};
      try {
        record.result = run_tool(tools, call);
      } catch (const std::exception& e) {
        record.ok = false;
        record.result = e.what();
      }
      record.timestamp = schema::format_iso(schema::Timestamp{base::now_ms()});
      context.display(tool_call_card(record));
      if (record.ok) context.display(tool_result_card(record));
      return ai::ToolOutcome{record.ok, record.result};
    };

    const std::string label = request.provider == "ollama" ? "Ollama" : "OpenAI";
    try {
      const ai::LoopResult result = ai::run_agentic_loop(*provider, std::move(chat), request.max_iterations.value_or(config_.max_iterations), hooks);
      answer.flush();
      if (result.max_iterations_reached)
        context.display(markdown_display("⚠️ **Reached maximum iterations** (" + std::to_string(result.iterations) +
                                         "). The assistant stopped here; run the cell again to let it continue."));
      if (result.finish_reason == "length")
        context.display(markdown_display("⚠️ The answer was cut off at the model's token limit (`maxTokens`)."));
      return {};
    } catch (const ai::ProviderError& e) {
      answer.flush();  // what was streamed is kept
      if (e.failure() == ai::ProviderFailure::cancelled) return {false, "cancelled"};
      if (request.provider == "ollama" && e.failure() == ai::ProviderFailure::unreachable) {
        context.display(markdown_display(ollama_help(config_.ollama.host, e.what())));
        return {false, std::string("Ollama Configuration Required: ") + e.what()};
      }
      context.error(label + "Error", label + " API Error: " + e.what(), {e.what()});
      return {false, e.what()};
    } catch (const std::exception& e) {
      answer.flush();
      if (context.cancelled()) return {false, "cancelled"};
      context.error("AIError", e.what(), {e.what()});
      return {false, e.what()};
    }
  }

 private:
  CellRequest read_cell(const std::string& cell_id) {
    CellRequest r;
    notebook_->read([&](const schema::State& state) {
      const auto* cell = state.cells.find(cell_id);
      if (!cell) return;
      r.found = true;
      r.prompt = cell->source;
      r.provider = cell->aiProvider.value_or("");
      if (r.provider.empty()) r.provider = default_provider;
      r.model = cell->aiModel.value_or("");
      if (r.model.empty()) r.model = default_model(r.provider);
      if (cell->aiSettings && cell->aiSettings->is_object()) {
        const auto& s = *cell->aiSettings;
        if (s.contains("temperature") && s["temperature"].is_number()) r.temperature = s["temperature"].get<double>();
        if (s.contains("maxTokens") && s["maxTokens"].is_number()) r.max_tokens = s["maxTokens"].get<double>();
        if (s.contains("systemPrompt") && s["systemPrompt"].is_string() && !s["systemPrompt"].get<std::string>().empty())
          r.extra_instructions = s["systemPrompt"].get<std::string>();
      }
      if (const auto* row = state.notebookMetadata.find("max_ai_iterations")) {
        try {
          const int n = std::stoi(row->value);
          if (n > 0) r.max_iterations = n;
        } catch (const std::exception&) {
        }
      }
      r.conversation = build_conversation(state, cell_id);
    });
    return r;
  }

  // A model known not to take tools is sent none (Ollama refuses the request otherwise).
  bool offers_tools(const std::string& provider, const std::string& model) const {
    const std::lock_guard lock(mutex_);
    for (const auto& m : models_)
      if (m.provider == provider && (m.name == model || m.name == model + ":latest"))
        return std::find(m.capabilities.begin(), m.capabilities.end(), "tools") != m.capabilities.end();
    return true;
  }

  std::string run_tool(ToolSession& tools, const ai::ToolCall& call) {
    if (is_builtin_tool(call.name)) return run_builtin_tool(*notebook_, tools, call);
    if (!config_.external_tools || !config_.external_tools->has(call.name)) throw ToolError("Unknown tool: " + call.name);
    ApprovalRequest approval{call, tools.ai_cell_id, config_.approval_timeout, tools.cancelled, [] { return base::now_ms(); }};
    switch (await_approval(*notebook_, approval)) {
      case ApprovalVerdict::approved: break;
      case ApprovalVerdict::denied: throw ToolError("Tool call denied by user: " + call.name);
      case ApprovalVerdict::cancelled: throw ToolError("cancelled while waiting for approval of " + call.name);
      case ApprovalVerdict::timed_out:
        throw ToolError("Tool approval timeout after " +
                        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(config_.approval_timeout).count()) +
                        " seconds for " + call.name);
    }
    return config_.external_tools->call(call.name, call.arguments);
  }

  AssistantConfig config_;
  agent::NotebookAccess* notebook_ = nullptr;
  mutable std::mutex mutex_;  // models_: written by start(), read by the event thread
  std::vector<ai::ModelInfo> models_;
};

}  // namespace

std::unique_ptr<agent::Runtime> make_ai_runtime(AssistantConfig config) { return std::make_unique<AiRuntime>(std::move(config)); }

}  // namespace runt::assistant
