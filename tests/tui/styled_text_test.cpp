#include "runt/tui/styled_text.hpp"

#include <gtest/gtest.h>

#include <clocale>

namespace runt::tui {
namespace {

class StyledText : public testing::Test {
 protected:
  void SetUp() override { std::setlocale(LC_CTYPE, "C.UTF-8"); }  // wcwidth needs a UTF-8 locale
};

TEST_F(StyledText, MeasuresColumnsNotBytes) {
  EXPECT_EQ(display_width("abc"), 3);
  EXPECT_EQ(display_width("héllo ✓"), 7);
  EXPECT_EQ(display_width("日本"), 4);
  EXPECT_EQ(display_width("e\xcc\x81"), 1);  // e + combining acute
  EXPECT_EQ(display_width("\xff"), 1);       // a stray byte
}

TEST_F(StyledText, WrapsAtSpacesAndNeverSplitsAWideCharacter) {
  Line l;
  Style bold;
  bold.bold = true;
  l.add("hello ").add("brave", bold).add(" new world");
  const Lines w = wrap(l, 11);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].text(), "hello brave");
  EXPECT_EQ(w[0].spans[1].style, bold);
  EXPECT_EQ(w[1].text(), "new world");
  Line wide;
  wide.add("日本語です");
  const Lines ww = wrap(wide, 5);
  ASSERT_EQ(ww.size(), 3u);
  EXPECT_EQ(ww[0].text(), "日本");
  EXPECT_EQ(display_width(ww[0].text()), 4);
  Line word;
  word.add(std::string(25, 'x'));
  EXPECT_EQ(wrap(word, 10).size(), 3u);
  EXPECT_EQ(wrap(Line{}, 10).size(), 1u);
}

TEST_F(StyledText, MapsRgbToTheNearestXtermColour) {
  EXPECT_EQ(nearest_xterm256(0, 0, 0), 16);
  EXPECT_EQ(nearest_xterm256(255, 255, 255), 231);
  EXPECT_EQ(nearest_xterm256(255, 0, 0), 196);
  EXPECT_EQ(nearest_xterm256(128, 128, 128), 244);
}

}  // namespace
}  // namespace runt::tui
