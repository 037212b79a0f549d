#pragma once
// The runtime of ai cells: the cell's prompt, with the notebook above it as context, goes to
// the cell's provider and model; the answer streams into the cell; the model's tool calls
// create, edit and run cells through the notebook (built-in tools), or reach MCP servers after
// a person approves. Runs beside the code runtime in the same session (agent::SessionRuntimes).

#include "runt/agent/runtime.hpp"
#include "runt/ai/provider.hpp"
#include "runt/assistant/external_tools.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace runt::assistant {

struct AssistantConfig {
  // OpenAI or any OpenAI-compatible server: set when an API key is configured.
  std::optional<ai::OpenAiSettings> openai;
  // Ollama, tried at its host (OLLAMA_HOST, else localhost:11434).
  ai::OllamaSettings ollama;
  int max_iterations = 10;  // a notebook's max_ai_iterations metadata overrides it
  std::chrono::milliseconds execute_timeout{60000};   // execute_cell's wait for a cell's run
  std::chrono::milliseconds approval_timeout{60000};  // the wait for a person's answer
  std::chrono::milliseconds stream_window{100};       // streamed text is appended at most this often
  std::chrono::milliseconds discovery_timeout{3000};  // model lists at start
  // Tools beyond the built-in ones (MCP servers); they always need approval.
  std::shared_ptr<ExternalTools> external_tools;
  std::function<void(const std::string&)> log = [](const std::string&) {};
};

std::unique_ptr<agent::Runtime> make_ai_runtime(AssistantConfig config);

// The providers' defaults when a cell names none (the original's).
inline constexpr const char* default_provider = "openai";
std::string default_model(const std::string& provider);

}  // namespace runt::assistant
