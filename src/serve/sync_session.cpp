#include "sync_session.hpp"

#include "caller.hpp"

#include "runt/protocol/frames.hpp"
#include "runt/schema/json.hpp"
#include "runt/serve/url.hpp"
#include "runt/sync/push_rules.hpp"

namespace runt::serve {

namespace websocket = beast::websocket;

SyncSession::SyncSession(ServerContext& server, websocket::stream<Stream> ws, SyncPeer peer)
    : server_(server), ws_(std::move(ws)), peer_(std::move(peer)) {}

void SyncSession::start() {
  try {
    id_ = server_.hub.attach(peer_.store_id, *this, peer_.may_push);
  } catch (const storage::StorageError& e) {
    // The store is unreachable: the client reconnects (with its backoff) until it is back.
    server_.log("closed a sync connection to " + peer_.store_id + ": " + e.what());
    detached_ = true;  // never attached: nothing to undo
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    return;
  }
  server_.sessions[id_] = weak_from_this();
  if (peer_.holds_open) server_.open_notebooks.add(peer_.store_id);
  ws_.text(true);
  // One frame, one write per message: Beast's default splits a broadcast into 4 KiB frames.
  ws_.auto_fragment(false);
  ws_.read_message_max(0);  // no Beast limit: read() enforces max_frame_bytes with an Error frame
  read();
}

void SyncSession::deliver(sync::Frame frame) {
  if (!detached_ && !dropped_) enqueue(std::move(frame));
}

void SyncSession::terminate() {
  detach();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

void SyncSession::enqueue(sync::Frame frame) {
  if (server_.options.trace_frames) server_.log("#" + std::to_string(id_) + " <- " + frame->substr(0, 300));
  queued_bytes_ += frame->size();
  server_.queued.add(frame);
  queue_.push_back(std::move(frame));
  if (queued_bytes_ > server_.options.max_queued_bytes) return drop_slow("bytes waiting for it");
  if (queue_.size() == 1) write();
  // Many sockets each under their own limit can still hold too much together.
  if (server_.queued.bytes() > server_.options.max_total_queued_bytes) server_.shed_slowest();
}

// Reads a message piece by piece so that an oversized one can be refused with a
// WSMessage.Error (and a 1009 close) instead of a bare close.
void SyncSession::read() {
  ws_.async_read_some(buffer_, 64 * 1024, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->close(ec);
    if (self->buffer_.size() > self->server_.options.max_frame_bytes) return self->refuse_oversized();
    if (!self->ws_.is_message_done()) return self->read();
    // A revoked key or login must not push one more event.
    if (!self->server_.still_authorized(self->id_)) return;
    // Read where it lies (a flat buffer is contiguous): on_frame keeps nothing of it.
    const auto data = self->buffer_.data();
    const std::string_view frame(static_cast<const char*>(data.data()), data.size());
    if (self->server_.options.trace_frames)
      self->server_.log("#" + std::to_string(self->id_) + " -> " + std::string(frame.substr(0, 300)));
    self->server_.hub.on_frame(self->id_, frame);
    self->buffer_.consume(self->buffer_.size());
    self->server_.schedule_flush();
    self->read();
  });
}

void SyncSession::refuse_oversized() {
  const std::string limit = std::to_string(server_.options.max_frame_bytes);
  server_.log("refused a frame of more than " + limit + " bytes for " + peer_.store_id);
  buffer_.consume(buffer_.size());
  detach();  // no more broadcasts: only the error is still to go out
  enqueue(std::make_shared<const std::string>(
      protocol::encode(protocol::ServerMessage{protocol::Error{"", "Frame refused: larger than " + limit + " bytes"}})));
  closing_ = true;  // close once the error is written
}

void SyncSession::shed() { drop_slow("bytes waiting for it, the most of any socket while the server held too much"); }

// A subscriber that does not read would make the server hold every broadcast for it.
void SyncSession::drop_slow(std::string_view why) {
  if (dropped_) return;
  server_.log("dropped a slow subscriber of " + peer_.store_id + " (" + std::to_string(queued_bytes_) + " " + std::string(why) + ")");
  release_queue();
  // We are inside a Hub broadcast: leave the Hub once it is done, not under its feet.
  dropped_ = true;
  asio::post(server_.io, [self = shared_from_this()] { self->detach(); });
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

// What waits is never sent: it stops counting against the server's memory now (the frame a
// write is still using stays until that write ends).
void SyncSession::release_queue() {
  for (const auto& frame : queue_) server_.queued.remove(frame);
  if (!queue_.empty()) queue_.erase(queue_.begin() + 1, queue_.end());
  queued_bytes_ = 0;
  released_ = true;
}

void SyncSession::detach() {
  if (detached_) return;
  detached_ = true;
  server_.hub.detach(id_);
  server_.sessions.erase(id_);
  if (peer_.holds_open) server_.open_notebooks.remove(peer_.store_id);
}

void SyncSession::write() {
  ws_.async_write(asio::buffer(*queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->close(ec);
    if (self->released_) return;
    self->queued_bytes_ -= self->queue_.front()->size();
    self->server_.queued.remove(self->queue_.front());
    self->queue_.pop_front();
    if (!self->queue_.empty()) return self->write();
    if (self->closing_)
      self->ws_.async_close(websocket::close_code::too_big, [self](beast::error_code) { self->close({}); });
  });
}

void SyncSession::close(beast::error_code ec) {
  if (closed_) return;
  closed_ = true;
  detach();
  if (!released_) release_queue();
  if (ec && ec != websocket::error::closed) server_.log("connection to " + peer_.store_id + " ended: " + ec.message());
}

void open_sync_socket(ServerContext& server, Stream stream, Request request) {
  if (!websocket::is_upgrade(request))
    return respond(std::move(stream), request, http::status::upgrade_required, "Expected Upgrade: websocket");
  const std::string target(request.target());
  SyncPeer peer;
  Credential credential;
  std::optional<auth::User> user;
  auth::Role role = auth::Role::none;
  bool is_runtime = false;
  try {
    const auto query = parse_query(target);
    const auto id = query.find("storeId");
    if (id == query.end()) throw std::invalid_argument("Invalid search params: storeId is missing");
    peer.store_id = percent_decode(id->second, true);
    if (!sync::is_valid_store_id(peer.store_id))
      throw std::invalid_argument("Invalid storeId: use 1 to 64 characters from A-Z a-z 0-9 _ -");
    const auto payload = query.find("payload");
    const schema::Json json =
        payload == query.end() ? schema::Json::object() : schema::parse_json(decode_payload_parameter(payload->second));
    if (!json.is_object()) throw std::invalid_argument("Invalid payload: authToken is missing");
    if (const auto token = json.find("authToken"); token != json.end()) {
      if (!token->is_string()) throw std::invalid_argument("Invalid payload: authToken is missing");
      credential = Credential{Credential::Kind::token, token->get<std::string>()};
      user = authenticate(server, credential);
      if (!user) throw std::invalid_argument("Invalid auth token");
    } else if (auto caller = cookie_caller(server, request)) {
      // A browser cannot read its HttpOnly cookie, so its payload has no token.
      if (const auto problem = cross_site_problem(request)) {
        server.log("refused a sync connection: " + *problem);
        return respond(std::move(stream), request, http::status::forbidden, *problem);
      }
      user = std::move(caller->user);
      credential = std::move(caller->credential);
    } else {
      throw std::invalid_argument("Invalid payload: authToken is missing");
    }
    // A runtime agent acts for the user whose token it holds, and says so.
    if (const auto runtime = json.find("runtime"); runtime != json.end() && *runtime == true) {
      is_runtime = true;
      const auto user_id = json.find("userId");
      if (user_id == json.end() || !user_id->is_string() || user_id->get_ref<const std::string&>() != user->id)
        throw std::invalid_argument("Invalid payload: a runtime's userId must be its token's user, " + user->id);
    }
    role = server.accounts.open_notebook(*user, peer.store_id);
  } catch (const std::invalid_argument& e) {  // JsonSyntaxError included
    server.log("refused a sync connection: " + std::string(e.what()));
    return respond(std::move(stream), request, http::status::bad_request, e.what());
  } catch (const storage::StorageError& e) {
    server.log("refused a sync connection: " + std::string(e.what()));
    return respond(std::move(stream), request, http::status::internal_server_error, e.what());
  }
  if (role == auth::Role::none) {  // someone else's notebook, answered as if there were none
    server.log("refused a sync connection: " + user->id + " has no access to " + peer.store_id);
    return respond(std::move(stream), request, http::status::not_found, "No notebook " + peer.store_id);
  }
  peer.user_id = user->id;
  peer.may_push = role >= auth::Role::writer;
  peer.credential = std::move(credential);
  peer.holds_open = !is_runtime && peer.may_push;

  stream.expires_never();  // the WebSocket layer has its own timeouts and keep-alive pings
  auto ws = std::make_shared<websocket::stream<Stream>>(std::move(stream));
  ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  auto upgrade = std::make_shared<Request>(std::move(request));
  ws->async_accept(*upgrade, [&server, ws, upgrade, peer = std::move(peer), role](beast::error_code ec) mutable {
    if (ec) return;
    server.log("sync connection for " + peer.store_id + " by " + peer.user_id + " (" + std::string(auth::role_name(role)) + ")");
    std::make_shared<SyncSession>(server, std::move(*ws), std::move(peer))->start();
  });
}

}  // namespace runt::serve
