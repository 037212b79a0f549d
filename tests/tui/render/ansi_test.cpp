#include "runt/tui/render/ansi.hpp"

#include "render_test_support.hpp"

namespace runt::tui::render {
namespace {

using Ansi = RenderTest;
using Strings = std::vector<std::string>;

TEST_F(Ansi, ColoursAndReset) {
  EXPECT_EQ(render_ansi("\x1b[31mred\x1b[0m ok", 80), Lines{line({{"red", {.fg = 1}}, {" ok", {}}})});
  EXPECT_EQ(render_ansi("\x1b[41;97mX\x1b[mY", 80), Lines{line({{"X", {.fg = 15, .bg = 1}}, {"Y", {}}})});
  EXPECT_EQ(render_ansi("\x1b[101;39mZ\x1b[49mW", 80), Lines{line({{"Z", {.bg = 9}}, {"W", {}}})});
}

TEST_F(Ansi, ExtendedColours) {
  const Lines l = render_ansi("\x1b[38;5;208mA\x1b[48;2;255;0;0mB", 80);
  EXPECT_EQ(l, Lines{line({{"A", {.fg = 208}}, {"B", {.fg = 208, .bg = 196}}})});
  EXPECT_EQ(render_ansi("\x1b[38;2;255mC", 80), Lines{line({{"C", {}}})});  // malformed: ignored
}

TEST_F(Ansi, Attributes) {
  const Lines l = render_ansi("\x1b[1;2;3;4;7mA\x1b[22;23mB\x1b[24;27mC", 80);
  EXPECT_EQ(l, Lines{line({{"A", {.bold = true, .dim = true, .italic = true, .underline = true, .reverse = true}},
                           {"B", {.underline = true, .reverse = true}},
                           {"C", {}}})});
}

TEST_F(Ansi, StyleCarriesAcrossLines) {
  EXPECT_EQ(render_ansi("\x1b[32ma\nb\x1b[0m", 80), (Lines{line({{"a", {.fg = 2}}}), line({{"b", {.fg = 2}}})}));
}

TEST_F(Ansi, CarriageReturnOverwritesAsJupyterDoes) {
  EXPECT_EQ(texts(render_ansi("progress 10%\rprogress 100%\n", 80)), Strings{"progress 100%"});
  EXPECT_EQ(texts(render_ansi("abcdef\rXY", 80)), Strings{"XYcdef"});
  EXPECT_EQ(texts(render_ansi("a\r\nb", 80)), (Strings{"a", "b"}));
  const Lines l = render_ansi("abc\r\x1b[31mX", 80);
  EXPECT_EQ(l, Lines{line({{"X", {.fg = 1}}, {"bc", {}}})});
}

TEST_F(Ansi, ControlsAndOtherEscapesDropped) {
  EXPECT_EQ(texts(render_ansi("a\bb\x07" "c", 80)), Strings{"abc"});
  EXPECT_EQ(texts(render_ansi("\x1b]0;title\x07hi\x1b[2K\x1b]8;;http://x\x1b\\there\x1b[?25l\x1b=", 80)), Strings{"hithere"});
  EXPECT_EQ(texts(render_ansi("cut\x1b[3", 80)), Strings{"cut"});
}

TEST_F(Ansi, TabsToEightColumnStops) {
  EXPECT_EQ(texts(render_ansi("a\tb\nabcdefgh\tc", 80)), (Strings{"a       b", "abcdefgh        c"}));
}

TEST_F(Ansi, LinesAndWrapping) {
  EXPECT_EQ(texts(render_ansi("", 80)), Strings{});
  EXPECT_EQ(texts(render_ansi("x\n", 80)), Strings{"x"});
  EXPECT_EQ(texts(render_ansi("a\n\nb", 80)), (Strings{"a", "", "b"}));
  EXPECT_EQ(texts(render_ansi("abc def", 4)), (Strings{"abc", "def"}));
  const Lines wide = render_ansi("日本語です", 5);  // never half a wide character
  EXPECT_EQ(texts(wide), (Strings{"日本", "語で", "す"}));
  const Lines traceback = render_ansi("\x1b[0;31mValueError\x1b[0m: bad", 8);
  EXPECT_EQ(traceback, (Lines{line({{"ValueErr", {.fg = 1}}}), line({{"or", {.fg = 1}}, {": bad", {}}})}));
}

}  // namespace
}  // namespace runt::tui::render
