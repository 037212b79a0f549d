#pragma once
// Syntax highlighting of cell sources (code and SQL cells, fenced code in markdown).

#include "runt/tui/styled_text.hpp"

#include <string_view>

namespace runt::tui::render {

// One Line per source line ("" gives one empty line, a trailing newline a last empty line), tabs
// expanded to 4-column stops, never wrapped (the editor needs line i to be source line i).
// "python" (also "py", "python3", "ipython") and "sql" are highlighted; any other language is
// plain.
Lines highlight_source(std::string_view source, std::string_view language);

}  // namespace runt::tui::render
