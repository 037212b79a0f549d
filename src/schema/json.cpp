#include "runt/schema/json.hpp"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace runt::schema {

void check_json_bytes(std::string_view text) {
  // Both parsers tolerate these; JSON.parse does not.
  if (text.starts_with("\xEF\xBB\xBF")) throw JsonSyntaxError("JSON text starts with a byte order mark");
  if (text.find('\0') != std::string_view::npos) throw JsonSyntaxError("JSON text contains a NUL byte");
}

void dedupe_keys(Json::object_t& map) {
  // JSON.parse keeps one entry per key: at the first key's position, with the last value.
  // (ordered_map's operator[] looks keys up; index the underlying vector instead.)
  using Items = Json::object_t::Container;
  Items& object = map;
  const auto has_duplicates = [&] {
    if (object.size() <= 16) {
      for (size_t i = 0; i < object.size(); ++i)
        for (size_t j = 0; j < i; ++j)
          if (object[i].first == object[j].first) return true;
      return false;
    }
    std::unordered_set<std::string_view> seen;
    for (const auto& [key, value] : object)
      if (!seen.insert(key).second) return true;
    return false;
  };
  if (!has_duplicates()) return;
  Items unique;
  std::unordered_map<std::string_view, size_t> position;
  for (auto& [key, value] : object) {
    const auto [it, fresh] = position.emplace(key, unique.size());
    if (fresh)
      unique.emplace_back(key, std::move(value));
    else
      unique[it->second].second = std::move(value);
  }
  object.swap(unique);
}

namespace {

// Builds ordered values from nlohmann's SAX events. Unlike nlohmann's own ordered parser it
// appends object members without a per-key search (linear, not quadratic, in an object's
// width) and it refuses nesting deeper than kMaxJsonDepth.
class OrderedBuilder {
 public:
  bool null() { return add(Json()); }
  bool boolean(bool v) { return add(Json(v)); }
  bool number_integer(Json::number_integer_t v) { return add(Json(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return add(Json(v)); }
  bool number_float(Json::number_float_t v, const Json::string_t&) { return add(Json(v)); }
  bool string(Json::string_t& v) { return add(Json(std::move(v))); }
  bool binary(Json::binary_t&) { return false; }
  bool start_object(std::size_t) { return open(Json::object()); }
  bool key(Json::string_t& k) {
    key_ = std::move(k);
    return true;
  }
  bool end_object() {
    dedupe_keys(stack_.back()->get_ref<Json::object_t&>());
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) { return open(Json::array()); }
  bool end_array() {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    throw JsonSyntaxError(e.what());
  }

  Json take() { return std::move(root_); }

 private:
  Json* place(Json&& value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& parent = *stack_.back();
    if (parent.is_array()) {
      auto& array = parent.get_ref<Json::array_t&>();
      array.push_back(std::move(value));
      return &array.back();
    }
    append_new_member(parent, std::move(key_), std::move(value));  // repeats merged at end_object
    return &parent.get_ref<Json::object_t&>().back().second;
  }
  bool add(Json&& value) {
    place(std::move(value));
    return true;
  }
  bool open(Json&& container) {
    if (stack_.size() >= static_cast<size_t>(kMaxJsonDepth))
      throw JsonSyntaxError("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    stack_.push_back(place(std::move(container)));
    return true;
  }

  Json root_;
  std::vector<Json*> stack_;  // open containers; only the innermost one grows
  std::string key_;
};

}  // namespace

Json parse_json(std::string_view text) {
  check_json_bytes(text);
  OrderedBuilder builder;
  try {
    Json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const Json::exception& e) {  // out-of-range numbers and other parser refusals
    throw JsonSyntaxError(e.what());
  }
  return builder.take();
}

std::string js_number(double value) {
  if (value == 0) return "0";  // also -0, which JSON.stringify prints as 0
  if (!std::isfinite(value)) return "null";

  // Shortest round-trip digits in scientific form: "d.ddde[+-]x".
  std::array<char, 40> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value,
                                 std::chars_format::scientific);
  if (ec != std::errc()) throw std::logic_error("js_number: to_chars failed");
  std::string_view sci(buf.data(), static_cast<size_t>(end - buf.data()));

  std::string out;
  if (sci.front() == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  const auto e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos))
    if (c != '.') digits.push_back(c);
  int exponent = 0;
  std::from_chars(sci.data() + e_pos + 1 + (sci[e_pos + 1] == '+' ? 1 : 0),
                  sci.data() + sci.size(), exponent);

  // ECMA-262 Number::toString: k digits, decimal exponent n (value = 0.digits × 10^n).
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<size_t>(n));
    out.push_back('.');
    out += digits.substr(static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out += digits.substr(1);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;

// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629: no overlongs, no
// surrogates, nothing past U+10FFFF), or 0.
size_t utf8_sequence(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto continuation = [&](size_t i, unsigned char low = 0x80, unsigned char high = 0xbf) {
    return i < s.size() && byte(i) >= low && byte(i) <= high;
  };
  const unsigned char c = byte(0);
  if (c >= 0xc2 && c <= 0xdf) return continuation(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const bool second = c == 0xe0 ? continuation(1, 0xa0) : c == 0xed ? continuation(1, 0x80, 0x9f) : continuation(1);
    return second && continuation(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const bool second = c == 0xf0 ? continuation(1, 0x90) : c == 0xf4 ? continuation(1, 0x80, 0x8f) : continuation(1);
    return second && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

// Strings from the JSON parser are valid UTF-8, but text the server composes (an error quoting
// a client's bytes, cut mid-character) may not be: a byte that starts no well-formed sequence
// becomes U+FFFD, so every text frame is valid UTF-8 (a WebSocket client must fail the
// connection otherwise).
// Where the run of ASCII that needs no escape starting at `i` ends: sixteen bytes at a time with
// SSE2 (part of x86-64 itself). A signed compare below 0x20 also catches the bytes above 0x7f.
size_t plain_run_end(std::string_view s, size_t i) {
  const auto plain = [](unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; };
#ifdef __SSE2__
  const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i special = _mm_or_si128(_mm_cmplt_epi8(x, space), _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)));
    if (const int hit = _mm_movemask_epi8(special)) return i + static_cast<size_t>(std::countr_zero(static_cast<unsigned>(hit)));
  }
#endif
  while (i < s.size() && plain(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

void append_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  // Runs that need no escape (nearly everything) are copied whole.
  size_t i = 0;
  while (i < s.size()) {
    size_t run = i;
    for (;;) {
      run = plain_run_end(s, run);
      if (run == s.size() || static_cast<unsigned char>(s[run]) < 0x80) break;
      const size_t length = utf8_sequence(s.substr(run));
      if (length == 0) break;
      run += length;
    }
    out.append(s.data() + i, run - i);
    if (run == s.size()) break;
    i = run + 1;
    const auto c = static_cast<unsigned char>(s[run]);
    if (c >= 0x80) {
      out += "\xEF\xBF\xBD";  // U+FFFD, written as JSON.stringify writes it
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
  }
  out.push_back('"');
}

}  // namespace

void append_quoted_js_string(std::string& out, std::string_view text) { append_escaped(out, text); }

namespace {

void append_value(std::string& out, const Json& value, int indent, int depth);

void newline(std::string& out, int indent, int depth) {
  if (indent == 0) return;
  out.push_back('\n');
  out.append(static_cast<size_t>(indent * depth), ' ');
}

void append_value(std::string& out, const Json& value, int indent, int depth) {
  switch (value.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded: out += "null"; break;
    case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; break;
    case Json::value_t::number_integer: {
      const auto v = value.get<std::int64_t>();
      // JavaScript holds every number as a double: beyond 2^53 it prints the double's digits.
      if (std::fabs(static_cast<double>(v)) > kMaxSafeInteger)
        out += js_number(static_cast<double>(v));
      else
        out += std::to_string(v);
      break;
    }
    case Json::value_t::number_unsigned: {
      const auto v = value.get<std::uint64_t>();
      if (static_cast<double>(v) > kMaxSafeInteger)
        out += js_number(static_cast<double>(v));
      else
        out += std::to_string(v);
      break;
    }
    case Json::value_t::number_float: out += js_number(value.get<double>()); break;
    case Json::value_t::string: append_escaped(out, value.get_ref<const std::string&>()); break;
    case Json::value_t::binary: throw std::invalid_argument("binary values have no JSON form");
    case Json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& element : value) {
        if (!first) out.push_back(',');
        first = false;
        newline(out, indent, depth + 1);
        append_value(out, element, indent, depth + 1);
      }
      if (!first) newline(out, indent, depth);
      out.push_back(']');
      break;
    }
    case Json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, element] : value.items()) {
        if (!first) out.push_back(',');
        first = false;
        newline(out, indent, depth + 1);
        append_escaped(out, key);
        out.push_back(':');
        if (indent > 0) out.push_back(' ');
        append_value(out, element, indent, depth + 1);
      }
      if (!first) newline(out, indent, depth);
      out.push_back('}');
      break;
    }
  }
}

}  // namespace

void append_js_string(std::string& out, const Json& value, int indent) {
  append_value(out, value, indent, 0);
}

std::string to_js_string(const Json& value, int indent) {
  std::string out;
  append_js_string(out, value, indent);
  return out;
}

}  // namespace runt::schema
