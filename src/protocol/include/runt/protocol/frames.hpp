#pragma once
// LiveStore 0.3.1 sync-cf messages (`WSMessage.*`), the frames anode clients and the reference
// Cloudflare server exchange over one WebSocket per store. See livestore-sync-0.3.1.md §2.1.
//
// Encoding writes exactly what the TypeScript side writes (`_tag` first, fields in schema
// order, Option as {"_tag":"Some","value":…} / {"_tag":"None"}). An event's args travel as the
// raw JSON text they arrived in: a server stores and echoes them unchanged, because clients
// compare their own events with what comes back.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace runt::protocol {

// `{name, args, seqNum, parentSeqNum, clientId, sessionId}` (LiveStoreEvent.AnyEncodedGlobal).
struct WireEvent {
  std::string name;
  std::optional<std::string> args;  // exact JSON text; nullopt: the event had no "args" key
  std::int64_t seqNum = 0;
  std::int64_t parentSeqNum = 0;
  std::string clientId;
  std::string sessionId;
  bool operator==(const WireEvent&) const = default;
};

// ---- client to server
struct PullReq {
  std::string requestId;
  std::optional<std::int64_t> cursor;  // last global seqNum the client has; absent: from the start
  bool operator==(const PullReq&) const = default;
};
struct PushReq {
  std::string requestId;
  std::vector<WireEvent> batch;
  bool operator==(const PushReq&) const = default;
};
struct Ping {  // requestId is the literal "ping"
  bool operator==(const Ping&) const = default;
};
struct AdminResetRoomReq {
  std::string requestId;
  std::string adminSecret;
  bool operator==(const AdminResetRoomReq&) const = default;
};
struct AdminInfoReq {
  std::string requestId;
  std::string adminSecret;
  bool operator==(const AdminInfoReq&) const = default;
};
using ClientMessage = std::variant<PullReq, PushReq, Ping, AdminResetRoomReq, AdminInfoReq>;

// ---- server to client
struct SyncedEvent {
  WireEvent event;
  std::optional<std::string> createdAt;  // metadata: Some({createdAt}) or None
  bool operator==(const SyncedEvent&) const = default;
};
enum class Context { pull, push };
struct PullRes {
  std::vector<SyncedEvent> batch;
  Context context = Context::pull;  // answers a pull, or broadcasts a push
  std::string requestId;
  std::int64_t remaining = 0;  // events still to come after this page
  bool operator==(const PullRes&) const = default;
};
struct PushAck {
  std::string requestId;
  bool operator==(const PushAck&) const = default;
};
struct Error {
  std::string requestId;
  std::string message;
  bool operator==(const Error&) const = default;
};
struct Pong {
  bool operator==(const Pong&) const = default;
};
struct AdminResetRoomRes {
  std::string requestId;
  bool operator==(const AdminResetRoomRes&) const = default;
};
struct AdminInfoRes {
  std::string requestId;
  std::string durableObjectId;
  bool operator==(const AdminInfoRes&) const = default;
};
using ServerMessage = std::variant<PullRes, PushAck, Error, Pong, AdminResetRoomRes, AdminInfoRes>;

// A frame that is not one of the messages its direction allows. `what()` says what is wrong,
// e.g. `WSMessage.PushReq: batch[2].seqNum: expected an integer, got 2.5`.
class FrameError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

std::string encode(const ClientMessage& message);
std::string encode(const ServerMessage& message);
// The same frames without wrapping (copying) the message in a variant first.
std::string encode(const PushReq& message);
std::string encode(const PullRes& message);
// encode(PullRes) of events that share one createdAt (one push's broadcast), and encode(PushReq)
// of events held elsewhere (a client's pending list): written without copying the events.
std::string encode_pull_res(std::span<const WireEvent> events, const std::string& created_at, Context context,
                            std::string_view request_id, std::int64_t remaining);
std::string encode_push_req(std::string_view request_id, std::span<const WireEvent* const> events);
ClientMessage decode_client_message(std::string_view frame);
ServerMessage decode_server_message(std::string_view frame);

// The same decoding (same results, same errors), with its parsers and buffers kept between
// calls: what a connection that decodes frame after frame holds. The frames that carry events
// (PushReq, PullRes) are read in one validating simdjson pass plus one pass for the args' exact
// text; anything unusual takes the exact general path. One per thread.
class FrameDecoder {
 public:
  FrameDecoder();
  ~FrameDecoder();
  FrameDecoder(const FrameDecoder&) = delete;
  FrameDecoder& operator=(const FrameDecoder&) = delete;
  FrameDecoder(FrameDecoder&&) noexcept;
  FrameDecoder& operator=(FrameDecoder&&) noexcept;

  ClientMessage decode_client_message(std::string_view frame);
  ServerMessage decode_server_message(std::string_view frame);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One event as `{name, args, seqNum, parentSeqNum, clientId, sessionId}` (args omitted when the
// event has none): a LiveStore-encoded event, one line of what `runt replay` reads.
std::string encode_event(const WireEvent& event);

// The reference server's rejection of a push whose first parent is not the head.
std::string invalid_parent_message(std::int64_t received, std::int64_t expected);
bool is_invalid_parent_message(std::string_view message);
// runt serve's refusal of a push it could not write (nothing wrong with the events: retry).
std::string not_stored_message(std::string_view why);
bool is_not_stored_message(std::string_view message);

// The query string of a sync connection, as sync-cf 0.3.1 builds it: URLSearchParams of
// {storeId, payload: encodeURIComponent(JSON)} (so the payload is encoded twice).
std::string sync_query(std::string_view store_id, std::string_view payload_json);

}  // namespace runt::protocol
