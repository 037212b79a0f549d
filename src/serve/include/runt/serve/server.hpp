#pragma once
// `runt serve`: HTTP/1.1 with a WebSocket upgrade on any path under /livestore, speaking
// LiveStore 0.3.1's sync-cf protocol to the sync Hub, over an SQLite event store; the REST API
// under /api; the browser notebook (logged in with a token cookie) everywhere else.

#include "runt/serve/web_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace runt::serve {

struct RuntimeRefusal {
  std::string reason;   // "not-allowed" (the owner may not run code) or "kernel-limit"
  std::string message;  // for people: what happened and what would change it
  std::string command;  // the command that would change it, when there is one
};

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8787;  // 0: any free port (see Server::port)
  std::filesystem::path data_dir;
  // Where notebooks live: empty for SQLite in data_dir (one node); a libpq URI
  // (postgresql://...) for one PostgreSQL database that several nodes share, each serving every
  // notebook: pushes are ordered by the database and other nodes' writes reach this node's
  // sockets through LISTEN/NOTIFY.
  std::string store;
  // The operator's token (user "local", owner of every notebook); API keys of other users live
  // in the data directory (`runt token create`). Clients put either in the sync payload's
  // authToken or send it as `Authorization: Bearer`; a browser opens a page with `?token=` once
  // and then sends the `runt_token` cookie that answer sets.
  std::string token;
  std::size_t max_frame_bytes = 16u << 20;
  std::size_t max_upload_bytes = 256u << 20;  // largest HTTP request body (artifact uploads)
  // Open connections (HTTP and sync sockets) in all and from one client address; more are
  // answered 503 and closed.
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_address = 256;
  // Bytes waiting to be written to one socket before it is dropped as too slow (it reconnects
  // and is caught up like any reconnecting client).
  std::size_t max_queued_bytes = 64u << 20;
  // Bytes waiting in all sockets' queues together (a broadcast shared by many counted once):
  // over it, the socket with the most waiting is dropped, until it is not.
  std::size_t max_total_queued_bytes = 512u << 20;
  std::function<void(const std::string&)> log = [](const std::string&) {};
  // Called on the server's thread when someone other than a runtime agent opens a notebook they
  // may change (`runt up` starts an agent for it), and when the last of them leaves it (`runt
  // up` stops an idle agent). Must return quickly.
  std::function<void(const std::string& notebook_id)> on_notebook_opened;
  std::function<void(const std::string& notebook_id)> on_notebook_closed;
  // Why the host runs no runtime for a notebook, when it decided not to (`runt up`: the owner
  // may not run code, or the kernel limit is reached); GET /api/notebooks/ID shows it to the
  // browser as `runtimeRefused`. Called on the server's thread; must return quickly.
  std::function<std::optional<RuntimeRefusal>(const std::string& notebook_id)> runtime_refusal;
  bool trace_frames = false;  // log every frame (truncated), for debugging clients
  // The browser notebook: index.html (served for every page path), frame.html (the sandbox of
  // rich outputs) and assets/.
  std::filesystem::path web_dir = default_web_dir();
};

class Server {
 public:
  // Opens the store in `data_dir` and binds; throws std::runtime_error when it cannot.
  explicit Server(Options options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  void run();   // serves until stop()
  void stop();  // callable from any thread or a signal-handling context via the io loop

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace runt::serve
