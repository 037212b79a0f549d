#pragma once
// What the renderer tests share: a UTF-8 locale (display widths come from wcwidth) and readable
// failure messages for Lines.

#include "runt/tui/styled_text.hpp"

#include <gtest/gtest.h>

#include <clocale>
#include <ostream>
#include <string>
#include <vector>

namespace runt::tui {

// gtest would print a Line as bytes; this shows text and style.
inline void PrintTo(const Span& s, std::ostream* os) {
  *os << '"' << s.text << "\"{fg=" << s.style.fg << ",bg=" << s.style.bg << (s.style.bold ? ",b" : "")
      << (s.style.dim ? ",d" : "") << (s.style.italic ? ",i" : "") << (s.style.underline ? ",u" : "")
      << (s.style.reverse ? ",r" : "") << '}';
}
inline void PrintTo(const Line& l, std::ostream* os) {
  *os << '[';
  for (const auto& s : l.spans) PrintTo(s, os), *os << ' ';
  *os << ']';
}

namespace render {

class RenderTest : public testing::Test {
 protected:
  void SetUp() override { std::setlocale(LC_CTYPE, "C.UTF-8"); }
};

inline std::vector<std::string> texts(const Lines& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(l.text());
  return out;
}

// A Line from (text, style) pairs, for exact expectations.
inline Line line(std::initializer_list<Span> spans) {
  Line l;
  for (const auto& s : spans) l.add(s.text, s.style);
  return l;
}

}  // namespace render
}  // namespace runt::tui
