#include "ai_settings.hpp"

#include "environment.hpp"

namespace runt::cli {

void add_ai_flags(CLI::App& command, AiFlags& flags) {
  command.add_option("--openai-api-key", flags.openai_api_key, "API key for OpenAI or a compatible server (env OPENAI_API_KEY)");
  command.add_option("--openai-base-url", flags.openai_base_url,
                     "An OpenAI-compatible server, e.g. http://host:port/v1 (env OPENAI_BASE_URL; default https://api.openai.com/v1)");
  command.add_option("--ollama-host", flags.ollama_host, "Ollama's address (env OLLAMA_HOST; default http://localhost:11434)");
  command.add_option("--mcp-config", flags.mcp_config, "MCP servers whose tools AI cells may use (default ~/.runt/mcp.json)");
  command.add_option("--max-ai-iterations", flags.max_iterations, "Model calls per AI cell run (a notebook's max_ai_iterations wins)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

assistant::AssistantConfig assistant_config(const AiFlags& flags, std::function<void(const std::string&)> log) {
  assistant::AssistantConfig config;
  const std::string key = flags.openai_api_key.empty() ? env("OPENAI_API_KEY").value_or("") : flags.openai_api_key;
  if (!key.empty()) {
    ai::OpenAiSettings openai;
    openai.api_key = key;
    const std::string base = flags.openai_base_url.empty() ? env("OPENAI_BASE_URL").value_or("") : flags.openai_base_url;
    if (!base.empty()) openai.base_url = base;
    config.openai = openai;
  }
  const std::string host = flags.ollama_host.empty() ? env("OLLAMA_HOST").value_or("") : flags.ollama_host;
  if (!host.empty()) config.ollama.host = host;
  config.max_iterations = flags.max_iterations;
  config.log = std::move(log);
  return config;
}

}  // namespace runt::cli
