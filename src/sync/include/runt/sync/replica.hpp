#pragma once
// The client side of one notebook log, without sockets (the LiveStore client model): events the
// server has confirmed, local events still pending on top of them, and the state materialized
// from both. A transport (SyncClient) feeds it server frames and sends the frames it returns.
//
// - commit() numbers a local event after the last one known and materializes it at once; the
//   next take_outgoing() pushes what is pending (batches of up to 50, one push in flight; the
//   next goes on PushAck), so events committed together travel together.
// - The server's echo of a pending event confirms it. An event from elsewhere at the same
//   seqNum means the server ordered it first: the pending events are renumbered on top of it
//   (rebased), the local state is rebuilt, and the push that the server refused is sent again.
// - After a (re)connect it pulls from its confirmed head, following `remaining`, before pushing.
// - Events at or below the confirmed head are ignored (a reconnecting client can get an event
//   twice); a gap makes it pull again rather than guess.
// - A push the server could not store ("Push not stored") is kept and retried after a pause;
//   one refused for any other reason but a stale parent (e.g. a reader's) will never be
//   accepted: those events are dropped from the pending list and reported.

#include "runt/protocol/frames.hpp"
#include "runt/schema/events.hpp"
#include "runt/schema/state.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace runt::sync {

struct Change {
  std::int64_t committed = 0;                  // provisional seqNum of the local event just committed, if any
  std::vector<protocol::WireEvent> upstream;   // others' events now confirmed, in log order
  std::vector<protocol::WireEvent> confirmed;  // own events the server has now ordered
  bool rebased = false;                        // pending events were renumbered
  std::vector<protocol::WireEvent> rejected;   // local events dropped: the server refused them for good
  std::string error;                           // what went wrong, when something did
};

class Replica {
 public:
  using Listener = std::function<void(const Change&)>;

  Replica(std::string client_id, std::string session_id);

  // Appends a local event; returns its provisional seqNum. take_outgoing() pushes it (not
  // while disconnected).
  std::int64_t commit(const schema::Event& event);

  // Transport hooks: each may queue frames for take_outgoing().
  void on_connected();
  void on_frame(std::string_view frame);
  void on_disconnected();
  std::vector<std::string> take_outgoing();
  // True when pushing has stopped and waits for time to pass: the server could not store a push,
  // or the events that beat ours have not come. The transport calls retry() after a pause.
  bool stalled() const { return live_ && !pending_.empty() && push_request_.empty() && (retry_wanted_ || awaiting_upstream_); }
  void retry();

  const schema::State& state() const { return state_; }                   // confirmed + pending
  const schema::State& confirmed_state() const { return confirmed_state_; }
  std::int64_t head() const { return head_; }                             // last confirmed seqNum
  std::size_t pending() const { return pending_.size(); }
  bool synced() const { return live_ && pending_.empty(); }               // pulled and nothing waiting
  bool live() const { return live_; }                                     // connected and pulled
  const std::string& client_id() const { return client_id_; }
  const std::string& session_id() const { return session_id_; }

  void subscribe(Listener listener) { listeners_.push_back(std::move(listener)); }

  static constexpr std::size_t kMaxPushBatch = 50;
  static constexpr std::size_t kMaxPushBytes = 1u << 20;  // a push carries at most ~1 MiB (or one bigger event)
  static constexpr std::size_t kMaxEventBytes = 8u << 20;  // commit() refuses bigger events (std::length_error)

 private:
  struct Pending {
    protocol::WireEvent wire;
    schema::Event event;
    std::uint64_t local_id;  // stable across rebases
  };
  void pull();
  void push();
  void receive(protocol::PullRes& response, Change& change);  // moves its events into `change`
  void on_rejected(const protocol::Error& error, Change& change);
  void rebase();
  static schema::Event decode(const protocol::WireEvent& wire, std::string& error);
  static void apply(schema::State& state, const schema::Event& event, std::string& error);
  void notify(const Change& change);

  std::string client_id_, session_id_;
  schema::State confirmed_state_, state_;
  std::int64_t head_ = 0;
  std::deque<Pending> pending_;
  bool connected_ = false;
  bool live_ = false;               // connected and the initial pull is done
  std::string pull_request_;        // the pull in progress
  std::string push_request_;        // the push in flight (not yet acknowledged)
  std::vector<std::uint64_t> push_ids_;  // its events
  std::size_t sent_ = 0;            // leading pending events already pushed
  std::uint64_t next_local_id_ = 1;
  bool awaiting_upstream_ = false;  // a push was refused on a stale parent
  bool retry_wanted_ = false;       // a push was not stored; try again after a pause
  std::uint64_t next_request_ = 1;
  std::vector<std::string> outgoing_;
  protocol::FrameDecoder frames_;
  std::vector<Listener> listeners_;
};

}  // namespace runt::sync
