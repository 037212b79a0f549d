#pragma once
// Terminal output (stdout, stderr, tracebacks) as a terminal would show it.

#include "runt/tui/styled_text.hpp"

#include <string_view>

namespace runt::tui::render {

// `text` with its SGR colours and attributes (16, 256 and truecolor through nearest_xterm256),
// other escape sequences dropped, '\r' returning to the line's start so what follows overwrites
// it (progress bars, as Jupyter shows them), '\b' ignored, tabs to 8-column stops, each line
// wrapped to `width`. A final newline adds no empty line; "" gives no lines.
Lines render_ansi(std::string_view text, int width);

}  // namespace runt::tui::render
