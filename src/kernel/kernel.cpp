#include "runt/kernel/kernel.hpp"

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <random>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace runt::kernel {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string new_uuid() {
  std::random_device random;
  std::array<unsigned char, 16> b{};
  // Four bytes a call (one per byte cost a read of the entropy source each, on every message sent).
  for (std::size_t i = 0; i < b.size(); i += 4) {
    const auto word = static_cast<std::uint32_t>(random());
    for (std::size_t j = 0; j < 4; ++j) b[i + j] = static_cast<unsigned char>(word >> (8 * j));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 15]);
  }
  return out;
}

namespace {

std::string now_iso() {
  const auto now = std::chrono::system_clock::now();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<long>(micros));
  return buf;
}

// Five distinct free TCP ports on 127.0.0.1 (held open together so they differ).
std::array<int, 5> free_ports() {
  std::array<int, 5> fds{}, ports{};
  for (size_t i = 0; i < fds.size(); ++i) {
    fds[i] = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fds[i] < 0 || ::bind(fds[i], reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fds[i], reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw KernelError(std::string("cannot find a free port: ") + std::strerror(errno));
    ports[i] = ntohs(addr.sin_port);
  }
  for (const int fd : fds) ::close(fd);
  return ports;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
  return text;
}

std::string tail_of(const fs::path& file, size_t bytes) {
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  return "status " + std::to_string(status);
}

}  // namespace

struct Kernel::Sockets {
  zmq::context_t context{1};
  zmq::socket_t shell{context, zmq::socket_type::dealer};
  zmq::socket_t control{context, zmq::socket_type::dealer};
  zmq::socket_t stdin_{context, zmq::socket_type::dealer};
  zmq::socket_t iopub{context, zmq::socket_type::sub};
  zmq::socket_t hb{context, zmq::socket_type::req};
  // Messages a dead or stopped kernel will never take must not keep the context (and whoever
  // destroys it) waiting: no linger from the start, not only at the end.
  Sockets() {
    for (auto* s : {&shell, &control, &stdin_, &iopub, &hb}) s->set(zmq::sockopt::linger, 0);
  }
  zmq::socket_t& of(Channel c) {
    switch (c) {
      case Channel::shell: return shell;
      case Channel::control: return control;
      case Channel::stdin_: return stdin_;
      case Channel::iopub: return iopub;
    }
    return shell;
  }
};

Kernel::Kernel(KernelSpec spec, LaunchOptions options)
    : spec_(std::move(spec)), options_(std::move(options)), session_(new_uuid()) {}

std::unique_ptr<Kernel> Kernel::launch(const KernelSpec& spec, LaunchOptions options) {
  std::unique_ptr<Kernel> kernel(new Kernel(spec, std::move(options)));
  kernel->start();
  return kernel;
}

fs::path Kernel::log_file() const { return options_.runtime_dir / ("kernel-" + session_ + ".log"); }

void Kernel::start() {
  ++launches_;
  std::error_code ec;
  fs::create_directories(options_.runtime_dir, ec);
  const auto ports = free_ports();
  const std::string key = new_uuid();
  signer_ = Signer(key);
  connection_file_ = options_.runtime_dir / ("kernel-" + session_ + "-" + std::to_string(launches_) + ".json");
  const Json connection{{"shell_port", ports[0]},   {"iopub_port", ports[1]},    {"stdin_port", ports[2]},
                        {"control_port", ports[3]}, {"hb_port", ports[4]},       {"ip", "127.0.0.1"},
                        {"key", key},               {"transport", "tcp"},        {"signature_scheme", "hmac-sha256"},
                        {"kernel_name", spec_.name}};
  {
    const int fd = ::open(connection_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);  // holds the key
    if (fd < 0) throw KernelError("cannot write " + connection_file_.string() + ": " + std::strerror(errno));
    const std::string text = connection.dump(1);
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) throw KernelError("cannot write " + connection_file_.string());
  }

  std::vector<std::string> args;
  for (const auto& a : spec_.argv)
    args.push_back(replace_all(replace_all(a, "{connection_file}", connection_file_.string()), "{resource_dir}", spec_.resource_dir.string()));
  const auto hidden = [this](std::string_view name) {
    return std::any_of(options_.hidden_env.begin(), options_.hidden_env.end(), [name](std::string_view pattern) {
      return pattern.ends_with('*') ? name.starts_with(pattern.substr(0, pattern.size() - 1)) : name == pattern;
    });
  };
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string_view kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string_view::npos && !hidden(kv.substr(0, eq))) env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1";  // else debugpy warns about frozen modules on stderr
  // ipykernel polls this parent and exits when it is gone: a killed agent leaves no kernel behind.
  env["JPY_PARENT_PID"] = std::to_string(::getpid());
  for (const auto& [k, v] : spec_.env) env[k] = v;
  for (const auto& [k, v] : options_.extra_env) env[k] = v;
  std::vector<std::string> env_text;
  for (const auto& [k, v] : env) env_text.push_back(k + "=" + v);
  std::vector<char*> argv_p, envp;
  for (auto& a : args) argv_p.push_back(a.data());
  argv_p.push_back(nullptr);
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  const std::string log = log_file().string();
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  // Its own process group: an interrupt or a kill reaches the kernel and its children only.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  const int rc = posix_spawnp(&pid_, argv_p[0], &actions, &attr, argv_p.data(), envp.data());
  pgid_ = rc == 0 ? pid_ : -1;
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    pid_ = -1;
    throw KernelError("cannot start kernel " + spec_.name + " (" + args[0] + "): " + std::strerror(rc));
  }
  exit_reason_.clear();
  connect();
  try {
    wait_ready();
  } catch (...) {
    kill_group();
    throw;
  }
}

void Kernel::connect() {
  sockets_ = std::make_unique<Sockets>();
  const Json info = Json::parse(std::ifstream(connection_file_));
  const auto url = [&](const char* port) { return "tcp://127.0.0.1:" + std::to_string(info.at(port).get<int>()); };
  // shell and stdin share an identity, so the kernel's input requests come to this client.
  sockets_->shell.set(zmq::sockopt::routing_id, session_);
  sockets_->stdin_.set(zmq::sockopt::routing_id, session_);
  sockets_->shell.connect(url("shell_port"));
  sockets_->control.connect(url("control_port"));
  sockets_->stdin_.connect(url("stdin_port"));
  sockets_->iopub.set(zmq::sockopt::subscribe, "");
  sockets_->iopub.connect(url("iopub_port"));
  sockets_->hb.connect(url("hb_port"));
}

void Kernel::wait_ready() {
  const auto deadline = std::chrono::steady_clock::now() + options_.ready_timeout;
  bool replied = false, published = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!alive())
      throw KernelError("kernel " + spec_.name + " exited while starting (" + exit_reason_ + "): " + tail_of(log_file(), 2000));
    // Asked again until iopub has spoken too: the SUB socket may join after the first
    // request's busy/idle went out (ZeroMQ's slow joiner).
    send(Channel::shell, "kernel_info_request", Json::object());
    const auto until = std::chrono::steady_clock::now() + 250ms;
    while (std::chrono::steady_clock::now() < until) {
      auto got = receive(25ms);
      if (!got) continue;
      if (got->channel == Channel::iopub) published = true;
      if (got->channel == Channel::shell && got->message.msg_type() == "kernel_info_reply") {
        replied = true;
        kernel_info_ = got->message.content;
      }
      if (replied && published) return;
    }
  }
  throw KernelError("kernel " + spec_.name + " did not become ready within " + std::to_string(options_.ready_timeout.count()) +
                    " ms (" + (replied ? "" : "no kernel_info reply, ") + (published ? "" : "nothing on iopub, ") +
                    std::to_string(bad_signatures_) + " badly signed messages): " + tail_of(log_file(), 2000));
}

std::string Kernel::send(Channel channel, std::string_view msg_type, Json content, Json metadata) {
  Message m;
  const std::string id = new_uuid();
  m.header = make_header(msg_type, session_, options_.username, id, now_iso());
  m.metadata = std::move(metadata);
  m.content = std::move(content);
  std::vector<zmq::message_t> parts;
  for (auto& frame : serialize(m, signer_)) parts.emplace_back(frame.data(), frame.size());
  zmq::send_multipart(sockets_->of(channel), parts);
  return id;
}

std::string Kernel::execute(std::string_view code, ExecuteOptions options) {
  return send(Channel::shell, "execute_request",
              Json{{"code", code},
                   {"silent", false},
                   {"store_history", options.store_history},
                   {"user_expressions", Json::object()},
                   {"allow_stdin", options.allow_stdin},
                   {"stop_on_error", options.stop_on_error}});
}

std::optional<Received> Kernel::receive(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  static constexpr std::array<Channel, 4> kChannels{Channel::iopub, Channel::shell, Channel::control, Channel::stdin_};
  for (;;) {
    std::array<zmq::pollitem_t, 4> items{};
    for (size_t i = 0; i < kChannels.size(); ++i)
      items[i] = {sockets_->of(kChannels[i]).handle(), 0, ZMQ_POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    zmq::poll(items.data(), items.size(), std::max(left, 0ms));
    for (size_t i = 0; i < items.size(); ++i) {
      if (!(items[i].revents & ZMQ_POLLIN)) continue;
      std::vector<zmq::message_t> parts;
      (void)zmq::recv_multipart(sockets_->of(kChannels[i]), std::back_inserter(parts), zmq::recv_flags::dontwait);
      std::vector<std::string> frames;
      for (auto& p : parts) frames.emplace_back(p.to_string());
      try {
        return Received{kChannels[i], deserialize(std::move(frames), signer_)};
      } catch (const ProtocolError&) {
        ++bad_signatures_;  // not from our kernel, or corrupted: never acted on
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
  }
}

void Kernel::interrupt() {
  if (spec_.interrupt_mode == "message") {
    send(Channel::control, "interrupt_request", Json::object());
  } else if (pid_ > 0) {
    ::kill(-pid_, SIGINT);
  }
}

bool Kernel::alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  exit_reason_ = r == pid_ ? describe_status(status) : "lost";
  pid_ = -1;
  return false;
}

bool Kernel::heartbeat(std::chrono::milliseconds timeout) {
  if (!alive()) return false;
  auto& hb = sockets_->hb;
  const std::string ping = new_uuid();
  if (!hb.send(zmq::buffer(ping), zmq::send_flags::dontwait)) return false;
  zmq::pollitem_t item{hb.handle(), 0, ZMQ_POLLIN, 0};
  zmq::poll(&item, 1, timeout);
  if (item.revents & ZMQ_POLLIN) {
    zmq::message_t echo;
    return hb.recv(echo, zmq::recv_flags::dontwait) && echo.to_string() == ping;
  }
  // A REQ socket that got no reply is stuck: start a fresh one for the next ping.
  // Its unanswered ping must not outlive it: a socket closed with the default linger keeps the
  // message, and zmq_ctx_term (a restart) then waits forever on a stopped kernel.
  const std::string endpoint = hb.get(zmq::sockopt::last_endpoint);
  hb.set(zmq::sockopt::linger, 0);
  hb = zmq::socket_t(sockets_->context, zmq::socket_type::req);
  hb.set(zmq::sockopt::linger, 0);
  hb.connect(endpoint);
  return false;
}

void Kernel::kill_group() {
  // The group outlives its leader: a kernel that died may have left children running.
  if (pgid_ > 0) ::kill(-pgid_, SIGKILL);
  pgid_ = -1;
  if (pid_ <= 0) return;
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exit_reason_ = describe_status(status);
  pid_ = -1;
}

void Kernel::shutdown(std::chrono::milliseconds grace) {
  if (alive()) {
    send(Channel::control, "shutdown_request", Json{{"restart", false}});
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (alive() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  }
  kill_group();  // the kernel's children too, and a kernel that did not listen
  std::error_code ec;
  fs::remove(connection_file_, ec);
}

void Kernel::restart() {
  shutdown(500ms);
  sockets_.reset();
  start();
}

Kernel::~Kernel() {
  kill_group();
  std::error_code ec;
  fs::remove(connection_file_, ec);
}

}  // namespace runt::kernel
