#pragma once
// How runt agent and runt up configure AI cells, as the original did: OPENAI_API_KEY and
// OPENAI_BASE_URL (read as the OpenAI SDKs read them), OLLAMA_HOST, ~/.runt/mcp.json — from the
// environment (and .env) unless a flag says otherwise.

#include "runt/assistant/ai_runtime.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace runt::cli {

struct AiFlags {
  std::string openai_api_key, openai_base_url, ollama_host, mcp_config;
  int max_iterations = 10;
};
// Adds --openai-api-key, --openai-base-url, --ollama-host, --mcp-config, --max-ai-iterations.
void add_ai_flags(CLI::App& command, AiFlags& flags);
assistant::AssistantConfig assistant_config(const AiFlags& flags, std::function<void(const std::string&)> log);

}  // namespace runt::cli
