#pragma once
// The exact JSON codec of anode events: the encoded form of the original Effect schema.
//
// Decoding validates like the TypeScript decoder (types, literal unions, required keys, `null`
// rejected for optional keys, unknown keys dropped) and is stricter where the anode state
// tables are: fields landing in STRICT integer columns must be integral. Encoding emits keys in
// schema declaration order and omits absent optional keys, so `to_js_string(encode_event(e))`
// is byte-identical to `JSON.stringify` of the TypeScript client's event.

#include "runt/schema/events.hpp"
#include "runt/schema/json.hpp"

#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace runt::schema {

// A known event with invalid args, or a malformed event object. `what()` names the event and
// the field, e.g. `v1.ExecutionRequested: field "executionCount": expected an integer, got 1.5`.
class DecodeError : public std::invalid_argument {
 public:
  DecodeError(std::string event_name, std::string field_path, const std::string& problem);
  const std::string& event_name() const noexcept { return event_name_; }
  // Dotted path inside args (`content.data`, `cellsInfo[1].queueId`); empty for the envelope.
  const std::string& field_path() const noexcept { return field_path_; }

 private:
  std::string event_name_;
  std::string field_path_;
};

// `args == nullptr` means the event had no `args` key.
Event decode_event(std::string_view name, const Json* args);
// `{"name": ..., "args": ...}`; other keys are ignored.
Event decode_event(const Json& name_and_args);
// `{name, args, seqNum, parentSeqNum, clientId, sessionId}` (LiveStore's global encoded event).
LoggedEvent decode_logged_event(const Json& encoded);

// Decodes events straight from JSON text, several times faster than parse_json + decode (it
// parses with simdjson and reuses its buffers between calls). Accepts and rejects exactly what
// parse_json + decode do: malformed text throws JsonSyntaxError, invalid args DecodeError.
// One decoder per thread.
class EventDecoder {
 public:
  EventDecoder();
  ~EventDecoder();
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  Event decode_event(std::string_view json_text);
  // The event `name` whose args arrived as `args_text` (exact JSON text; nullopt: no `args`
  // key), decoded as decode_event decodes `{"name": name, "args": args}`: how a server checks
  // the events it is pushed, whose args it keeps as text.
  Event decode_event(std::string_view name, std::optional<std::string_view> args_text);
  LoggedEvent decode_logged_event(std::string_view json_text);
  // decode_logged_event without decoding the args: `event` is events::Unknown{name, args}
  // whatever the name, so only a malformed envelope throws. For readers that skip the events
  // whose args do not decode and still need their place in the log.
  LoggedEvent decode_logged_envelope(std::string_view json_text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string_view event_name(const Event& event);
// The encoded args; nullopt when the event carries none (Schema.Void, or an unknown event
// that arrived without `args`).
std::optional<Json> encode_args(const Event& event);
// to_js_string of encode_args, written without building the Json value (what a client commits).
std::optional<std::string> encode_args_text(const Event& event);
// `{"name", "args"}`, args omitted when there are none.
Json encode_event(const Event& event);
Json encode_logged_event(const LoggedEvent& logged);
// `{mime: MediaRepresentation}` as events carry it (state and tools reuse the event encoding).
Json encode_representations(const Representations& representations);

bool is_known_event_name(std::string_view name);
// All 47 names in schema declaration order.
std::span<const std::string_view> known_event_names();

}  // namespace runt::schema
