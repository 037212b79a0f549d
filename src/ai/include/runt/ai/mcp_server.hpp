#pragma once
// One MCP tool server over stdio (JSON-RPC 2.0, one message per line): started as a child
// process, initialized, its tools listed, tools called. Thread-safe: several AI cells may call
// at once (responses are matched by id). A server that exits fails its pending and later calls
// with McpError; it never takes its caller down.

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace runt::ai {

class McpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct McpServerConfig {
  std::string name;
  std::vector<std::string> command;  // executable, then its arguments
  std::vector<std::pair<std::string, std::string>> env;
};

// ~/.runt/mcp.json in the original's format: {"mcpServers": {"<name>": {"command", "args",
// "env"}}}; `command` is split on spaces (the original's rule). A missing file is no servers;
// a file that does not parse throws McpError. Entries with only a `url` (SSE) are reported
// through `skipped` (not supported).
std::vector<McpServerConfig> read_mcp_config(const std::filesystem::path& file, const std::function<void(const std::string&)>& skipped);

struct McpTool {
  std::string name;
  std::string description;
  nlohmann::json input_schema = nlohmann::json::object();
};

class McpServer {
 public:
  // Starts it, says initialize/initialized and lists its tools. Throws McpError.
  static std::unique_ptr<McpServer> start(const McpServerConfig& config, std::chrono::milliseconds timeout);
  ~McpServer();
  McpServer(const McpServer&) = delete;
  McpServer& operator=(const McpServer&) = delete;

  const std::string& name() const { return name_; }
  const std::vector<McpTool>& tools() const { return tools_; }
  bool alive() const;
  int pid() const { return pid_; }
  // tools/call; the result's text (text items joined; images and resources named). A result
  // with isError throws McpError with its text, as do a timeout and a dead server.
  std::string call_tool(const std::string& tool, const nlohmann::json& arguments, std::chrono::milliseconds timeout);

 private:
  McpServer() = default;
  nlohmann::json request(const std::string& method, nlohmann::json params, std::chrono::milliseconds timeout);
  void send(const nlohmann::json& message);
  void read_loop();

  std::string name_;
  std::vector<McpTool> tools_;
  int pid_ = -1;
  int to_child_ = -1, from_child_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable answered_;
  std::map<std::int64_t, nlohmann::json> responses_;
  std::int64_t next_id_ = 1;
  bool exited_ = false;
  std::mutex write_mutex_;
};

}  // namespace runt::ai
