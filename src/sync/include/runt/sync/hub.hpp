#pragma once
// The sync server's core, without sockets: one Hub serves every notebook. A transport (the
// WebSocket server) attaches a Connection per authenticated socket and feeds it each text
// frame; the Hub answers through Connection::send.
//
// Semantics (livestore-sync-0.3.1.md §2.1, made stricter):
// - Pull: pages of at most 100 events and about kMaxPageBytes (one bigger event goes alone),
//   with an exact `remaining`, always at least one (possibly empty) page. Catch-up is paged so.
// - Push: the whole chain is checked, the events are written durably, and only then PushAck,
//   then one PullRes (context "push") to every socket of the notebook, the pusher included.
//   With group commit, pushes wait until flush(), which writes every waiting push (any
//   notebook) in one durable transaction: one fsync for many clients.
// - Catch-up: per socket the Hub keeps where it believes the client's log ends and the highest
//   seqNum it has sent there; nothing at or below that is ever sent again (the client dies on
//   that). With a shared store (many nodes) the second case below always applies: a client
//   may come from another node. A 0.3.1 client never pulls again after a reconnect, so a new socket's position is
//   unknown until it pulls or pushes: for a grace period it gets no broadcasts (if it pushes on
//   a stale parent it gets the error and then exactly the events it missed, and rebases). After
//   the grace period (tick()) it is caught up from where its log is assumed to end: a client
//   whose push died with its old socket waits for that ack forever, and only upstream events
//   make it rebase and push again.
//   Where it is assumed to end: until some socket of the notebook has left this Hub, every
//   socket is new to this server process (a first connection pulls; a silent one is coming
//   back from a server restart), so it can hold at most what the log held when the Hub first
//   saw the notebook. After that, the log as it was when the socket connected. A silent client
//   that also missed events while away in that second case cannot be told them (0.3.1 does
//   not detect gaps).
// - Events anode clients could not apply (check_event: args that do not decode, args that are
//   not an object) are refused before anything is stored: one writer must not make a notebook
//   unreadable for everyone. An empty push is acknowledged at once and changes nothing.
// - Bad frames get a WSMessage.Error and change nothing.

#include "runt/schema/codec.hpp"
#include "runt/storage/event_store.hpp"

#include <cstdint>
#include <functional>
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runt::sync {

// A frame as the Hub hands it out: immutable and shared, so a broadcast is one buffer however
// many sockets it goes to.
using Frame = std::shared_ptr<const std::string>;

class Connection {
 public:
  virtual ~Connection() = default;
  // Queues a frame for the client. Called while the Hub iterates its sockets: it must not call
  // back into the Hub (detach later, e.g. from the event loop).
  virtual void deliver(Frame frame) = 0;
  void send(std::string frame) { deliver(std::make_shared<const std::string>(std::move(frame))); }
};

class Hub {
 public:
  using ConnectionId = std::uint64_t;
  // The Hub must be the only writer of `store` (it keeps each log's head in memory), unless the
  // store is shared (EventStore::shared(): server nodes on one PostgreSQL database): then the
  // heads it keeps are where it knows the logs reach, moved on by pulls, by pushes another
  // writer got ahead of (refused with sync-cf's parent error, as on one node) and by
  // log_moved() from the store's change feed.
  // `now_ms` is the server clock (milliseconds since the epoch): each event's createdAt, and
  // the grace period of new sockets.
  // `group_commit`: pushes wait for flush() (the transport calls it once the frames at hand are
  // handled); otherwise each push is written at once.
  Hub(storage::EventStore& store, std::function<std::int64_t()> now_ms, bool group_commit = false);

  // `may_push`: false for a reader, whose pushes get a WSMessage.Error and change nothing.
  // One line per refused frame or failed write, for the server log.
  void set_log(std::function<void(const std::string&)> log) { log_ = std::move(log); }
  // For a shared store, where credentials may be revoked by another node: each group of pushes
  // is written under `fence()` (storage::EventStore::append_if, no round trip of its own). When
  // the fence has moved, `recheck()` runs; it may detach sockets whose credentials were revoked.
  // Their waiting pushes are then not written, later pushes of the group that built on one of
  // them get sync-cf's parent error (their clients rebase), and the rest is written again under
  // the fence as it now is.
  struct WriteGuard {
    std::function<storage::Fence()> fence;
    std::function<void()> recheck;
  };
  void set_write_guard(WriteGuard guard) { write_guard_ = std::move(guard); }

  ConnectionId attach(std::string store_id, Connection& connection, bool may_push = true);
  void detach(ConnectionId id);
  void on_frame(ConnectionId id, std::string_view frame);
  // Call about every half second: ends the grace period of sockets that have been silent.
  void tick();
  // Another writer of a shared store appended to `store_id`'s log, which now reaches `head`:
  // its sockets are caught up (each event once, as for this Hub's own pushes). Ignored for
  // notebooks this Hub has no socket on, and when `head` is not news.
  void log_moved(const std::string& store_id, std::int64_t head);
  // Reports of other writers may have been missed (the change feed reconnected): re-reads the
  // head of every notebook with a socket here and catches them up.
  void resync();
  // Writes the waiting pushes in one transaction, then acknowledges and broadcasts them.
  void flush();
  // Events the server itself authors (cells imported over HTTP), appended as a client's pushes
  // would be: on the head (after any push waiting for the group commit), in pushes of at most
  // kMaxPushBatch events and about kMaxAppendBytes, written durably at once (flushing the
  // waiting group with them), then broadcast to every socket of the notebook with the usual
  // catch-up bookkeeping. Only name, args, clientId and sessionId of `events` are used:
  // seqNums are assigned here. Returns the new head. Throws schema::DecodeError for an event
  // a client's push of it would be refused for (check_event), storage::StorageError when they
  // could not be stored; either way nothing was.
  std::int64_t append(const std::string& store_id, std::vector<protocol::WireEvent> events);

  static constexpr size_t kPullPageSize = 100;
  // Events can be up to 16 MiB: a page of 100 of them would be one frame of 1.6 GB.
  static constexpr size_t kMaxPageBytes = 4u << 20;
  static constexpr size_t kMaxAppendBytes = 1u << 20;  // a client's push limit, too
  static constexpr std::int64_t kGraceMs = 2000;

 private:
  struct Socket {
    std::string store_id;
    Connection* connection;
    std::int64_t position;      // where we believe the client's log ends
    std::int64_t attached_at;   // server clock, ms
    bool known = false;         // position learned from a pull or push, or assumed after grace
    std::int64_t sent_max = 0;  // highest seqNum sent on this socket
    bool may_push = true;
    std::int64_t from() const { return std::max(position, sent_max); }
  };
  void dispatch(ConnectionId id, Socket& socket, protocol::ClientMessage message);
  void pull(Socket& socket, const protocol::PullReq& request);
  void push(ConnectionId id, Socket& socket, protocol::PushReq request);
  std::int64_t stored_head(const std::string& store_id);  // cached: one query per log, not per frame
  // The head as the store has it now (a query, for a shared store; the cache otherwise).
  std::int64_t fresh_head(const std::string& store_id);
  std::vector<protocol::SyncedEvent> page_after(const std::string& store_id, std::int64_t after);
  // Sends `socket` every stored event after Socket::from() up to `head`, as context "push".
  void catch_up(Socket& socket, std::int64_t head, const std::string& request_id);

  storage::EventStore& store_;
  std::function<std::int64_t()> now_ms_;
  protocol::FrameDecoder frames_;
  schema::EventDecoder decoder_;  // checks pushed args (check_event)
  std::function<void(const std::string&)> log_ = [](const std::string&) {};
  std::optional<WriteGuard> write_guard_;
  std::map<ConnectionId, Socket> sockets_;
  ConnectionId next_id_ = 1;
  struct Pending {
    ConnectionId socket;  // 0: the server's own append (no one to acknowledge)
    std::string store_id;
    protocol::PushReq request;
    std::string created_at;
  };
  bool group_commit_;
  std::vector<Pending> pending_;
  // Runs the guard's recheck; returns the group without the pushes of sockets it detached,
  // nor those built on them.
  std::vector<Pending> drop_revoked(std::vector<Pending> group);
  // The group written in one transaction (under the guard's fence, if any, re-checking and
  // writing again while it has moved). Throws StorageError.
  storage::AppendResult write(std::vector<Pending>& group);
  bool own_refused_ = false;  // the last flush left out a push of append() (a shared store moved on)
  std::map<std::string, std::int64_t, std::less<>> pending_heads_;
  std::map<std::string, std::int64_t, std::less<>> heads_;  // written logs' heads
  // Notebooks no socket has left yet, with their head when the Hub first saw them.
  std::map<std::string, std::int64_t, std::less<>> unbroken_;
};

}  // namespace runt::sync
