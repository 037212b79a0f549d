// A real MCP server from npm (@modelcontextprotocol/server-everything, installed by
// scripts/bootstrap) over stdio: initialize, tools/list, tools/call, and a server that dies.

#include "runt/ai/mcp_server.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

namespace {

using namespace runt::ai;
using namespace std::chrono_literals;

McpServerConfig everything() { return McpServerConfig{"everything", {"node", RUNT_MCP_EVERYTHING, "stdio"}, {}}; }

TEST(McpServer, ListsAndCallsTheToolsOfARealServer) {
  auto server = McpServer::start(everything(), 30s);
  ASSERT_TRUE(server->alive());
  const auto& tools = server->tools();
  const auto echo = std::find_if(tools.begin(), tools.end(), [](const McpTool& t) { return t.name == "echo"; });
  ASSERT_NE(echo, tools.end());
  EXPECT_EQ(echo->input_schema["required"], nlohmann::json::array({"message"}));
  EXPECT_FALSE(echo->input_schema.contains("$schema"));
  EXPECT_EQ(server->call_tool("echo", {{"message", "hi"}}, 10s), "Echo: hi");
  // Several callers at once get their own answers.
  std::vector<std::thread> callers;
  std::vector<std::string> answers(4);
  for (int i = 0; i < 4; ++i)
    callers.emplace_back([&, i] { answers[i] = server->call_tool("echo", {{"message", std::to_string(i)}}, 10s); });
  for (auto& t : callers) t.join();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(answers[i], "Echo: " + std::to_string(i));
  // A refused call is an error with the server's words.
  EXPECT_THROW(server->call_tool("no-such-tool", nlohmann::json::object(), 10s), McpError);
}

TEST(McpServer, ADeadServerIsAnErrorNotACrash) {
  auto server = McpServer::start(everything(), 30s);
  kill(server->pid(), SIGKILL);
  for (int i = 0; i < 200 && server->alive(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(server->alive());
  try {
    server->call_tool("echo", {{"message", "hi"}}, 5s);
    FAIL();
  } catch (const McpError& e) {
    EXPECT_NE(std::string(e.what()).find("everything"), std::string::npos) << e.what();
  }
  EXPECT_THROW(McpServer::start(McpServerConfig{"broken", {"node", "-e", "process.exit(3)"}, {}}, 10s), McpError);
  EXPECT_THROW(McpServer::start(McpServerConfig{"missing", {"/nonexistent/server"}, {}}, 10s), McpError);
  EXPECT_THROW(McpServer::start(McpServerConfig{"mute", {"sleep", "30"}, {}}, 500ms), McpError);
}

TEST(McpConfig, ReadsTheOriginalsFormat) {
  runt::testing_support::TempDir dir("runt-mcp-config");
  const auto file = dir.path() / "mcp.json";
  std::ofstream(file) << R"({"mcpServers": {
    "everything": {"command": "npx -y server", "args": ["stdio"], "env": {"A": "1"}, "name": "everything"},
    "remote": {"url": "http://example/sse", "name": "remote"}}})";
  std::vector<std::string> skipped;
  const auto servers = read_mcp_config(file, [&](const std::string& why) { skipped.push_back(why); });
  ASSERT_EQ(servers.size(), 1u);
  EXPECT_EQ(servers[0].command, (std::vector<std::string>{"npx", "-y", "server", "stdio"}));
  EXPECT_EQ(servers[0].env, (std::vector<std::pair<std::string, std::string>>{{"A", "1"}}));
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("url"), std::string::npos);
  EXPECT_TRUE(read_mcp_config(dir.path() / "absent.json", [](const std::string&) {}).empty());
  std::ofstream(dir.path() / "bad.json") << "{";
  EXPECT_THROW(read_mcp_config(dir.path() / "bad.json", [](const std::string&) {}), McpError);
}

}  // namespace
