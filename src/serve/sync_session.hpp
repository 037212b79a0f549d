#pragma once
// One sync-cf WebSocket client, attached to the Hub: frames it sends go to the Hub, frames the
// Hub sends are queued (shared, never copied) and written one at a time.

#include "caller.hpp"
#include "context.hpp"
#include "http.hpp"

#include <deque>

namespace runt::serve {

struct SyncPeer {
  std::string store_id;
  std::string user_id;
  bool may_push = false;
  Credential credential;  // checked again when credentials are revoked
  bool holds_open = false;  // not a runtime, and may change it: keeps the notebook open (OpenNotebooks)
};

class SyncSession final : public sync::Connection, public std::enable_shared_from_this<SyncSession> {
 public:
  SyncSession(ServerContext& server, beast::websocket::stream<Stream> ws, SyncPeer peer);

  void start();
  void deliver(sync::Frame frame) override;

  const SyncPeer& peer() const { return peer_; }
  std::size_t queued_bytes() const { return queued_bytes_; }
  // Ends the connection now (its access changed); the client reconnects and is authorized again.
  void terminate();
  // Ends the connection because it does not read what it is sent (see drop_slow).
  void shed();

 private:
  void enqueue(sync::Frame frame);
  void read();
  void refuse_oversized();
  void drop_slow(std::string_view why);
  void detach();
  void release_queue();
  void write();
  void close(beast::error_code ec);

  ServerContext& server_;
  beast::websocket::stream<Stream> ws_;
  SyncPeer peer_;
  sync::Hub::ConnectionId id_ = 0;
  beast::flat_buffer buffer_;
  std::deque<sync::Frame> queue_;
  std::size_t queued_bytes_ = 0;
  bool closed_ = false;
  bool closing_ = false;
  bool detached_ = false;
  bool dropped_ = false;
  bool released_ = false;  // the queue no longer counts (dropped or closed)
};

// The upgrade of a request under /livestore: checks the storeId, the payload's token (or a
// browser's login cookie) and the user's access, then hands the socket to a SyncSession; a
// refusal is answered with sync-cf's HTTP status and reason.
void open_sync_socket(ServerContext& server, Stream stream, Request request);

}  // namespace runt::serve
