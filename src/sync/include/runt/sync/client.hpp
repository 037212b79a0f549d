#pragma once
// A notebook's sync client over WebSocket: a Replica (the local log and its state) connected to
// a sync-cf 0.3.1 server such as `runt serve`. It reconnects with exponential backoff and, on
// each connect, pulls from its confirmed head before pushing what is pending.
//
// Runs on the caller's io_context; every member must be called on that context's thread.

#include "runt/schema/json.hpp"
#include "runt/sync/replica.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace runt::sync {

struct ClientOptions {
  // The sync endpoint, e.g. ws://127.0.0.1:8787/livestore ("/websocket" and the query are
  // appended, as sync-cf does). ws:// only: TLS belongs to a reverse proxy for now.
  std::string url;
  std::string store_id;
  schema::Json payload;  // the sync payload: {"authToken": ...} and, for runtimes, more
  std::string client_id;
  std::string session_id;
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  // Connection events and refusals (e.g. "refused: 403 Access denied: ..."), for logs.
  std::function<void(const std::string&)> log = [](const std::string&) {};
};

class SyncClient {
 public:
  // Throws std::invalid_argument for a URL it cannot use.
  SyncClient(boost::asio::io_context& io, ClientOptions options);
  ~SyncClient();
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  void start();
  void stop();  // closes the socket; no more reconnects

  // Commits a local event (see Replica::commit) and sends what it produced.
  std::int64_t commit(const schema::Event& event);
  void subscribe(Replica::Listener listener);

  const Replica& replica() const;
  bool connected() const;
  int connections() const;  // successful connects so far

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with its pending asynchronous operations
};

}  // namespace runt::sync
