#pragma once
// Helpers the renderers share (internal to runt_tui_render): building Lines from text with
// newlines and tabs, wrapping under a prefix, UTF-8 encoding.

#include "runt/tui/styled_text.hpp"

#include <string>
#include <string_view>

namespace runt::tui::render {

// Lines from text that may hold newlines and tabs, because spans must hold neither: '\n' starts a
// line, a tab pads to the next multiple of `tab_width` columns, '\r' and other control characters
// are dropped.
class LineBuilder {
 public:
  explicit LineBuilder(int tab_width) : tab_width_(tab_width) {}
  void add(std::string_view text, Style style = {});
  void newline();
  Lines take() { return std::move(lines_); }  // at least one line

 private:
  int tab_width_;
  Lines lines_{1};
  int column_ = 0;
};

// `content` wrapped to what is left of `width` after the prefix, `first` before its first line and
// `rest` before the others (hanging indents, quote bars). At least one column is always left.
Lines wrap_with_prefix(const Line& content, int width, const Line& first, const Line& rest);

// `line` followed by `more`'s spans (styles kept).
void append(Line& line, const Line& more);

void append_utf8(std::string& out, char32_t code_point);  // U+FFFD for what is no scalar value

}  // namespace runt::tui::render
