#include "runt/schema/timestamp.hpp"

#include <chrono>
#include <cstdio>

namespace runt::schema {

namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
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
  using namespace std::chrono;
  const std::int64_t day = floor_div(t.ms_since_epoch, kMsPerDay);
  const std::int64_t ms_of_day = t.ms_since_epoch - day * kMsPerDay;
  const year_month_day ymd{sys_days{days{day}}};
  char buf[48];
  const int y = static_cast<int>(ymd.year());
  // toISOString writes years outside 0000–9999 in the expanded six-digit form.
  const char* year_format = (y < 0 || y > 9999) ? "%+07d" : "%04d";
  char year_text[16];
  std::snprintf(year_text, sizeof year_text, year_format, y);
  std::snprintf(buf, sizeof buf, "%s-%02u-%02uT%02d:%02d:%02d.%03dZ", year_text,
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(ms_of_day / 3'600'000), static_cast<int>(ms_of_day / 60'000 % 60),
                static_cast<int>(ms_of_day / 1000 % 60), static_cast<int>(ms_of_day % 1000));
  return buf;
}

std::optional<Timestamp> parse_iso(std::string_view s) {
  using namespace std::chrono;
  size_t pos = 0;
  // Four-digit years, or the expanded form toISOString writes outside 0000–9999 (±YYYYYY).
  std::optional<int> y;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    const int sign = s[0] == '-' ? -1 : 1;
    pos = 1;
    y = digits(s, pos, 6);
    if (!y || (sign < 0 && *y == 0)) return std::nullopt;
    *y *= sign;
  } else {
    y = digits(s, pos, 4);
  }
  if (!y || !take(s, pos, '-')) return std::nullopt;
  const auto mo = digits(s, pos, 2);
  if (!mo || !take(s, pos, '-')) return std::nullopt;
  const auto d = digits(s, pos, 2);
  if (!d) return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                           day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;

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
          if (n < 3) ms += (s[pos] - '0') * scale;
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

  const std::int64_t day_count = sys_days{ymd}.time_since_epoch().count();
  const std::int64_t value = day_count * kMsPerDay + hh * 3'600'000LL + mm * 60'000LL +
                             ss * 1000LL + ms - offset_min * 60'000LL;
  return Timestamp{value};
}

}  // namespace runt::schema
