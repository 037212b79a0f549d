#pragma once
// `Schema.Date` values: an instant with millisecond precision, encoded as
// `Date.prototype.toISOString()` text (`2024-11-14T16:00:12.401Z`).

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runt::schema {

struct Timestamp {
  std::int64_t ms_since_epoch = 0;  // UTC, like JavaScript's Date value
  auto operator<=>(const Timestamp&) const = default;
};

// Canonical form: `YYYY-MM-DDTHH:mm:ss.sssZ`, always three fraction digits.
std::string format_iso(Timestamp t);

// Accepts ECMAScript's date-time string format, the text a JavaScript client's `new Date(text)`
// reads as ISO: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (read as UTC), optionally followed by
// `THH:mm`, `:ss` and a fraction (digits beyond milliseconds are truncated) and a `Z` or
// `±hh:mm` zone; years outside 0000–9999 as `±YYYYYY`; within ±8.64e15 ms of the epoch.
// A date-time without a zone is read as UTC (JavaScript would use the reader's local time; a
// pure function cannot). Days 01–31 roll over as in V8 (`2023-02-29` is March 1st). The other
// strings V8's legacy parser guesses at (`2024-11-14 16:00`, `+0100` offsets, lowercase `t`,
// `2024-1-14`) return nullopt, as does anything else.
std::optional<Timestamp> parse_iso(std::string_view text);

}  // namespace runt::schema
