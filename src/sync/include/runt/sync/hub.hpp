#pragma once
// The sync server's core, without sockets: one Hub serves every notebook. A transport (the
// WebSocket server) attaches a Connection per authenticated socket and feeds it each text
// frame; the Hub answers through Connection::send.
//
// Semantics (livestore-sync-0.3.1.md §2.1, made stricter):
// - Pull: pages of 100 with `remaining`, always at least one (possibly empty) page.
// - Push: the whole chain is checked, the events are written durably, and only then PushAck,
//   then one PullRes (context "push") to every socket of the notebook, the pusher included.
// - Catch-up: per socket the Hub tracks the highest seqNum it has delivered (known after a pull,
//   or from the parent of its first push). A socket that missed events (0.3.1 clients never pull
//   again after a reconnect) first gets them, and never gets a seqNum it already has (the
//   client dies on that). Until its position is known a socket gets no broadcasts: its pending
//   pull will carry them, and a reconnected client would otherwise accept them over a gap.
// - Bad frames get a WSMessage.Error and change nothing.

#include "runt/storage/event_store.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace runt::sync {

class Connection {
 public:
  virtual ~Connection() = default;
  virtual void send(std::string frame) = 0;
};

class Hub {
 public:
  using ConnectionId = std::uint64_t;
  // `now` gives the server time written as each event's createdAt (ISO-8601).
  Hub(storage::EventStore& store, std::function<std::string()> now);

  ConnectionId attach(std::string store_id, Connection& connection);
  void detach(ConnectionId id);
  void on_frame(ConnectionId id, std::string_view frame);

  static constexpr size_t kPullPageSize = 100;

 private:
  struct Socket {
    std::string store_id;
    Connection* connection;
    std::optional<std::int64_t> delivered;  // highest seqNum this socket has received
  };
  void pull(Socket& socket, const protocol::PullReq& request);
  void push(Socket& socket, const protocol::PushReq& request);
  // Sends `socket` every stored event after what it has, up to `head`, as context "push".
  void catch_up(Socket& socket, std::int64_t head, const std::string& request_id);

  storage::EventStore& store_;
  std::function<std::string()> now_;
  std::map<ConnectionId, Socket> sockets_;
  ConnectionId next_id_ = 1;
};

}  // namespace runt::sync
