#include "runt/assistant/mcp_tools.hpp"

#include <future>

namespace runt::assistant {

std::string mcp_tool_name(const std::string& server, const std::string& tool) {
  std::string name = "mcp__" + server + "__" + tool;
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
  return name;
}

std::shared_ptr<McpToolbox> McpToolbox::start(const std::vector<ai::McpServerConfig>& servers, std::chrono::milliseconds timeout,
                                              std::function<void(const std::string&)> log) {
  std::shared_ptr<McpToolbox> box(new McpToolbox());
  box->log_ = std::move(log);
  std::vector<std::future<std::unique_ptr<ai::McpServer>>> starting;
  for (const auto& config : servers) starting.push_back(std::async(std::launch::async, [&config, timeout] { return ai::McpServer::start(config, timeout); }));
  for (std::size_t i = 0; i < starting.size(); ++i) {
    try {
      auto server = starting[i].get();
      box->log_("MCP server " + servers[i].name + ": " + std::to_string(server->tools().size()) + " tools");
      box->servers_.push_back(std::move(server));
    } catch (const std::exception& e) {
      box->log_("MCP server " + servers[i].name + " skipped: " + e.what());
    }
  }
  return box;
}

std::vector<ai::McpServer*> McpToolbox::servers() {
  std::vector<ai::McpServer*> out;
  for (auto& s : servers_) out.push_back(s.get());
  return out;
}

std::vector<ai::ToolSpec> McpToolbox::specs() {
  std::vector<ai::ToolSpec> out;
  for (auto& server : servers_) {
    if (!server->alive()) continue;
    for (const auto& tool : server->tools())
      out.push_back(ai::ToolSpec{mcp_tool_name(server->name(), tool.name), tool.description, tool.input_schema});
  }
  return out;
}

std::pair<ai::McpServer*, std::string> McpToolbox::find(const std::string& name) {
  for (auto& server : servers_)
    for (const auto& tool : server->tools())
      if (mcp_tool_name(server->name(), tool.name) == name) return {server.get(), tool.name};
  return {nullptr, ""};
}

bool McpToolbox::has(const std::string& name) { return find(name).first != nullptr; }

std::string McpToolbox::call(const std::string& name, const std::string& arguments_json) {
  auto [server, tool] = find(name);
  if (!server) throw std::runtime_error("Unknown tool: " + name);
  nlohmann::json arguments;
  try {
    arguments = nlohmann::json::parse(arguments_json.empty() ? "{}" : arguments_json);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("the arguments of " + name + " are not valid JSON: " + e.what());
  }
  try {
    return server->call_tool(tool, arguments, call_timeout_);
  } catch (const ai::McpError& e) {
    if (!server->alive()) log_("MCP server " + server->name() + " has exited; its tools are no longer offered");
    throw std::runtime_error(std::string("MCP tool execution failed: ") + e.what());
  }
}

}  // namespace runt::assistant
