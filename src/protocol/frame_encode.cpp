// Frames out: events, sync-cf messages and the sync URL's query, written as JSON.stringify
// writes them.
#include "runt/protocol/frames.hpp"

#include "runt/schema/json.hpp"

#include <span>

namespace runt::protocol {

namespace {

// ---- encoding --------------------------------------------------------------------------------

void put_string(std::string& out, std::string_view s) { schema::append_quoted_js_string(out, s); }

void put_event(std::string& out, const WireEvent& e) {
  out += R"({"name":)";
  put_string(out, e.name);
  if (e.args) {
    out += R"(,"args":)";
    out += *e.args;
  }
  out += R"(,"seqNum":)" + std::to_string(e.seqNum);
  out += R"(,"parentSeqNum":)" + std::to_string(e.parentSeqNum);
  out += R"(,"clientId":)";
  put_string(out, e.clientId);
  out += R"(,"sessionId":)";
  put_string(out, e.sessionId);
  out += '}';
}

// One element of a PullRes batch.
void put_synced_event(std::string& out, const WireEvent& e, const std::string* created_at) {
  out += R"({"eventEncoded":)";
  put_event(out, e);
  if (created_at) {
    out += R"(,"metadata":{"_tag":"Some","value":{"createdAt":)";
    put_string(out, *created_at);
    out += "}}}";
  } else {
    out += R"(,"metadata":{"_tag":"None"}})";
  }
}

void put_tag(std::string& out, std::string_view tag) {
  out += R"({"_tag":)";
  put_string(out, tag);
}

void put_request_id(std::string& out, std::string_view id) {
  out += R"(,"requestId":)";
  put_string(out, id);
}


}  // namespace

std::string encode_event(const WireEvent& event) {
  std::string out;
  put_event(out, event);
  return out;
}

std::string invalid_parent_message(std::int64_t received, std::int64_t expected) {
  return "Invalid parent event number. Received e" + std::to_string(received) + " but expected e" +
         std::to_string(expected);
}

bool is_invalid_parent_message(std::string_view message) { return message.starts_with("Invalid parent event number. "); }

std::string not_stored_message(std::string_view why) { return "Push not stored: " + std::string(why); }

bool is_not_stored_message(std::string_view message) { return message.starts_with("Push not stored: "); }

namespace {

// About the size of a frame of `events`, each with `overhead` bytes of keys and metadata: one
// allocation instead of a dozen doublings.
template <class Events, class EventOf> size_t frame_size(const Events& events, EventOf event_of, size_t overhead) {
  size_t size = 120;
  for (const auto& item : events) {
    const WireEvent& e = event_of(item);
    size += overhead + 64 + e.name.size() + (e.args ? e.args->size() : 0) + e.clientId.size() + e.sessionId.size();
  }
  return size;
}

template <class Events, class EventOf, class CreatedAtOf>
std::string pull_res(const Events& events, EventOf event_of, CreatedAtOf created_at_of, Context context,
                     std::string_view request_id, std::int64_t remaining) {
  std::string out;
  out.reserve(frame_size(events, event_of, 120));
  put_tag(out, "WSMessage.PullRes");
  out += R"(,"batch":[)";
  bool first = true;
  for (const auto& e : events) {
    if (!first) out += ',';
    first = false;
    put_synced_event(out, event_of(e), created_at_of(e));
  }
  out += R"(],"requestId":{"context":)";
  out += context == Context::pull ? R"("pull")" : R"("push")";
  put_request_id(out, request_id);
  out += R"(},"remaining":)" + std::to_string(remaining);
  out += '}';
  return out;
}

template <class Events, class EventOf>
std::string push_req(std::string_view request_id, const Events& events, EventOf event_of) {
  std::string out;
  out.reserve(frame_size(events, event_of, 60));
  put_tag(out, "WSMessage.PushReq");
  put_request_id(out, request_id);
  out += R"(,"batch":[)";
  bool first = true;
  for (const auto& e : events) {
    if (!first) out += ',';
    first = false;
    put_event(out, event_of(e));
  }
  out += "]}";
  return out;
}

}  // namespace

std::string encode(const PullRes& m) {
  return pull_res(
      m.batch, [](const SyncedEvent& e) -> const WireEvent& { return e.event; },
      [](const SyncedEvent& e) { return e.createdAt ? &*e.createdAt : nullptr; }, m.context, m.requestId, m.remaining);
}

std::string encode_pull_res(std::span<const WireEvent> events, const std::string& created_at, Context context,
                            std::string_view request_id, std::int64_t remaining) {
  return pull_res(
      events, [](const WireEvent& e) -> const WireEvent& { return e; }, [&](const WireEvent&) { return &created_at; },
      context, request_id, remaining);
}

std::string encode(const PushReq& m) {
  return push_req(m.requestId, m.batch, [](const WireEvent& e) -> const WireEvent& { return e; });
}

std::string encode_push_req(std::string_view request_id, std::span<const WireEvent* const> events) {
  return push_req(request_id, events, [](const WireEvent* e) -> const WireEvent& { return *e; });
}

std::string encode(const ClientMessage& message) {
  if (const auto* push = std::get_if<PushReq>(&message)) return encode(*push);
  std::string out;
  std::visit(
      [&](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, PullReq>) {
          put_tag(out, "WSMessage.PullReq");
          put_request_id(out, m.requestId);
          if (m.cursor) out += R"(,"cursor":)" + std::to_string(*m.cursor);
        } else if constexpr (std::is_same_v<M, PushReq>) {
          // encoded above
        } else if constexpr (std::is_same_v<M, Ping>) {
          put_tag(out, "WSMessage.Ping");
          put_request_id(out, "ping");
        } else {
          put_tag(out, std::is_same_v<M, AdminResetRoomReq> ? "WSMessage.AdminResetRoomReq" : "WSMessage.AdminInfoReq");
          put_request_id(out, m.requestId);
          out += R"(,"adminSecret":)";
          put_string(out, m.adminSecret);
        }
      },
      message);
  out += '}';
  return out;
}

std::string encode(const ServerMessage& message) {
  if (const auto* pull = std::get_if<PullRes>(&message)) return encode(*pull);
  std::string out;
  std::visit(
      [&](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, PullRes>) {
          // encoded above
        } else if constexpr (std::is_same_v<M, PushAck>) {
          put_tag(out, "WSMessage.PushAck");
          put_request_id(out, m.requestId);
        } else if constexpr (std::is_same_v<M, Error>) {
          put_tag(out, "WSMessage.Error");
          put_request_id(out, m.requestId);
          out += R"(,"message":)";
          put_string(out, m.message);
        } else if constexpr (std::is_same_v<M, Pong>) {
          put_tag(out, "WSMessage.Pong");
          put_request_id(out, "ping");
        } else if constexpr (std::is_same_v<M, AdminResetRoomRes>) {
          put_tag(out, "WSMessage.AdminResetRoomRes");
          put_request_id(out, m.requestId);
        } else {
          put_tag(out, "WSMessage.AdminInfoRes");
          put_request_id(out, m.requestId);
          out += R"(,"info":{"durableObjectId":)";
          put_string(out, m.durableObjectId);
          out += '}';
        }
      },
      message);
  out += '}';
  return out;
}

namespace {

// Percent-encodes every byte outside `keep` (and the ASCII letters and digits).
std::string percent_encode(std::string_view text, std::string_view keep, bool space_as_plus) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || keep.find(c) != std::string_view::npos) {
      out.push_back(c);
    } else if (c == ' ' && space_as_plus) {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

std::string form_encode(std::string_view text) { return percent_encode(text, "*-._", true); }

}  // namespace

std::string sync_query(std::string_view store_id, std::string_view payload_json) {
  const std::string component = percent_encode(payload_json, "-_.!~*'()", false);  // encodeURIComponent
  return "storeId=" + form_encode(store_id) + "&payload=" + form_encode(component);
}

}  // namespace runt::protocol
