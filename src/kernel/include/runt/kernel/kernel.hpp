#pragma once
// A running Jupyter kernel and a client of its five channels (messaging protocol 5.3 over
// ZeroMQ). Knows nothing of notebooks: the agent turns its messages into events.
//
// Kernel::launch starts the kernelspec's argv in its own process group with a fresh
// connection file (free ports, a random HMAC key), connects shell, control and stdin
// (DEALER), iopub (SUB) and heartbeat (REQ), and returns once the kernel answers
// kernel_info on shell *and* has published on iopub (so no output of the first execution can
// be missed by a late iopub subscription).
//
// Not thread-safe: one thread drives a Kernel (send, receive, interrupt, restart).

#include "runt/kernel/kernelspec.hpp"
#include "runt/kernel/message.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace runt::kernel {

enum class Channel { shell, iopub, control, stdin_ };

struct Received {
  Channel channel;
  Message message;
};

class KernelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LaunchOptions {
  std::filesystem::path runtime_dir;              // connection file and the kernel's log go here
  std::map<std::string, std::string> extra_env;   // on top of this process's environment and the spec's
  // Variables of this process the kernel must not inherit (its code could read them); a name
  // ending in * stands for every name with that prefix.
  std::vector<std::string> hidden_env;
  std::chrono::milliseconds ready_timeout{60000};
  std::string username = "runt";
};

// An execute_request's flags, as Jupyter names them.
struct ExecuteOptions {
  bool store_history = true;
  bool allow_stdin = false;
  // Whether the kernel aborts the requests queued behind a failing one (and, in ipykernel,
  // those that arrive just after it). Off by default: runt decides what runs.
  bool stop_on_error = false;
};

class Kernel {
 public:
  // Throws KernelError when the process cannot start or does not become ready in time
  // (the kernel's own output is then in log_file()).
  static std::unique_ptr<Kernel> launch(const KernelSpec& spec, LaunchOptions options);
  ~Kernel();  // shuts the kernel down hard (SIGKILL to its process group) if still running
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // Sends a request; returns its msg_id.
  std::string send(Channel channel, std::string_view msg_type, Json content, Json metadata = Json::object());
  std::string execute(std::string_view code, ExecuteOptions options = {});

  // The next message from any channel, or nullopt after `timeout`. Messages with a bad
  // signature are dropped (and counted).
  std::optional<Received> receive(std::chrono::milliseconds timeout);

  // Interrupts the running execution: SIGINT to the process group, or interrupt_request on
  // control for kernels whose spec says interrupt_mode "message".
  void interrupt();
  // True while the kernel process runs (reaps it when it has exited).
  bool alive();
  // Pings the heartbeat channel: true when the kernel echoes within `timeout`. A running
  // process that stops answering is hung (the heartbeat runs in its own thread, so a busy
  // kernel still answers).
  bool heartbeat(std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));
  // How the process ended, once !alive(): "exit code N" or "signal N (NAME)".
  std::string exit_reason() const { return exit_reason_; }
  // Kills whatever is left and starts the same kernelspec again, ready.
  void restart();
  // shutdown_request on control, waits up to `grace` for the process to exit, then kills it.
  void shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

  pid_t pid() const { return pid_; }
  const KernelSpec& spec() const { return spec_; }
  const Json& kernel_info() const { return kernel_info_; }  // content of the kernel_info_reply
  const std::string& session() const { return session_; }
  std::filesystem::path log_file() const;
  int bad_signatures() const { return bad_signatures_; }

 private:
  Kernel(KernelSpec spec, LaunchOptions options);
  void start();
  void connect();
  void wait_ready();
  void kill_group();
  struct Sockets;

  KernelSpec spec_;
  LaunchOptions options_;
  std::string session_;
  Signer signer_{""};
  std::unique_ptr<Sockets> sockets_;
  pid_t pid_ = -1;
  pid_t pgid_ = -1;  // the kernel's process group, kept after the leader is reaped
  std::string exit_reason_;
  Json kernel_info_;
  std::filesystem::path connection_file_;
  int bad_signatures_ = 0;
  int launches_ = 0;
};


}  // namespace runt::kernel
