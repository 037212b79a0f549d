#pragma once
// A helper process a test starts (a scripted provider, an MCP server) and reads its first
// lines from; SIGTERM then SIGKILL when the test ends.

#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace runt::testing_support {

class ChildProcess {
 public:
  explicit ChildProcess(std::vector<std::string> argv, std::vector<std::string> env = {}) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    // Everything the child needs is built before fork: after it, only async-signal-safe calls.
    std::vector<char*> args, envp;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());  // first: getenv takes the first match
    for (char** e = environ; *e; ++e) envp.push_back(*e);
    envp.push_back(nullptr);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      execvpe(args[0], args.data(), envp.data());
      _exit(127);
    }
    close(out[1]);
    out_ = out[0];
  }
  ~ChildProcess() { kill(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next line of its standard output; throws after `timeout_ms` or at its end.
  std::string read_line(int timeout_ms = 15000) {
    for (;;) {
      if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, timeout_ms) <= 0) throw std::runtime_error("no line from the child process in time");
      char chunk[4096];
      const ssize_t n = ::read(out_, chunk, sizeof chunk);
      if (n <= 0) throw std::runtime_error("the child process ended before writing a line");
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  pid_t pid() const { return pid_; }

  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      usleep(20000);
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (out_ >= 0) close(out_);
    out_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
};

// The scripted model provider of tests/ai (OpenAI and Ollama wire formats) on a free port.
class ScriptedProvider {
 public:
  explicit ScriptedProvider(std::vector<std::string> extra = {}) : process_(command(std::move(extra))) {
    const std::string line = process_.read_line();
    if (!line.starts_with("listening ")) throw std::runtime_error("scripted provider said: " + line);
    port_ = std::stoi(line.substr(10));
  }
  int port() const { return port_; }
  std::string url(bool tls = false) const { return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_); }

 private:
  static std::vector<std::string> command(std::vector<std::string> extra) {
    std::vector<std::string> argv{"node", RUNT_SCRIPTED_PROVIDER};
    for (auto& e : extra) argv.push_back(std::move(e));
    return argv;
  }
  ChildProcess process_;
  int port_ = 0;
};

}  // namespace runt::testing_support
