#include "runt/sync/hub.hpp"

#include "runt/sync/push_rules.hpp"

#include "runt/schema/json.hpp"
#include "runt/schema/timestamp.hpp"

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

Hub::Hub(storage::EventStore& store, std::function<std::int64_t()> now_ms)
    : store_(store), now_ms_(std::move(now_ms)) {}

Hub::ConnectionId Hub::attach(std::string store_id, Connection& connection) {
  const ConnectionId id = next_id_++;
  // Until it pulls or pushes, assume the socket's client holds what the log held now.
  const std::int64_t head = store_.head(store_id);
  sockets_.emplace(id, Socket{std::move(store_id), &connection, head, now_ms_()});
  return id;
}

void Hub::detach(ConnectionId id) { sockets_.erase(id); }

void Hub::tick() {
  const std::int64_t now = now_ms_();
  for (auto& [id, socket] : sockets_) {
    if (socket.known || now - socket.attached_at < kGraceMs) continue;
    socket.known = true;
    const std::int64_t head = store_.head(socket.store_id);
    if (socket.from() < head) catch_up(socket, head, "");
  }
}

void Hub::on_frame(ConnectionId id, std::string_view frame) {
  const auto it = sockets_.find(id);
  if (it == sockets_.end()) return;
  Socket& socket = it->second;
  ClientMessage message;
  try {
    message = decode_client_message(frame);
  } catch (const FrameError& e) {
    socket.connection->send(encode(ServerMessage{Error{request_id_of(frame), e.what()}}));
    return;
  }
  std::visit(
      [&](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, PullReq>) {
          pull(socket, m);
        } else if constexpr (std::is_same_v<M, PushReq>) {
          push(socket, m);
        } else if constexpr (std::is_same_v<M, Ping>) {
          socket.connection->send(encode(ServerMessage{Pong{}}));
        } else {
          socket.connection->send(encode(ServerMessage{Error{m.requestId, "Admin messages are not supported by runt serve"}}));
        }
      },
      message);
}

void Hub::pull(Socket& socket, const PullReq& request) {
  // Served from the client's cursor, whatever was broadcast before: a client stashes push
  // results until its pull completes and keeps only those newer than the pull.
  std::int64_t after = request.cursor.value_or(0);
  const std::int64_t head = store_.head(socket.store_id);
  do {
    PullRes page{{}, Context::pull, request.requestId, 0};
    for (auto& stored : store_.read(socket.store_id, after, kPullPageSize))
      page.batch.push_back(SyncedEvent{std::move(stored.event), std::move(stored.createdAt)});
    if (!page.batch.empty()) after = page.batch.back().event.seqNum;
    page.remaining = head > after ? head - after : 0;
    socket.connection->send(encode(ServerMessage{page}));
    if (page.batch.empty()) break;
  } while (after < head);
  socket.position = std::max(socket.position, after);
  socket.sent_max = std::max(socket.sent_max, after);
  socket.known = true;
}

void Hub::catch_up(Socket& socket, std::int64_t head, const std::string& request_id) {
  std::int64_t after = socket.from();
  while (after < head) {
    PullRes page{{}, Context::push, request_id, 0};
    for (auto& stored : store_.read(socket.store_id, after, kPullPageSize))
      page.batch.push_back(SyncedEvent{std::move(stored.event), std::move(stored.createdAt)});
    if (page.batch.empty()) break;
    after = page.batch.back().event.seqNum;
    socket.connection->send(encode(ServerMessage{page}));
  }
  socket.position = socket.sent_max = std::max(socket.from(), after);
}

void Hub::push(Socket& socket, const PushReq& request) {
  const std::int64_t head = store_.head(socket.store_id);
  // The push says where the client's log ends (it may not have processed what we sent since).
  if (!request.batch.empty()) {
    socket.position = std::min(request.batch.front().parentSeqNum, head);
    socket.known = true;
  }
  if (auto problem = check_push(request.batch, head)) {
    socket.connection->send(encode(ServerMessage{Error{request.requestId, *problem}}));
    // Behind the head: hand it what it is missing so it can rebase and push again.
    if (socket.from() < head) catch_up(socket, head, request.requestId);
    return;
  }
  const std::string created_at = schema::format_iso(schema::Timestamp{now_ms_()});
  try {
    store_.append(std::vector<storage::Append>{{socket.store_id, request.batch, created_at}});
  } catch (const storage::StorageError& e) {
    socket.connection->send(encode(ServerMessage{Error{request.requestId, std::string("Push not stored: ") + e.what()}}));
    return;
  }
  socket.connection->send(encode(ServerMessage{PushAck{request.requestId}}));

  const std::int64_t new_head = request.batch.back().seqNum;
  PullRes broadcast{{}, Context::push, request.requestId, 0};
  for (const auto& e : request.batch) broadcast.batch.push_back(SyncedEvent{e, created_at});
  const std::string frame = encode(ServerMessage{broadcast});
  for (auto& [id, other] : sockets_) {
    if (other.store_id != socket.store_id || !other.known) continue;  // see tick()
    if (other.from() < head) catch_up(other, head, request.requestId);
    if (other.from() >= new_head) continue;
    other.connection->send(frame);
    other.position = other.sent_max = new_head;
  }
}

}  // namespace runt::sync
