#pragma once
// The sync server's core, without sockets: one Hub serves every notebook. A transport (the
// WebSocket server) attaches a Connection per authenticated socket and feeds it each text
// frame; the Hub answers through Connection::send.
//
// Semantics (livestore-sync-0.3.1.md §2.1, made stricter):
// - Pull: pages of 100 with `remaining`, always at least one (possibly empty) page.
// - Push: the whole chain is checked, the events are written durably, and only then PushAck,
//   then one PullRes (context "push") to every socket of the notebook, the pusher included.
// - Catch-up: per socket the Hub keeps where it believes the client's log ends and the highest
//   seqNum it has sent there. A 0.3.1 client never pulls again after a reconnect, so a new
//   socket is assumed to be at the head it connected at; a push tells its real position. A
//   socket behind gets the events it missed before the next broadcast, and a push on a stale
//   parent is answered with the error and then those events, so the client can rebase. Nothing
//   at or below what a socket was already sent is sent again (the client dies on that).
// - Bad frames get a WSMessage.Error and change nothing.

#include "runt/storage/event_store.hpp"

#include <cstdint>
#include <functional>
#include <algorithm>
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
    std::int64_t position;      // where we believe the client's log ends
    std::int64_t sent_max = 0;  // highest seqNum sent on this socket
    std::int64_t from() const { return std::max(position, sent_max); }
  };
  void pull(Socket& socket, const protocol::PullReq& request);
  void push(Socket& socket, const protocol::PushReq& request);
  // Sends `socket` every stored event after Socket::from() up to `head`, as context "push".
  void catch_up(Socket& socket, std::int64_t head, const std::string& request_id);

  storage::EventStore& store_;
  std::function<std::string()> now_;
  std::map<ConnectionId, Socket> sockets_;
  ConnectionId next_id_ = 1;
};

}  // namespace runt::sync
