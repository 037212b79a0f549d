#pragma once
// Text as the terminal UI draws it: lines of spans, each span UTF-8 text in one style. Every
// renderer (source, markdown, outputs, images) produces Lines; the view model arranges them;
// only the terminal layer turns them into curses calls, so all of it is testable without a
// terminal.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace runt::tui {

// Colours are xterm-256 indices (0–15 the terminal's own ANSI colours); -1 is the default.
struct Style {
  std::int16_t fg = -1;
  std::int16_t bg = -1;
  bool bold = false;
  bool dim = false;
  bool italic = false;
  bool underline = false;
  bool reverse = false;
  bool operator==(const Style&) const = default;
};

struct Span {
  std::string text;  // UTF-8, no control characters (renderers turn tabs into spaces)
  Style style;
  bool operator==(const Span&) const = default;
};

struct Line {
  std::vector<Span> spans;
  bool operator==(const Line&) const = default;
  // Appends, merging with the last span when the style is the same.
  Line& add(std::string_view text, Style style = {});
  std::string text() const;  // the spans' text, unstyled
};

using Lines = std::vector<Line>;

// Columns `text` takes on a terminal (wcwidth per code point: wide CJK and emoji count 2,
// combining marks 0). Invalid UTF-8 bytes count 1 each.
int display_width(std::string_view text);

// `line` cut into lines of at most `width` columns (at spaces when a word fits, else anywhere;
// a wide character never split); an empty line stays one empty line.
Lines wrap(const Line& line, int width);

// The nearest xterm-256 colour to an RGB value (for truecolor ANSI and images).
std::int16_t nearest_xterm256(std::uint8_t r, std::uint8_t g, std::uint8_t b);

}  // namespace runt::tui
