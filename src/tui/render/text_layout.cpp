#include "text_layout.hpp"

#include <algorithm>

namespace runt::tui::render {

void LineBuilder::add(std::string_view text, Style style) {
  std::size_t start = 0;
  const auto flush = [&](std::size_t end) {
    const std::string_view chunk = text.substr(start, end - start);
    lines_.back().add(chunk, style);
    column_ += display_width(chunk);
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != 0x7F) continue;
    flush(i);
    start = i + 1;
    if (byte == '\n') {
      newline();
    } else if (byte == '\t') {
      const int pad = tab_width_ - column_ % tab_width_;
      lines_.back().add(std::string(static_cast<std::size_t>(pad), ' '), style);
      column_ += pad;
    }
  }
  flush(text.size());
}

void LineBuilder::newline() {
  lines_.emplace_back();
  column_ = 0;
}

Lines wrap_with_prefix(const Line& content, int width, const Line& first, const Line& rest) {
  const int prefix_width = std::max(display_width(first.text()), display_width(rest.text()));
  Lines out = wrap(content, std::max(1, width - prefix_width));
  for (std::size_t i = 0; i < out.size(); ++i) {
    Line l = i == 0 ? first : rest;
    append(l, out[i]);
    out[i] = std::move(l);
  }
  return out;
}

void append(Line& line, const Line& more) {
  for (const auto& span : more.spans) line.add(span.text, span.style);
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0) cp = 0xFFFD;
  const auto put = [&](char32_t v) { out.push_back(static_cast<char>(v)); };
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0 | (cp >> 6));
    put(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    put(0xE0 | (cp >> 12));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  } else {
    put(0xF0 | (cp >> 18));
    put(0x80 | ((cp >> 12) & 0x3F));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  }
}

}  // namespace runt::tui::render
