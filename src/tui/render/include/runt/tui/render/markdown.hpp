#pragma once
// Markdown cells and text/markdown outputs, laid out for the terminal (GitHub-flavoured, md4c).

#include "runt/tui/styled_text.hpp"

#include <string_view>

namespace runt::tui::render {

// `markdown` wrapped to `width` columns (at least 8): headings bold and coloured after their
// "#" marker, emphasis italic, strong bold, strikethrough dim (curses has no strikethrough),
// code spans on a dark background, links underlined with their URL after them when it differs
// from the text, lists with markers and hanging indents (nested, tasks as [x]), block quotes
// behind "│ ", fenced code indented on a dark background (python and sql highlighted), rules,
// tables as aligned columns. Blocks are separated by one empty line (none inside tight lists).
Lines render_markdown(std::string_view markdown, int width);

}  // namespace runt::tui::render
