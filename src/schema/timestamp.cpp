#include "runt/schema/timestamp.hpp"

#include <cstdio>

namespace runt::schema {

namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;
// ECMAScript time values span ±100,000,000 days around the epoch.
constexpr std::int64_t kMaxTimeValue = 8'640'000'000'000'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm, 64-bit).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = floor_div(y, 400);
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month, day;
};
Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = floor_div(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

// Reads exactly `n` ASCII digits at `pos`; advances `pos`.
std::optional<int> digits(std::string_view s, size_t& pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool take(std::string_view s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::string format_iso(Timestamp t) {
  const std::int64_t day = floor_div(t.ms_since_epoch, kMsPerDay);
  const std::int64_t ms_of_day = t.ms_since_epoch - day * kMsPerDay;
  const Civil c = civil_from_days(day);
  char year[24];
  // toISOString writes years outside 0000–9999 in the expanded six-digit form.
  if (c.year < 0 || c.year > 9999)
    std::snprintf(year, sizeof year, "%+07lld", static_cast<long long>(c.year));
  else
    std::snprintf(year, sizeof year, "%04lld", static_cast<long long>(c.year));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s-%02u-%02uT%02d:%02d:%02d.%03dZ", year, c.month, c.day,
                static_cast<int>(ms_of_day / 3'600'000), static_cast<int>(ms_of_day / 60'000 % 60),
                static_cast<int>(ms_of_day / 1000 % 60), static_cast<int>(ms_of_day % 1000));
  return buf;
}

std::optional<Timestamp> parse_iso(std::string_view s) {
  // ECMAScript's date-time string format: YYYY[-MM[-DD]] with an optional THH:mm[:ss[.sss]]
  // and zone, years also as ±YYYYYY.
  size_t pos = 0;
  std::int64_t year = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    const int sign = s[0] == '-' ? -1 : 1;
    pos = 1;
    const auto y = digits(s, pos, 6);
    if (!y || (sign < 0 && *y == 0)) return std::nullopt;
    year = sign * static_cast<std::int64_t>(*y);
  } else {
    const auto y = digits(s, pos, 4);
    if (!y) return std::nullopt;
    year = *y;
  }
  unsigned month = 1, day = 1;
  if (take(s, pos, '-')) {
    const auto m = digits(s, pos, 2);
    if (!m || *m < 1 || *m > 12) return std::nullopt;
    month = static_cast<unsigned>(*m);
    if (take(s, pos, '-')) {
      const auto d = digits(s, pos, 2);
      // V8 takes any day 01–31 and rolls it over (2023-02-29 is March 1st); so do we.
      if (!d || *d < 1 || *d > 31) return std::nullopt;
      day = static_cast<unsigned>(*d);
    }
  }

  int hh = 0, mm = 0, ss = 0, ms = 0, offset_min = 0;
  if (pos < s.size()) {
    if (!take(s, pos, 'T')) return std::nullopt;
    const auto h = digits(s, pos, 2);
    if (!h || !take(s, pos, ':')) return std::nullopt;
    const auto m = digits(s, pos, 2);
    if (!m) return std::nullopt;
    hh = *h;
    mm = *m;
    if (take(s, pos, ':')) {
      const auto sec = digits(s, pos, 2);
      if (!sec) return std::nullopt;
      ss = *sec;
      if (take(s, pos, '.')) {
        size_t n = 0;
        int scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          if (n < 3) ms += (s[pos] - '0') * scale;  // further digits are truncated, as in JavaScript
          scale /= 10;
          ++n;
          ++pos;
        }
        if (n == 0) return std::nullopt;
      }
    }
    // 24:00:00.000 is the end of the day in ISO 8601 and JavaScript accepts it.
    const bool end_of_day = hh == 24 && mm == 0 && ss == 0 && ms == 0;
    if ((hh > 23 && !end_of_day) || mm > 59 || ss > 59) return std::nullopt;
    if (take(s, pos, 'Z')) {
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      const int sign = s[pos] == '+' ? 1 : -1;
      ++pos;
      const auto oh = digits(s, pos, 2);
      if (!oh || !take(s, pos, ':')) return std::nullopt;
      const auto om = digits(s, pos, 2);
      if (!om || *oh > 23 || *om > 59) return std::nullopt;
      offset_min = sign * (*oh * 60 + *om);
    }
  }
  if (pos != s.size()) return std::nullopt;

  const std::int64_t value = days_from_civil(year, month, day) * kMsPerDay + hh * 3'600'000LL +
                             mm * 60'000LL + ss * 1000LL + ms - offset_min * 60'000LL;
  if (value < -kMaxTimeValue || value > kMaxTimeValue) return std::nullopt;  // an Invalid Date
  return Timestamp{value};
}

}  // namespace runt::schema
