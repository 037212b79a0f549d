#include "ai_settings.hpp"

#include "environment.hpp"

#include "runt/assistant/mcp_tools.hpp"

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
  // MCP servers: --mcp-config, else ~/.runt/mcp.json when it exists. A bad file is reported,
  // never fatal: AI cells then run with the built-in tools only.
  std::filesystem::path mcp = flags.mcp_config;
  if (mcp.empty())
    if (const auto home = env("HOME")) mcp = std::filesystem::path(*home) / ".runt" / "mcp.json";
  if (!flags.mcp_config.empty() && !std::filesystem::exists(mcp)) log("MCP configuration " + mcp.string() + " not found: no MCP tools");
  if (!mcp.empty()) {
    try {
      const auto servers = ai::read_mcp_config(mcp, log);
      if (!servers.empty()) config.external_tools = assistant::McpToolbox::start(servers, std::chrono::seconds(30), log);
    } catch (const std::exception& e) {
      log(std::string("MCP servers not started: ") + e.what());
    }
  }
  config.log = std::move(log);
  return config;
}

}  // namespace runt::cli
