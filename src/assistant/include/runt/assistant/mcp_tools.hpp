#pragma once
// MCP servers' tools offered to AI cells as `mcp__<server>__<tool>` (the original's naming).
// Servers start in parallel; one that fails to start is reported and skipped, one that dies is
// reported when called and its tools are no longer offered. One toolbox may serve every agent
// of a runt up.

#include "runt/ai/mcp_server.hpp"
#include "runt/assistant/external_tools.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace runt::assistant {

class McpToolbox : public ExternalTools {
 public:
  static std::shared_ptr<McpToolbox> start(const std::vector<ai::McpServerConfig>& servers, std::chrono::milliseconds timeout,
                                           std::function<void(const std::string&)> log);

  std::vector<ai::ToolSpec> specs() override;
  bool has(const std::string& name) override;
  std::string call(const std::string& name, const std::string& arguments_json) override;
  // The servers that started (for tests and logs).
  std::vector<ai::McpServer*> servers();

 private:
  McpToolbox() = default;
  // The server and tool a name stands for, or {nullptr, ""}.
  std::pair<ai::McpServer*, std::string> find(const std::string& name);

  std::vector<std::unique_ptr<ai::McpServer>> servers_;
  std::chrono::milliseconds call_timeout_{120000};
  std::function<void(const std::string&)> log_;
};

// "mcp__<server>__<tool>", with characters tool names may not carry replaced by "_".
std::string mcp_tool_name(const std::string& server, const std::string& tool);

}  // namespace runt::assistant
