#include "runt/tui/styled_text.hpp"

#include <cwchar>
#include <algorithm>
#include <cstdlib>

namespace runt::tui {

namespace {

// The next code point of `text` at `at` (advancing it), or -1 for a byte that starts none.
long next_code_point(std::string_view text, std::size_t& at) {
  const auto byte = static_cast<unsigned char>(text[at]);
  int extra = byte < 0x80 ? 0 : (byte >> 5) == 0x6 ? 1 : (byte >> 4) == 0xE ? 2 : (byte >> 3) == 0x1E ? 3 : -1;
  if (extra < 0 || at + static_cast<std::size_t>(extra) >= text.size() + (extra == 0 ? 1 : 0)) {
    ++at;
    return -1;
  }
  long cp = extra == 0 ? byte : byte & (0x3F >> extra);
  for (int i = 1; i <= extra; ++i) {
    const auto cont = static_cast<unsigned char>(text[at + static_cast<std::size_t>(i)]);
    if ((cont >> 6) != 0x2) {
      ++at;
      return -1;
    }
    cp = (cp << 6) | (cont & 0x3F);
  }
  at += static_cast<std::size_t>(extra) + 1;
  return cp;
}

int code_point_width(long cp) {
  if (cp < 0) return 1;
  const int w = ::wcwidth(static_cast<wchar_t>(cp));
  return w < 0 ? 1 : w;
}

}  // namespace

Line& Line::add(std::string_view text, Style style) {
  if (text.empty()) return *this;
  if (!spans.empty() && spans.back().style == style) spans.back().text += text;
  else spans.push_back(Span{std::string(text), style});
  return *this;
}

std::string Line::text() const {
  std::string out;
  for (const auto& s : spans) out += s.text;
  return out;
}

int display_width(std::string_view text) {
  int width = 0;
  for (std::size_t at = 0; at < text.size();) width += code_point_width(next_code_point(text, at));
  return width;
}

Lines wrap(const Line& line, int width) {
  Lines out(1);
  if (width <= 0) {
    out[0] = line;
    return out;
  }
  // Character by character, remembering the last space to break at.
  struct Piece {
    std::string text;
    Style style;
    int width;
  };
  std::vector<Piece> current;
  int used = 0;
  const auto emit = [&](std::size_t count) {
    Line l;
    for (std::size_t i = 0; i < count; ++i) l.add(current[i].text, current[i].style);
    out.back() = std::move(l);
    out.emplace_back();
    current.erase(current.begin(), current.begin() + static_cast<std::ptrdiff_t>(count));
    while (!current.empty() && current.front().text == " ") current.erase(current.begin());
    used = 0;
    for (const auto& p : current) used += p.width;
  };
  for (const auto& span : line.spans) {
    for (std::size_t at = 0; at < span.text.size();) {
      const std::size_t start = at;
      const int w = code_point_width(next_code_point(span.text, at));
      if (used + w > width && !current.empty() && span.text[start] == ' ') {
        emit(current.size());  // the line ends just before this space
        continue;
      }
      if (used + w > width && !current.empty()) {
        std::size_t space = current.size();
        for (std::size_t i = current.size(); i-- > 0;)
          if (current[i].text == " ") {
            space = i;
            break;
          }
        emit(space == current.size() || space == 0 ? current.size() : space);
      }
      current.push_back(Piece{span.text.substr(start, at - start), span.style, w});
      used += w;
    }
  }
  Line last;
  for (const auto& p : current) last.add(p.text, p.style);
  out.back() = std::move(last);
  return out;
}

std::int16_t nearest_xterm256(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  // The 6×6×6 cube (16–231) and the grey ramp (232–255), whichever is closer.
  static constexpr int levels[6] = {0, 95, 135, 175, 215, 255};
  const auto level = [](int v) {
    int best = 0;
    for (int i = 1; i < 6; ++i)
      if (std::abs(levels[i] - v) < std::abs(levels[best] - v)) best = i;
    return best;
  };
  const int ri = level(r), gi = level(g), bi = level(b);
  const auto dist = [&](int cr, int cg, int cb) { return (cr - r) * (cr - r) + (cg - g) * (cg - g) + (cb - b) * (cb - b); };
  const int cube = dist(levels[ri], levels[gi], levels[bi]);
  const int grey_index = std::min(23, std::max(0, ((r + g + b) / 3 - 8) / 10));
  const int grey_value = 8 + grey_index * 10;
  const int grey = dist(grey_value, grey_value, grey_value);
  return static_cast<std::int16_t>(grey < cube ? 232 + grey_index : 16 + 36 * ri + 6 * gi + bi);
}

}  // namespace runt::tui
