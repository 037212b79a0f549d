#include "entities.hpp"

#include "text_layout.hpp"

#include <array>
#include <utility>

namespace runt::tui::render {

namespace {

// The references that turn up in notebook outputs (pandas, IPython.display, hand-written HTML).
constexpr std::array<std::pair<std::string_view, char32_t>, 48> named = {{
    {"amp", '&'},        {"lt", '<'},         {"gt", '>'},         {"quot", '"'},
    {"apos", '\''},      {"nbsp", 0xA0},      {"copy", 0xA9},      {"reg", 0xAE},
    {"trade", 0x2122},   {"hellip", 0x2026},  {"mdash", 0x2014},   {"ndash", 0x2013},
    {"laquo", 0xAB},     {"raquo", 0xBB},     {"lsquo", 0x2018},   {"rsquo", 0x2019},
    {"ldquo", 0x201C},   {"rdquo", 0x201D},   {"bull", 0x2022},    {"middot", 0xB7},
    {"deg", 0xB0},       {"times", 0xD7},     {"divide", 0xF7},    {"plusmn", 0xB1},
    {"euro", 0x20AC},    {"pound", 0xA3},     {"yen", 0xA5},       {"cent", 0xA2},
    {"sect", 0xA7},      {"para", 0xB6},      {"larr", 0x2190},    {"rarr", 0x2192},
    {"uarr", 0x2191},    {"darr", 0x2193},    {"harr", 0x2194},    {"le", 0x2264},
    {"ge", 0x2265},      {"ne", 0x2260},      {"infin", 0x221E},   {"minus", 0x2212},
    {"micro", 0xB5},     {"alpha", 0x3B1},    {"beta", 0x3B2},     {"pi", 0x3C0},
    {"check", 0x2713},   {"iexcl", 0xA1},     {"iquest", 0xBF},    {"hearts", 0x2665},
}};

}  // namespace

std::optional<std::string> decode_entity(std::string_view ref) {
  if (ref.size() < 3 || ref.front() != '&' || ref.back() != ';') return std::nullopt;
  const std::string_view name = ref.substr(1, ref.size() - 2);
  std::string out;
  if (name[0] == '#') {
    const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) return std::nullopt;
    char32_t cp = 0;
    for (const char c : digits) {
      const int d = c >= '0' && c <= '9'             ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;
      if (d < 0) return std::nullopt;
      cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(d);
    }
    append_utf8(out, cp);
    return out;
  }
  for (const auto& [n, cp] : named)
    if (n == name) {
      append_utf8(out, cp);
      return out;
    }
  return std::nullopt;
}

}  // namespace runt::tui::render
