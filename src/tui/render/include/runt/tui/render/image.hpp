#pragma once
// Image outputs as coloured block characters (libchafa), for any terminal with 256 colours.
// Sixel and the kitty graphics protocol would show real pixels but need the terminal layer to
// write raw escapes around curses; out of scope for now.

#include "runt/tui/render/png.hpp"
#include "runt/tui/styled_text.hpp"

#include <string_view>

namespace runt::tui::render {

// `png_bytes` drawn in at most `max_columns` × `max_rows` cells with block, half-block and
// quadrant symbols, each cell's fg/bg an xterm-256 colour (16–255: the terminal's own 16 vary),
// aspect ratio kept for cells twice as tall as wide, never scaled up past one pixel per cell
// column. Throws std::invalid_argument when `png_bytes` is no valid PNG.
Lines render_image(std::string_view png_bytes, int max_columns, int max_rows);

}  // namespace runt::tui::render
