#include "args_text.hpp"

#include <bit>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace runt::protocol {

namespace {

// A cursor over valid JSON: it does not check what it skips.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool at(char c) {
    skip_space();
    return p_ < end_ && *p_ == c;
  }
  bool take(char c) {
    if (!at(c)) return false;
    ++p_;
    return true;
  }
  // An object member's key and the colon after it; false for a key with escapes.
  bool key(std::string_view& key) {
    if (!at('"')) return false;
    const char* start = p_ + 1;
    if (skip_string()) return false;
    key = std::string_view(start, static_cast<size_t>(p_ - 1 - start));
    return take(':');
  }
  // The text of the value here, without the space around it.
  std::string_view value() {
    skip_space();
    const char* start = p_;
    skip_value();
    return std::string_view(start, static_cast<size_t>(p_ - start));
  }
  // After a member or element: true when another follows, false at the closing bracket.
  bool next(char close) {
    if (take(',')) return true;
    take(close);
    return false;
  }

 private:
  static bool space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
  void skip_space() {
    while (p_ < end_ && space(*p_)) ++p_;
  }
  // The first quote or backslash at or after `p`: sixteen bytes at a time with SSE2 (part of
  // x86-64 itself, so no dispatch is needed).
  const char* quote_or_backslash(const char* p) const {
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    for (; end_ - p >= 16; p += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      if (const int hit = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash))))
        return p + std::countr_zero(static_cast<unsigned>(hit));
    }
#endif
    while (p < end_ && *p != '"' && *p != '\\') ++p;
    return p;
  }
  // From the opening quote to just past the closing one; true when the string has escapes.
  bool skip_string() {
    bool escaped = false;
    const char* q = p_ + 1;
    for (;;) {
      q = quote_or_backslash(q);
      if (q >= end_) {
        p_ = end_;
        return escaped;
      }
      if (*q == '"') break;
      escaped = true;
      q += 2;  // the escaped byte cannot end the string
    }
    p_ = q + 1;
    return escaped;
  }
  void skip_value() {
    if (p_ == end_) return;
    if (*p_ == '"') {
      skip_string();
      return;
    }
    if (*p_ != '{' && *p_ != '[') {  // a number, true, false or null
      while (p_ < end_ && *p_ != ',' && *p_ != '}' && *p_ != ']' && !space(*p_)) ++p_;
      return;
    }
    int depth = 0;
    while (p_ < end_) {
      switch (*p_) {
        case '"': skip_string(); continue;
        case '{':
        case '[': ++depth; break;
        case '}':
        case ']':
          if (--depth == 0) {
            ++p_;
            return;
          }
          break;
        default: break;
      }
      ++p_;
    }
  }

  const char* p_;
  const char* end_;
};

// An event object's last "args" (the cursor is at its opening brace).
bool args_of(Cursor& c, std::optional<std::string_view>& args) {
  if (!c.take('{')) return false;
  if (c.take('}')) return true;
  do {
    std::string_view key;
    if (!c.key(key)) return false;
    const std::string_view value = c.value();
    if (key == "args") args = value;
  } while (c.next('}'));
  return true;
}

}  // namespace

std::optional<std::vector<std::optional<std::string_view>>> find_args_text(std::string_view frame, std::string_view event_key) {
  Cursor c(frame);
  std::vector<std::optional<std::string_view>> found;
  if (!c.take('{')) return std::nullopt;
  if (c.take('}')) return found;
  do {
    std::string_view key;
    if (!c.key(key)) return std::nullopt;
    if (key != "batch") {
      c.value();
      continue;
    }
    found.clear();
    if (!c.take('[')) return std::nullopt;
    if (c.take(']')) continue;
    do {
      std::optional<std::string_view> args;
      if (event_key.empty()) {
        if (!args_of(c, args)) return std::nullopt;
      } else {
        if (!c.take('{')) return std::nullopt;
        if (!c.at('}')) {
          do {
            std::string_view member;
            if (!c.key(member)) return std::nullopt;
            if (member != event_key) {
              c.value();
              continue;
            }
            args.reset();
            if (!args_of(c, args)) return std::nullopt;
          } while (c.next('}'));
        } else {
          c.take('}');
        }
      }
      found.push_back(args);
    } while (c.next(']'));
  } while (c.next('}'));
  return found;
}

}  // namespace runt::protocol
