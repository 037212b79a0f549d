#include "runt/tui/render/ansi.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace runt::tui::render {

namespace {

// One column's worth of a line: a code point (with any combining marks after it) in a style.
struct Cell {
  std::string text;
  Style style;
  int width;
};

// Applies the SGR parameters `params` ("1;31", "38;5;208", "" = reset) to `style`.
void apply_sgr(std::string_view params, Style& style) {
  std::vector<int> p;
  int value = 0;
  for (std::size_t i = 0; i <= params.size(); ++i) {
    if (i == params.size() || params[i] == ';' || params[i] == ':') {
      p.push_back(value);
      value = 0;
    } else if (params[i] >= '0' && params[i] <= '9') {
      value = std::min(value * 10 + (params[i] - '0'), 100000);
    }
  }
  // An extended colour (38/48): 5;n or 2;r;g;b after it; returns the colour and advances `i`.
  const auto extended = [&](std::size_t& i) -> std::int16_t {
    if (i + 2 < p.size() && p[i + 1] == 5) {
      i += 2;
      return static_cast<std::int16_t>(std::clamp(p[i], 0, 255));
    }
    if (i + 4 < p.size() && p[i + 1] == 2) {
      const auto c = [&](std::size_t k) { return static_cast<std::uint8_t>(std::clamp(p[k], 0, 255)); };
      const std::int16_t colour = nearest_xterm256(c(i + 2), c(i + 3), c(i + 4));
      i += 4;
      return colour;
    }
    i = p.size();  // malformed: ignore the rest, as terminals do
    return -1;
  };
  for (std::size_t i = 0; i < p.size(); ++i) {
    const int n = p[i];
    if (n == 0) style = Style{};
    else if (n == 1) style.bold = true;
    else if (n == 2) style.dim = true;
    else if (n == 3) style.italic = true;
    else if (n == 4) style.underline = true;
    else if (n == 7) style.reverse = true;
    else if (n == 22) style.bold = style.dim = false;
    else if (n == 23) style.italic = false;
    else if (n == 24) style.underline = false;
    else if (n == 27) style.reverse = false;
    else if (n >= 30 && n <= 37) style.fg = static_cast<std::int16_t>(n - 30);
    else if (n == 38) style.fg = extended(i);
    else if (n == 39) style.fg = -1;
    else if (n >= 40 && n <= 47) style.bg = static_cast<std::int16_t>(n - 40);
    else if (n == 48) style.bg = extended(i);
    else if (n == 49) style.bg = -1;
    else if (n >= 90 && n <= 97) style.fg = static_cast<std::int16_t>(n - 90 + 8);
    else if (n >= 100 && n <= 107) style.bg = static_cast<std::int16_t>(n - 100 + 8);
  }
}

// The end of the escape sequence starting at `at` (an ESC), handing SGR parameters to `sgr`.
template <typename Sgr>
std::size_t skip_escape(std::string_view s, std::size_t at, Sgr sgr) {
  std::size_t i = at + 1;
  if (i >= s.size()) return i;
  if (s[i] == '[') {  // CSI: parameters and intermediates, then a final byte in @–~
    std::size_t end = i + 1;
    while (end < s.size() && !(s[end] >= '@' && s[end] <= '~')) ++end;
    if (end < s.size() && s[end] == 'm') sgr(s.substr(i + 1, end - i - 1));
    return std::min(end + 1, s.size());
  }
  if (s[i] == ']' || s[i] == 'P' || s[i] == '_' || s[i] == '^') {  // OSC/DCS/…: to BEL or ESC '\'
    for (std::size_t end = i + 1; end < s.size(); ++end) {
      if (s[end] == '\a') return end + 1;
      if (s[end] == '\x1b' && end + 1 < s.size() && s[end + 1] == '\\') return end + 2;
    }
    return s.size();
  }
  return i + 1;  // a two-byte escape (ESC 7, ESC =, …)
}

std::size_t code_point_length(unsigned char lead) {
  return lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF8 ? 4 : 1;
}

}  // namespace

Lines render_ansi(std::string_view text, int width) {
  Lines out;
  std::vector<Cell> line;
  std::size_t cursor = 0;  // a cell index: '\r' sets it to 0 and later text overwrites
  Style style;
  const auto put = [&](std::string t, int w) {
    if (w == 0 && cursor > 0) {  // a combining mark joins the character before it
      line[cursor - 1].text += t;
      return;
    }
    Cell cell{std::move(t), style, w};
    if (cursor < line.size()) line[cursor] = std::move(cell);
    else line.push_back(std::move(cell));
    ++cursor;
  };
  const auto end_line = [&] {
    Line l;
    for (const auto& c : line) l.add(c.text, c.style);
    for (auto& w : wrap(l, width)) out.push_back(std::move(w));
    line.clear();
    cursor = 0;
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0x1b) {
      i = skip_escape(text, i, [&](std::string_view params) { apply_sgr(params, style); });
    } else if (byte == '\n') {
      end_line();
      ++i;
    } else if (byte == '\r') {
      cursor = 0;
      ++i;
    } else if (byte == '\t') {
      int column = 0;
      for (std::size_t c = 0; c < cursor; ++c) column += line[c].width;
      for (int pad = 8 - column % 8; pad > 0; --pad) put(" ", 1);
      ++i;
    } else if (byte < 0x20 || byte == 0x7f) {
      ++i;  // '\b', BEL and the other controls: nothing sensible to draw
    } else {
      const std::size_t n = std::min(code_point_length(byte), text.size() - i);
      std::string cp(text.substr(i, n));
      const int w = display_width(cp);
      put(std::move(cp), w);
      i += n;
    }
  }
  if (!line.empty()) end_line();
  return out;
}

}  // namespace runt::tui::render
