#pragma once
// HTML outputs (text/html without a terminal-friendly sibling) as readable plain text.

#include <string>
#include <string_view>

namespace runt::tui::render {

// The text a browser would show, roughly: tags stripped (script, style and title content
// dropped), block elements (p, div, li, tr, h1–h6, …) and <br> as line breaks (paragraphs and
// headings with a blank line between), table cells joined by " | ", list items as "• ",
// entities decoded, whitespace collapsed except in <pre>. Lines joined by '\n', none empty at
// either end.
std::string html_to_text(std::string_view html);

}  // namespace runt::tui::render
