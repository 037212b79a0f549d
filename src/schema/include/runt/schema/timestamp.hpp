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

// Accepts the forms a JavaScript client's `new Date(text)` accepts for ISO text:
// date-only (`2024-11-14`, read as UTC), with or without seconds and fraction (extra fraction
// digits are truncated to milliseconds), and a `Z` or `±hh:mm` zone. A date-time without a zone
// is read as UTC (JavaScript would use the reader's local time; a pure function cannot).
// Years outside 0000–9999 use the expanded `±YYYYYY` form. Returns nullopt for anything else.
std::optional<Timestamp> parse_iso(std::string_view text);

}  // namespace runt::schema
