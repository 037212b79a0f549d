// Frames in: a fast path on simdjson's DOM for the frames that carry events, and the general
// path (every message, exact errors) behind it.
#include "runt/protocol/frames.hpp"

#include "args_text.hpp"

#include "runt/schema/json.hpp"

#include <simdjson.h>

#include <array>
#include <cmath>
#include <limits>

namespace runt::protocol {

using schema::Json;

namespace {

// ---- decoding --------------------------------------------------------------------------------

std::string describe(const Json& v) {
  if (v.is_string()) return "the string " + schema::to_js_string(v);
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  return schema::to_js_string(v);
}

class Reader {
 public:
  explicit Reader(std::string tag) : tag_(std::move(tag)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
    throw FrameError(tag_ + ": " + path + ": " + problem);
  }
  const Json& field(const Json& object, const char* key, const std::string& path) const {
    const auto it = object.find(key);
    if (it == object.end()) fail(path + key, "missing");
    return *it;
  }
  std::string string(const Json& object, const char* key, const std::string& path = "") const {
    const Json& v = field(object, key, path);
    if (!v.is_string()) fail(path + key, "expected a string, got " + describe(v));
    return v.get<std::string>();
  }
  std::int64_t integer(const Json& v, const std::string& where) const {
    if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<std::int64_t>();
    if (v.is_number_unsigned() && v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return static_cast<std::int64_t>(v.get<std::uint64_t>());
    if (v.is_number_float()) {
      const double d = v.get<double>();
      if (std::trunc(d) == d && std::fabs(d) < 9.2e18) return static_cast<std::int64_t>(d);
    }
    fail(where, "expected an integer, got " + describe(v));
  }
  std::int64_t integer(const Json& object, const char* key, const std::string& path = "") const {
    return integer(field(object, key, path), path + key);
  }
  const Json& object(const Json& object, const char* key, const std::string& path = "") const {
    const Json& v = field(object, key, path);
    if (!v.is_object()) fail(path + key, "expected an object, got " + describe(v));
    return v;
  }
  const Json& array(const Json& object, const char* key, const std::string& path = "") const {
    const Json& v = field(object, key, path);
    if (!v.is_array()) fail(path + key, "expected an array, got " + describe(v));
    return v;
  }

 private:
  std::string tag_;
};

// The exact text of each "args" value in a batch: the last "batch" key's elements, each one's
// last "args" key (JSON.parse keeps the last of repeated keys). `event_key` names the member
// holding the event inside each element ("" when the element is the event itself).
std::vector<std::optional<std::string>> raw_args(simdjson::ondemand::parser& parser, simdjson::padded_string_view padded,
                                                 std::string_view event_key) {
  std::vector<std::optional<std::string>> found;
  const auto raw_value = [](simdjson::ondemand::value value) -> std::string {
    std::string_view text;
    simdjson::ondemand::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS) throw FrameError("malformed JSON");
    if (type == simdjson::ondemand::json_type::object) {
      simdjson::ondemand::object o;
      if (value.get_object().get(o) || o.raw_json().get(text)) throw FrameError("malformed JSON");
    } else if (type == simdjson::ondemand::json_type::array) {
      simdjson::ondemand::array a;
      if (value.get_array().get(a) || a.raw_json().get(text)) throw FrameError("malformed JSON");
    } else {
      text = value.raw_json_token();
      while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t'))
        text.remove_suffix(1);
    }
    return std::string(text);
  };
  const auto args_of = [&](simdjson::ondemand::object event) {
    std::optional<std::string> args;
    for (auto field : event) {
      std::string_view key;
      if (field.unescaped_key().get(key)) throw FrameError("malformed JSON");
      if (key == "args") args = raw_value(field.value());
    }
    return args;
  };
  simdjson::ondemand::document doc;
  simdjson::ondemand::object root;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(root)) throw FrameError("malformed JSON");
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key)) throw FrameError("malformed JSON");
    if (key != "batch") continue;
    found.clear();
    simdjson::ondemand::array batch;
    if (field.value().get_array().get(batch)) throw FrameError("malformed JSON");
    for (auto element : batch) {
      simdjson::ondemand::object item;
      if (element.get_object().get(item)) throw FrameError("malformed JSON");
      if (event_key.empty()) {
        found.push_back(args_of(item));
        continue;
      }
      std::optional<std::string> args;
      for (auto member : item) {
        std::string_view name;
        if (member.unescaped_key().get(name)) throw FrameError("malformed JSON");
        if (name != event_key) continue;
        simdjson::ondemand::object event;
        if (member.value().get_object().get(event)) throw FrameError("malformed JSON");
        args = args_of(event);
      }
      found.push_back(std::move(args));
    }
  }
  return found;
}

// ---- the fast path: simdjson's DOM, for the frames that carry events ----------------------
// Anything it does not expect (a missing key, a wrong type, a seqNum written 1.0) answers
// nullopt, and the general path decides, with its exact error messages.

using simdjson::dom::element;
using simdjson::dom::object;

bool take_string(const std::optional<element>& e, std::string& out) {
  std::string_view v;
  if (!e || e->get_string().get(v) != simdjson::SUCCESS) return false;
  out.assign(v);
  return true;
}

bool take_integer(const std::optional<element>& e, std::int64_t& out) {
  return e && e->type() == simdjson::dom::element_type::INT64 && e->get_int64().get(out) == simdjson::SUCCESS;
}

bool take_object(const std::optional<element>& e, object& out) {
  return e && e->get_object().get(out) == simdjson::SUCCESS;
}

// Each key's last value, as JSON.parse keeps it.
template <size_t N>
std::array<std::optional<element>, N> pick(object o, const std::array<std::string_view, N>& keys) {
  std::array<std::optional<element>, N> found;
  for (auto field : o)
    for (size_t i = 0; i < N; ++i)
      if (field.key == keys[i]) found[i] = field.value;
  return found;
}

bool fast_event(object o, WireEvent& e) {
  static constexpr std::array<std::string_view, 5> keys{"name", "seqNum", "parentSeqNum", "clientId", "sessionId"};
  const auto v = pick(o, keys);
  return take_string(v[0], e.name) && take_integer(v[1], e.seqNum) && take_integer(v[2], e.parentSeqNum) &&
         take_string(v[3], e.clientId) && take_string(v[4], e.sessionId);
}

std::string_view tag_of(object root) {
  static constexpr std::array<std::string_view, 1> keys{"_tag"};
  std::string_view tag;
  if (const auto v = pick(root, keys)[0]; v && v->get_string().get(tag) == simdjson::SUCCESS) return tag;
  return "";
}

std::optional<PushReq> fast_push(object root) {
  static constexpr std::array<std::string_view, 2> keys{"requestId", "batch"};
  const auto v = pick(root, keys);
  PushReq m;
  simdjson::dom::array batch;
  if (!take_string(v[0], m.requestId) || !v[1] || v[1]->get_array().get(batch) != simdjson::SUCCESS) return std::nullopt;
  m.batch.reserve(batch.size());
  for (const element item : batch) {
    object o;
    WireEvent e;
    if (item.get_object().get(o) != simdjson::SUCCESS || !fast_event(o, e)) return std::nullopt;
    m.batch.push_back(std::move(e));
  }
  return m;
}

std::optional<PullRes> fast_pull_res(object root) {
  static constexpr std::array<std::string_view, 3> keys{"batch", "requestId", "remaining"};
  const auto v = pick(root, keys);
  PullRes m;
  simdjson::dom::array batch;
  object request;
  std::string context;
  if (!v[0] || v[0]->get_array().get(batch) != simdjson::SUCCESS || !take_object(v[1], request) ||
      !take_integer(v[2], m.remaining))
    return std::nullopt;
  static constexpr std::array<std::string_view, 2> request_keys{"context", "requestId"};
  const auto r = pick(request, request_keys);
  if (!take_string(r[0], context) || (context != "pull" && context != "push") || !take_string(r[1], m.requestId))
    return std::nullopt;
  m.context = context == "pull" ? Context::pull : Context::push;
  m.batch.reserve(batch.size());
  static constexpr std::array<std::string_view, 2> item_keys{"eventEncoded", "metadata"};
  static constexpr std::array<std::string_view, 2> option_keys{"_tag", "value"};
  static constexpr std::array<std::string_view, 1> value_keys{"createdAt"};
  for (const element item : batch) {
    object o, event, metadata, value;
    if (item.get_object().get(o) != simdjson::SUCCESS) return std::nullopt;
    const auto parts = pick(o, item_keys);
    SyncedEvent e;
    std::string option;
    if (!take_object(parts[0], event) || !fast_event(event, e.event) || !take_object(parts[1], metadata)) return std::nullopt;
    const auto m_parts = pick(metadata, option_keys);
    if (!take_string(m_parts[0], option)) return std::nullopt;
    if (option == "Some") {
      std::string created_at;
      if (!take_object(m_parts[1], value) || !take_string(pick(value, value_keys)[0], created_at)) return std::nullopt;
      e.createdAt = std::move(created_at);
    } else if (option != "None") {
      return std::nullopt;
    }
    m.batch.push_back(std::move(e));
  }
  return m;
}

WireEvent read_event(const Reader& r, const Json& e, const std::string& path, std::optional<std::string> args) {
  if (!e.is_object()) r.fail(path.substr(0, path.size() - 1), "expected an event object, got " + describe(e));
  WireEvent out;
  out.name = r.string(e, "name", path);
  out.args = std::move(args);
  out.seqNum = r.integer(e, "seqNum", path);
  out.parentSeqNum = r.integer(e, "parentSeqNum", path);
  out.clientId = r.string(e, "clientId", path);
  out.sessionId = r.string(e, "sessionId", path);
  return out;
}

Json parse_frame(std::string_view frame, std::string& tag) {
  Json j;
  try {
    j = schema::parse_json(frame);
  } catch (const schema::JsonSyntaxError& e) {
    throw FrameError(std::string("malformed JSON: ") + e.what());
  }
  if (!j.is_object()) throw FrameError("expected a message object, got " + describe(j));
  const auto it = j.find("_tag");
  if (it == j.end()) throw FrameError("missing \"_tag\"");
  if (!it->is_string()) throw FrameError("\"_tag\" must be a string, got " + describe(*it));
  tag = it->get<std::string>();
  return j;
}

}  // namespace

namespace {

// ---- the general path: every message, exact errors -----------------------------------------

std::vector<std::optional<std::string>> raw_args_of(simdjson::ondemand::parser& parser, std::string_view frame,
                                                    std::string_view event_key) {
  const simdjson::padded_string padded(frame);
  return raw_args(parser, padded, event_key);
}

ClientMessage general_client_message(std::string_view frame, simdjson::ondemand::parser& parser) {
  std::string tag;
  const Json j = parse_frame(frame, tag);
  const Reader r(tag);
  if (tag == "WSMessage.PullReq") {
    PullReq m{r.string(j, "requestId"), std::nullopt};
    if (j.contains("cursor")) m.cursor = r.integer(j, "cursor");
    return m;
  }
  if (tag == "WSMessage.PushReq") {
    PushReq m{r.string(j, "requestId"), {}};
    const Json& batch = r.array(j, "batch");
    m.batch.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i)
      m.batch.push_back(read_event(r, batch[i], "batch[" + std::to_string(i) + "].", std::nullopt));
    // Only a well-formed batch gets here; now take each args value's exact text.
    auto args = raw_args_of(parser, frame, "");
    for (size_t i = 0; i < m.batch.size(); ++i) m.batch[i].args = std::move(args.at(i));
    return m;
  }
  if (tag == "WSMessage.Ping") {
    if (r.string(j, "requestId") != "ping") r.fail("requestId", "expected \"ping\"");
    return Ping{};
  }
  if (tag == "WSMessage.AdminResetRoomReq") return AdminResetRoomReq{r.string(j, "requestId"), r.string(j, "adminSecret")};
  if (tag == "WSMessage.AdminInfoReq") return AdminInfoReq{r.string(j, "requestId"), r.string(j, "adminSecret")};
  throw FrameError("unknown message \"_tag\" " + schema::to_js_string(Json(tag)) + " from a client");
}

ServerMessage general_server_message(std::string_view frame, simdjson::ondemand::parser& parser) {
  std::string tag;
  const Json j = parse_frame(frame, tag);
  const Reader r(tag);
  if (tag == "WSMessage.PullRes") {
    PullRes m;
    const Json& batch = r.array(j, "batch");
    for (size_t i = 0; i < batch.size(); ++i) {
      const std::string path = "batch[" + std::to_string(i) + "].";
      if (!batch[i].is_object()) r.fail("batch[" + std::to_string(i) + "]", "expected an object, got " + describe(batch[i]));
      SyncedEvent e{read_event(r, r.object(batch[i], "eventEncoded", path), path + "eventEncoded.", std::nullopt), std::nullopt};
      const Json& metadata = r.object(batch[i], "metadata", path);
      const std::string option = r.string(metadata, "_tag", path + "metadata.");
      if (option == "Some")
        e.createdAt = r.string(r.object(metadata, "value", path + "metadata."), "createdAt", path + "metadata.value.");
      else if (option != "None")
        r.fail(path + "metadata._tag", "expected \"Some\" or \"None\"");
      m.batch.push_back(std::move(e));
    }
    const Json& request = r.object(j, "requestId");
    const std::string context = r.string(request, "context", "requestId.");
    if (context != "pull" && context != "push") r.fail("requestId.context", "expected \"pull\" or \"push\"");
    m.context = context == "pull" ? Context::pull : Context::push;
    m.requestId = r.string(request, "requestId", "requestId.");
    m.remaining = r.integer(j, "remaining");
    auto args = raw_args_of(parser, frame, "eventEncoded");
    for (size_t i = 0; i < m.batch.size(); ++i) m.batch[i].event.args = std::move(args.at(i));
    return m;
  }
  if (tag == "WSMessage.PushAck") return PushAck{r.string(j, "requestId")};
  if (tag == "WSMessage.Error") return Error{r.string(j, "requestId"), r.string(j, "message")};
  if (tag == "WSMessage.Pong") {
    if (r.string(j, "requestId") != "ping") r.fail("requestId", "expected \"ping\"");
    return Pong{};
  }
  if (tag == "WSMessage.AdminResetRoomRes") return AdminResetRoomRes{r.string(j, "requestId")};
  if (tag == "WSMessage.AdminInfoRes")
    return AdminInfoRes{r.string(j, "requestId"), r.string(r.object(j, "info"), "durableObjectId", "info.")};
  throw FrameError("unknown message \"_tag\" " + schema::to_js_string(Json(tag)) + " from a server");
}

}  // namespace

struct FrameDecoder::Impl {
  std::string buffer;  // the frame, followed by the padding simdjson reads past its end
  simdjson::dom::parser dom;
  simdjson::ondemand::parser ondemand;

  // The frame's root object, or nullopt when simdjson does not take it (the general path then
  // words the error) or it has bytes JSON.parse refuses and simdjson would skip.
  std::optional<object> load(std::string_view frame) {
    if (frame.starts_with("\xEF\xBB\xBF") || frame.find('\0') != std::string_view::npos) return std::nullopt;
    buffer.reserve(frame.size() + simdjson::SIMDJSON_PADDING);
    buffer.assign(frame);
    object root;
    if (dom.parse(buffer.data(), buffer.size(), /*realloc_if_needed=*/false).get_object().get(root) != simdjson::SUCCESS)
      return std::nullopt;
    return root;
  }
  // The exact args text of each event of the frame just loaded.
  std::vector<std::optional<std::string>> args(std::string_view event_key) {
    if (const auto found = find_args_text(buffer, event_key)) {
      std::vector<std::optional<std::string>> out;
      out.reserve(found->size());
      for (const auto& text : *found) out.push_back(text ? std::optional<std::string>(*text) : std::nullopt);
      return out;
    }
    // Keys written with escapes: simdjson's on-demand parser reads them as JSON.parse does.
    return raw_args(ondemand, simdjson::padded_string_view(buffer.data(), buffer.size(), buffer.capacity()), event_key);
  }
};

FrameDecoder::FrameDecoder() : impl_(std::make_unique<Impl>()) {}
FrameDecoder::~FrameDecoder() = default;
FrameDecoder::FrameDecoder(FrameDecoder&&) noexcept = default;
FrameDecoder& FrameDecoder::operator=(FrameDecoder&&) noexcept = default;

ClientMessage FrameDecoder::decode_client_message(std::string_view frame) {
  if (const auto root = impl_->load(frame); root && tag_of(*root) == "WSMessage.PushReq")
    if (auto m = fast_push(*root)) {
      auto args = impl_->args("");
      if (args.size() == m->batch.size()) {
        for (size_t i = 0; i < args.size(); ++i) m->batch[i].args = std::move(args[i]);
        return std::move(*m);
      }
    }
  return general_client_message(frame, impl_->ondemand);
}

ServerMessage FrameDecoder::decode_server_message(std::string_view frame) {
  if (const auto root = impl_->load(frame)) {
    const std::string_view tag = tag_of(*root);
    if (tag == "WSMessage.PullRes") {
      if (auto m = fast_pull_res(*root)) {
        auto args = impl_->args("eventEncoded");
        if (args.size() == m->batch.size()) {
          for (size_t i = 0; i < args.size(); ++i) m->batch[i].event.args = std::move(args[i]);
          return std::move(*m);
        }
      }
    } else if (tag == "WSMessage.PushAck") {  // one per push: worth skipping the general parse
      static constexpr std::array<std::string_view, 1> keys{"requestId"};
      if (PushAck ack; take_string(pick(*root, keys)[0], ack.requestId)) return ack;
    }
  }
  return general_server_message(frame, impl_->ondemand);
}

ClientMessage decode_client_message(std::string_view frame) { return FrameDecoder().decode_client_message(frame); }

ServerMessage decode_server_message(std::string_view frame) { return FrameDecoder().decode_server_message(frame); }
}  // namespace runt::protocol
