#include "runt/ai/mcp_server.hpp"

#include "runt/ai/framing.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace runt::ai {

using nlohmann::json;

std::vector<McpServerConfig> read_mcp_config(const std::filesystem::path& file, const std::function<void(const std::string&)>& skipped) {
  std::vector<McpServerConfig> out;
  std::ifstream in(file);
  if (!in) return out;
  json config;
  try {
    config = json::parse(in);
  } catch (const json::exception& e) {
    throw McpError("cannot read " + file.string() + ": " + e.what());
  }
  if (!config.is_object() || !config.contains("mcpServers") || !config["mcpServers"].is_object())
    throw McpError(file.string() + " has no \"mcpServers\" object");
  for (const auto& [name, entry] : config["mcpServers"].items()) {
    if (!entry.is_object()) {
      skipped("MCP server " + name + ": not an object");
      continue;
    }
    McpServerConfig server;
    server.name = name;
    if (entry.contains("command") && entry["command"].is_string()) {
      std::istringstream words(entry["command"].get<std::string>());
      for (std::string w; words >> w;) server.command.push_back(w);
    }
    if (entry.contains("args") && entry["args"].is_array())
      for (const auto& a : entry["args"])
        if (a.is_string()) server.command.push_back(a.get<std::string>());
    if (entry.contains("env") && entry["env"].is_object())
      for (const auto& [k, v] : entry["env"].items())
        if (v.is_string()) server.env.emplace_back(k, v.get<std::string>());
    if (server.command.empty()) {
      skipped("MCP server " + name + (entry.contains("url") ? ": only stdio servers are supported (it has a url)" : ": no command"));
      continue;
    }
    out.push_back(std::move(server));
  }
  return out;
}

namespace {

// A write to a pipe whose reader is gone raises SIGPIPE: blocked for this thread and the
// pending one taken back, so a dead server is an error, not the end of the process.
bool write_all(int fd, const std::string& text) {
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  bool ok = true;
  for (std::size_t at = 0; at < text.size();) {
    const ssize_t n = ::write(fd, text.data() + at, text.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    at += static_cast<std::size_t>(n);
  }
  if (!ok) {
    const timespec zero{0, 0};
    sigtimedwait(&pipe_set, nullptr, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return ok;
}

std::string result_text(const std::string& tool, const json& result) {
  std::string text;
  if (result.contains("content") && result["content"].is_array())
    for (const auto& item : result["content"]) {
      const std::string type = item.value("type", "");
      std::string piece;
      if (type == "text") piece = item.value("text", "");
      else if (type == "image") piece = "[Image result from " + tool + "]";
      else if (type == "resource" || type == "resource_link")
        piece = "[Resource result from " + tool + ": " +
                (item.contains("resource") ? item["resource"].value("uri", "") : item.value("uri", "")) + "]";
      if (!piece.empty()) text += (text.empty() ? "" : "\n") + piece;
    }
  if (text.empty() && result.contains("structuredContent")) text = result["structuredContent"].dump();
  return text;
}

}  // namespace

std::unique_ptr<McpServer> McpServer::start(const McpServerConfig& config, std::chrono::milliseconds timeout) {
  std::unique_ptr<McpServer> server(new McpServer());
  server->name_ = config.name;
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) throw McpError("cannot create pipes for MCP server " + config.name);
  std::vector<std::string> env_text;
  for (const auto& [k, v] : config.env) env_text.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  std::vector<std::string> args = config.command;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_text) envp.push_back(e.data());
  for (char** e = environ; *e; ++e) envp.push_back(*e);
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  const int rc = posix_spawnp(&server->pid_, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(in_pipe[0]);
  close(out_pipe[1]);
  server->to_child_ = in_pipe[1];
  server->from_child_ = out_pipe[0];
  if (rc != 0) {
    server->pid_ = -1;
    throw McpError("cannot start MCP server " + config.name + " (" + config.command[0] + "): " + std::strerror(rc));
  }
  server->reader_ = std::thread([s = server.get()] { s->read_loop(); });
  server->request("initialize",
                  {{"protocolVersion", "2025-06-18"}, {"capabilities", json::object()}, {"clientInfo", {{"name", "runt"}, {"version", "0.1"}}}},
                  timeout);
  server->send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  std::optional<std::string> cursor;
  do {
    json params = json::object();
    if (cursor) params["cursor"] = *cursor;
    const json listed = server->request("tools/list", params, timeout);
    if (listed.contains("tools") && listed["tools"].is_array())
      for (const auto& t : listed["tools"]) {
        if (!t.contains("name") || !t["name"].is_string()) continue;
        McpTool tool{t["name"], t.value("description", ""), t.contains("inputSchema") ? t["inputSchema"] : json::object()};
        if (tool.input_schema.is_object()) tool.input_schema.erase("$schema");
        server->tools_.push_back(std::move(tool));
      }
    cursor.reset();
    if (listed.contains("nextCursor") && listed["nextCursor"].is_string()) cursor = listed["nextCursor"].get<std::string>();
  } while (cursor);
  return server;
}

McpServer::~McpServer() {
  if (to_child_ >= 0) close(to_child_);  // stdio servers end when their input does
  if (pid_ > 0) {
    bool gone = false;
    for (int i = 0; i < 50 && !gone; ++i) {
      gone = waitpid(pid_, nullptr, WNOHANG) == pid_;
      if (!gone) usleep(10000);
    }
    if (!gone) {
      kill(pid_, SIGTERM);
      for (int i = 0; i < 100 && !gone; ++i) {
        gone = waitpid(pid_, nullptr, WNOHANG) == pid_;
        if (!gone) usleep(10000);
      }
    }
    if (!gone) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  if (reader_.joinable()) reader_.join();
  if (from_child_ >= 0) close(from_child_);
}

bool McpServer::alive() const {
  const std::lock_guard lock(mutex_);
  return !exited_;
}

void McpServer::send(const json& message) {
  const std::lock_guard lock(write_mutex_);
  if (!write_all(to_child_, message.dump() + "\n")) throw McpError("the MCP server " + name_ + " is not running");
}

json McpServer::request(const std::string& method, json params, std::chrono::milliseconds timeout) {
  std::int64_t id;
  {
    const std::lock_guard lock(mutex_);
    if (exited_) throw McpError("the MCP server " + name_ + " has exited");
    id = next_id_++;
  }
  send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  std::unique_lock lock(mutex_);
  if (!answered_.wait_for(lock, timeout, [&] { return responses_.contains(id) || exited_; }))
    throw McpError("the MCP server " + name_ + " did not answer " + method + " in time");
  const auto it = responses_.find(id);
  if (it == responses_.end()) throw McpError("the MCP server " + name_ + " exited during " + method);
  json response = std::move(it->second);
  responses_.erase(it);
  if (response.contains("error")) {
    const auto& e = response["error"];
    throw McpError("the MCP server " + name_ + " refused " + method + ": " + (e.is_object() ? e.value("message", e.dump()) : e.dump()));
  }
  return response.contains("result") ? response["result"] : json::object();
}

std::string McpServer::call_tool(const std::string& tool, const json& arguments, std::chrono::milliseconds timeout) {
  const json result = request("tools/call", {{"name", tool}, {"arguments", arguments.is_object() ? arguments : json::object()}}, timeout);
  std::string text = result_text(tool, result);
  if (result.value("isError", false)) throw McpError(text.empty() ? "the tool " + tool + " failed" : text);
  return text.empty() ? "Tool " + tool + " executed successfully" : text;
}

void McpServer::read_loop() {
  LineDecoder lines;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(from_child_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (const auto& line : lines.feed(std::string_view(buffer, static_cast<std::size_t>(n)))) {
      json message;
      try {
        message = json::parse(line);
      } catch (const json::exception&) {
        continue;  // servers may log to stdout; not ours to read
      }
      if (!message.is_object()) continue;
      const bool has_id = message.contains("id") && message["id"].is_number_integer();
      if (message.contains("method")) {
        // A request from the server (roots, sampling): not offered, so refused at once.
        if (message.contains("id"))
          try {
            send({{"jsonrpc", "2.0"}, {"id", message["id"]}, {"error", {{"code", -32601}, {"message", "Method not found"}}}});
          } catch (const McpError&) {
          }
        continue;
      }
      if (!has_id) continue;
      const std::int64_t id = message["id"].get<std::int64_t>();  // before the move: the right side goes first
      const std::lock_guard lock(mutex_);
      responses_[id] = std::move(message);
      answered_.notify_all();
    }
  }
  const std::lock_guard lock(mutex_);
  exited_ = true;
  answered_.notify_all();
}

}  // namespace runt::ai
