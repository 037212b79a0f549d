#pragma once
// The renderers' colours in one place, so source, markdown and JSON agree on what a string or a
// number looks like. xterm-256 indices chosen to read on dark and light backgrounds alike.

#include "runt/tui/styled_text.hpp"

namespace runt::tui::render::theme {

inline constexpr Style plain{};
inline constexpr Style keyword{.fg = 170};
inline constexpr Style builtin{.fg = 37};
inline constexpr Style string{.fg = 107};
inline constexpr Style number{.fg = 173};
inline constexpr Style comment{.fg = 244, .italic = true};
inline constexpr Style decorator{.fg = 179};
inline constexpr Style constant{.fg = 170};  // true/false/null, True/False/None
inline constexpr Style key{.fg = 75};
inline constexpr Style muted{.fg = 244};     // list markers, quote bars, rules, URLs
inline constexpr Style link{.fg = 75, .underline = true};
inline constexpr Style code_span{.fg = 180, .bg = 236};
inline constexpr std::int16_t code_block_bg = 235;

// Headings are bold, coloured by level so a level-1 title stands out from a level-3 one.
inline constexpr Style heading(int level) {
  constexpr std::int16_t colours[] = {75, 114, 179, 180, 146, 146};
  return Style{.fg = colours[level < 1 ? 0 : level > 6 ? 5 : level - 1], .bold = true};
}

}  // namespace runt::tui::render::theme
