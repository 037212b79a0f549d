#include "runt/sync/hub.hpp"

#include "runt/sync/push_rules.hpp"

#include "runt/schema/json.hpp"
#include "runt/schema/timestamp.hpp"

#include <set>

namespace runt::sync {

using namespace runt::protocol;

namespace {

// The requestId of a frame that failed to decode, when one can be read, for the error reply.
std::string request_id_of(std::string_view frame) {
  try {
    const auto j = runt::schema::parse_json(frame);
    if (j.is_object())
      if (const auto it = j.find("requestId"); it != j.end() && it->is_string()) return it->get<std::string>();
  } catch (const runt::schema::JsonSyntaxError&) {
  }
  return "";
}

}  // namespace

Hub::Hub(storage::EventStore& store, std::function<std::int64_t()> now_ms, bool group_commit)
    : store_(store), now_ms_(std::move(now_ms)), group_commit_(group_commit) {}

Hub::ConnectionId Hub::attach(std::string store_id, Connection& connection, bool may_push) {
  const ConnectionId id = next_id_++;
  // Until it pulls or pushes, assume what its client can hold at most (see the header). With a
  // shared store, a client may come from another node holding anything up to the log's head.
  const bool known_log = heads_.contains(store_id);
  const bool first_sight = !known_log && !store_.shared();
  std::int64_t head = stored_head(store_id);  // throws when the store is unreachable: no socket then
  if (store_.shared() && known_log) head = heads_[store_id] = std::max(head, store_.head(store_id));
  if (first_sight) unbroken_.emplace(store_id, head);
  const auto unbroken = unbroken_.find(store_id);
  Socket socket{std::move(store_id), &connection, unbroken != unbroken_.end() ? unbroken->second : head, now_ms_()};
  socket.may_push = may_push;
  sockets_.emplace(id, std::move(socket));
  return id;
}

void Hub::detach(ConnectionId id) {
  const auto it = sockets_.find(id);
  if (it == sockets_.end()) return;
  unbroken_.erase(it->second.store_id);  // its client may come back holding anything up to now
  sockets_.erase(it);
}

void Hub::tick() {
  const std::int64_t now = now_ms_();
  for (auto& [id, socket] : sockets_) {
    if (socket.known || now - socket.attached_at < kGraceMs) continue;
    try {
      const std::int64_t head = stored_head(socket.store_id);
      socket.known = true;
      if (socket.from() < head) catch_up(socket, head, "");
    } catch (const storage::StorageError& e) {
      log_("could not read the head of " + socket.store_id + ": " + e.what());  // tried again next tick
    }
  }
}

void Hub::on_frame(ConnectionId id, std::string_view frame) {
  const auto it = sockets_.find(id);
  if (it == sockets_.end()) return;
  Socket& socket = it->second;
  ClientMessage message;
  try {
    message = frames_.decode_client_message(frame);
  } catch (const FrameError& e) {
    log_("bad frame on " + socket.store_id + ": " + e.what());
    socket.connection->send(encode(ServerMessage{Error{request_id_of(frame), e.what()}}));
    return;
  }
  try {
    dispatch(id, socket, std::move(message));
  } catch (const storage::StorageError& e) {
    // The store is unreachable (a database that is down): nothing was changed; the client retries.
    log_("could not serve a frame on " + socket.store_id + ": " + e.what());
    socket.connection->send(encode(ServerMessage{Error{request_id_of(frame), not_stored_message(e.what())}}));
  }
}

void Hub::dispatch(ConnectionId id, Socket& socket, ClientMessage message) {
  std::visit(
      [&](auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, PullReq>) {
          pull(socket, m);
        } else if constexpr (std::is_same_v<M, PushReq>) {
          push(id, socket, std::move(m));
        } else if constexpr (std::is_same_v<M, Ping>) {
          socket.connection->send(encode(ServerMessage{Pong{}}));
        } else {
          socket.connection->send(encode(ServerMessage{Error{m.requestId, "Admin messages are not supported by runt serve"}}));
        }
      },
      message);
}

std::int64_t Hub::stored_head(const std::string& store_id) {
  const auto it = heads_.find(store_id);
  if (it != heads_.end()) return it->second;
  return heads_.emplace(store_id, store_.head(store_id)).first->second;
}

std::int64_t Hub::fresh_head(const std::string& store_id) {
  if (!store_.shared()) return stored_head(store_id);
  std::int64_t& cached = heads_[store_id];
  try {
    cached = std::max(cached, store_.head(store_id));
  } catch (const storage::StorageError& e) {
    log_("could not read the head of " + store_id + ": " + e.what());  // what is known here still holds
  }
  return cached;
}

void Hub::log_moved(const std::string& store_id, std::int64_t head) {
  const auto known = heads_.find(store_id);
  if (known == heads_.end() || head <= known->second) return;
  known->second = head;
  // Sockets that are where the log was (nearly all of them) share one read and one encoding
  // per page: hundreds of subscribers cost one query, as this node's own broadcasts do.
  std::map<std::int64_t, std::vector<Socket*>> by_position;
  for (auto& [id, socket] : sockets_)
    if (socket.store_id == store_id && socket.known && socket.from() < head) by_position[socket.from()].push_back(&socket);
  for (auto& [from, group] : by_position) {
    std::vector<Frame> pages;
    std::int64_t after = from;
    try {
      while (after < head) {
        PullRes page{page_after(store_id, after), Context::push, "", 0};
        if (page.batch.empty()) break;
        after = page.batch.back().event.seqNum;
        pages.push_back(std::make_shared<const std::string>(encode(page)));
      }
    } catch (const storage::StorageError& e) {
      log_("could not read what another node wrote to " + store_id + ": " + e.what());  // sent with the next
    }
    for (Socket* socket : group) {
      for (const auto& page : pages) socket->connection->deliver(page);
      socket->position = socket->sent_max = std::max(socket->from(), after);
    }
  }
}

void Hub::resync() {
  std::set<std::string> open;
  for (const auto& [id, socket] : sockets_) open.insert(socket.store_id);
  for (const auto& store_id : open) {
    try {
      log_moved(store_id, store_.head(store_id));
    } catch (const storage::StorageError& e) {
      log_("could not resync " + store_id + ": " + e.what());  // the feed asks again when it reconnects
    }
  }
}

std::vector<SyncedEvent> Hub::page_after(const std::string& store_id, std::int64_t after) {
  std::vector<SyncedEvent> page;
  for (auto& stored : store_.read(store_id, after, kPullPageSize, kMaxPageBytes))
    page.push_back(SyncedEvent{std::move(stored.event), std::move(stored.createdAt)});
  return page;
}

void Hub::pull(Socket& socket, const PullReq& request) {
  // Served from the client's cursor, whatever was broadcast before: a client stashes push
  // results until its pull completes and keeps only those newer than the pull.
  std::int64_t after = request.cursor.value_or(0);
  const std::int64_t head = fresh_head(socket.store_id);
  do {
    PullRes page{page_after(socket.store_id, after), Context::pull, request.requestId, 0};
    if (!page.batch.empty()) after = page.batch.back().event.seqNum;
    page.remaining = head > after ? head - after : 0;
    socket.connection->send(encode(page));
    if (page.batch.empty()) break;
  } while (after < head);
  socket.position = std::max(socket.position, after);
  socket.sent_max = std::max(socket.sent_max, after);
  socket.known = true;
}

void Hub::catch_up(Socket& socket, std::int64_t head, const std::string& request_id) {
  std::int64_t after = socket.from();
  try {
    while (after < head) {
      PullRes page{page_after(socket.store_id, after), Context::push, request_id, 0};
      if (page.batch.empty()) break;
      after = page.batch.back().event.seqNum;
      socket.connection->send(encode(page));
    }
  } catch (const storage::StorageError& e) {
    // The socket stays behind from what it was sent: the next push or broadcast catches it up.
    log_("could not catch up a socket of " + socket.store_id + ": " + e.what());
  }
  socket.position = socket.sent_max = std::max(socket.from(), after);
}

void Hub::push(ConnectionId id, Socket& socket, PushReq request) {
  if (!socket.may_push) {
    log_("refused a reader's push to " + socket.store_id);
    socket.connection->send(encode(ServerMessage{Error{
        request.requestId, "Push refused: you may read notebook " + socket.store_id + " but not change it"}}));
    return;
  }
  if (request.batch.empty()) {  // sync-cf acknowledges it at once; it says nothing of the client's log
    socket.connection->send(encode(ServerMessage{PushAck{request.requestId}}));
    return;
  }
  std::int64_t stored = stored_head(socket.store_id);
  // A shared store's log may have moved on without this Hub hearing yet: a push that does not
  // continue the head known here is checked against the store's.
  if (store_.shared() && !pending_heads_.contains(socket.store_id) && request.batch.front().parentSeqNum != stored)
    stored = fresh_head(socket.store_id);
  const auto waiting = pending_heads_.find(socket.store_id);
  // Pushes waiting for the group commit count for the chain check...
  const std::int64_t head = waiting != pending_heads_.end() ? waiting->second : stored;
  // ...but not for the pusher's position: it has not had their echo yet. The push says where
  // the client's log ends (it may not have processed what we sent since).
  socket.position = std::min(request.batch.front().parentSeqNum, stored);
  socket.known = true;
  if (auto problem = check_push(request.batch, head)) {
    // A stale parent is ordinary concurrency (the client rebases); anything else is a bad client.
    if (!is_invalid_parent_message(*problem)) log_("refused a push to " + socket.store_id + ": " + *problem);
    socket.connection->send(encode(ServerMessage{Error{request.requestId, *problem}}));
    // Behind: hand it what it is missing (what is stored) so it can rebase and push again.
    if (socket.from() < stored) catch_up(socket, stored, request.requestId);
    return;
  }
  if (auto problem = check_events(request.batch, decoder_)) {
    log_("refused a push to " + socket.store_id + ": " + *problem);
    socket.connection->send(encode(ServerMessage{Error{request.requestId, *problem}}));
    return;
  }
  const std::int64_t new_head = request.batch.back().seqNum;
  pending_.push_back(Pending{id, socket.store_id, std::move(request), schema::format_iso(schema::Timestamp{now_ms_()})});
  pending_heads_[socket.store_id] = new_head;
  if (!group_commit_) flush();
}

std::vector<Hub::Pending> Hub::drop_revoked(std::vector<Pending> group) {
  std::set<ConnectionId> waiting;
  for (const auto& p : group)
    if (p.socket != 0 && sockets_.contains(p.socket)) waiting.insert(p.socket);
  write_guard_->recheck();
  std::vector<Pending> kept;
  std::set<std::string, std::less<>> broken;  // logs whose chain lost a push
  for (auto& p : group) {
    if (waiting.contains(p.socket) && !sockets_.contains(p.socket)) {
      log_("dropped a push to " + p.store_id + ": its credentials were revoked");
      broken.insert(p.store_id);
      continue;
    }
    if (broken.contains(p.store_id)) {
      if (const auto it = sockets_.find(p.socket); it != sockets_.end())
        it->second.connection->send(encode(ServerMessage{Error{
            p.request.requestId,
            protocol::invalid_parent_message(p.request.batch.front().parentSeqNum, stored_head(p.store_id))}}));
      continue;
    }
    kept.push_back(std::move(p));
  }
  return kept;
}

storage::AppendResult Hub::write(std::vector<Pending>& group) {
  // A revocation elsewhere moves the fence rarely; re-checked a few times in a row, it is being
  // revoked faster than a group can be written, and the group is refused rather than spun on.
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    std::vector<storage::Append> appends;
    appends.reserve(group.size());
    for (const auto& p : group) appends.push_back({p.store_id, p.request.batch, p.created_at});
    if (appends.empty()) return {};
    if (!write_guard_) return store_.append(appends);
    storage::AppendResult result = store_.append_if(appends, write_guard_->fence());
    if (!result.fenced) return result;
    if (attempt == kAttempts) throw storage::StorageError("credentials keep being revoked; try again");
    group = drop_revoked(std::move(group));
  }
}

void Hub::flush() {
  if (pending_.empty()) return;
  own_refused_ = false;
  std::vector<Pending> group = std::move(pending_);
  pending_.clear();
  pending_heads_.clear();
  storage::AppendResult result;
  try {
    result = write(group);  // one durable transaction for the whole group
  } catch (const storage::StorageError& e) {
    log_(std::string("could not store ") + std::to_string(group.size()) + " push(es): " + e.what());
    for (const auto& p : group)
      if (const auto it = sockets_.find(p.socket); it != sockets_.end())
        it->second.connection->send(encode(ServerMessage{Error{p.request.requestId, not_stored_message(e.what())}}));
    return;
  }
  // Pushes another writer of a shared store got ahead of: refused as a stale parent is on one
  // node (the client rebases), and every socket of the notebook gets what it missed.
  std::vector<bool> refused(group.size(), false);
  for (const size_t i : result.conflicts) {
    refused[i] = true;
    const Pending& p = group[i];
    if (p.socket == 0) own_refused_ = true;
    const std::int64_t head = fresh_head(p.store_id);
    if (const auto it = sockets_.find(p.socket); it != sockets_.end())
      it->second.connection->send(encode(ServerMessage{
          Error{p.request.requestId, protocol::invalid_parent_message(p.request.batch.front().parentSeqNum, head)}}));
  }
  // Durable: now acknowledge and broadcast, push by push in the order they came.
  for (size_t i = 0; i < group.size(); ++i)
    if (!refused[i]) {
      std::int64_t& head = heads_[group[i].store_id];
      head = std::max(head, group[i].request.batch.back().seqNum);
    }
  for (size_t i = 0; i < group.size(); ++i) {
    const Pending& p = group[i];
    if (refused[i]) {
      const std::int64_t head = heads_[p.store_id];
      for (auto& [id, other] : sockets_)
        if (other.store_id == p.store_id && other.known && other.from() < head)
          catch_up(other, head, id == p.socket ? p.request.requestId : "");
      continue;
    }
    if (const auto it = sockets_.find(p.socket); it != sockets_.end())
      it->second.connection->send(encode(ServerMessage{PushAck{p.request.requestId}}));
    const std::int64_t head = p.request.batch.front().parentSeqNum;
    const std::int64_t new_head = p.request.batch.back().seqNum;
    const Frame frame = std::make_shared<const std::string>(
        encode_pull_res(p.request.batch, p.created_at, Context::push, p.request.requestId, 0));
    for (auto& [id, other] : sockets_) {
      if (other.store_id != p.store_id || !other.known) continue;  // see tick()
      if (other.from() < head) catch_up(other, head, p.request.requestId);
      if (other.from() >= new_head) continue;
      other.connection->deliver(frame);
      other.position = other.sent_max = new_head;
    }
  }
}

std::int64_t Hub::append(const std::string& store_id, std::vector<WireEvent> events) {
  // As attach(): the first sight of a notebook fixes what reconnecting clients may hold.
  const bool first_sight = !heads_.contains(store_id);
  const std::int64_t stored = stored_head(store_id);
  if (first_sight) unbroken_.emplace(store_id, stored);
  if (events.empty()) return stored;
  for (const auto& e : events) check_event(e, decoder_);  // before anything waits to be written
  // A shared store's other writers may get ahead between our reading the head and writing:
  // then the events are numbered again on the new head.
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    const auto waiting = pending_heads_.find(store_id);
    std::int64_t head = waiting != pending_heads_.end() ? waiting->second : stored_head(store_id);
    const std::string created_at = schema::format_iso(schema::Timestamp{now_ms_()});
    PushReq push;
    size_t bytes = 0;
    for (const auto& original : events) {
      if (push.batch.size() == kMaxPushBatch || (!push.batch.empty() && bytes >= kMaxAppendBytes)) {
        pending_.push_back(Pending{0, store_id, std::move(push), created_at});
        push = PushReq{};
        bytes = 0;
      }
      WireEvent e = original;
      e.parentSeqNum = head;
      e.seqNum = ++head;
      bytes += e.args ? e.args->size() : 0;
      push.batch.push_back(std::move(e));
    }
    pending_.push_back(Pending{0, store_id, std::move(push), created_at});
    pending_heads_[store_id] = head;
    flush();  // durable before the caller answers
    if (!own_refused_ && stored_head(store_id) >= head) return head;
    if (!store_.shared() || !own_refused_ || attempt == kAttempts)
      throw storage::StorageError("could not store the events of notebook " + store_id + " (see the server log)");
  }
}

}  // namespace runt::sync
