#pragma once
// The checks a push must pass before anything is written: stricter than sync-cf 0.3.1, which
// checks only the first parent and acknowledges before writing.

#include "runt/protocol/frames.hpp"
#include "runt/schema/codec.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace runt::sync {

inline constexpr size_t kMaxPushBatch = 50;

// Notebook ids are the store ids of the log, kept exactly (not sanitized into table names).
bool is_valid_store_id(std::string_view store_id);

// nullopt when `batch` may be appended to a log whose head is `head`; otherwise the error text
// for the client. A wrong first parent gets sync-cf's exact message (clients parse it). (An
// empty push appends nothing: the Hub acknowledges it before any check, as sync-cf does.)
std::optional<std::string> check_push(std::span<const protocol::WireEvent> batch, std::int64_t head);

// Throws schema::DecodeError, naming the event and the field, unless every anode client can
// apply `event`: its args, when present, are a JSON object (or null, how sync-cf stores
// Schema.Void's absent args), and a known name's args decode with the schema codec (extra keys
// are ignored, as Effect Schema does). Unknown names pass as they are: newer clients may know
// them. `decoder` is reused between calls.
void check_event(const protocol::WireEvent& event, schema::EventDecoder& decoder);

// check_event for each event of `batch`: nullopt, or the error text for the client, which
// names the event's index and name and the field.
std::optional<std::string> check_events(std::span<const protocol::WireEvent> batch, schema::EventDecoder& decoder);

}  // namespace runt::sync
