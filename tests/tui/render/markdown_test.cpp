#include "runt/tui/render/markdown.hpp"

#include "render_test_support.hpp"
#include "runt/tui/render/theme.hpp"

namespace runt::tui::render {
namespace {

using Markdown = RenderTest;
using Strings = std::vector<std::string>;

TEST_F(Markdown, HeadingThenParagraphWithEmphasis) {
  const Lines l = render_markdown("# Title\n\nSome *em* text", 80);
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0], line({{"# Title", theme::heading(1)}}));
  EXPECT_EQ(l[1], Line{});
  EXPECT_EQ(l[2], line({{"Some ", {}}, {"em", {.italic = true}}, {" text", {}}}));
  EXPECT_EQ(render_markdown("### Third `code`", 80)[0],
            line({{"### Third ", theme::heading(3)},
                  {"code", {.fg = theme::code_span.fg, .bg = theme::code_span.bg, .bold = true}}}));
}

TEST_F(Markdown, InlineStyles) {
  const Lines l = render_markdown("**b** `c` ~~d~~ ***e***", 80);
  EXPECT_EQ(l, Lines{line({{"b", {.bold = true}},
                           {" ", {}},
                           {"c", theme::code_span},
                           {" ", {}},
                           {"d", {.dim = true}},
                           {" ", {}},
                           {"e", {.bold = true, .italic = true}}})});
}

TEST_F(Markdown, LinksShowTheirUrlWhenItDiffers) {
  const Lines l = render_markdown("[site](https://x.org) and <https://y.org>", 80);
  EXPECT_EQ(l, Lines{line({{"site", theme::link},
                           {" (https://x.org)", theme::muted},
                           {" and ", {}},
                           {"https://y.org", theme::link}})});
}

TEST_F(Markdown, BreaksAndEntities) {
  EXPECT_EQ(texts(render_markdown("a  \nb\nc &copy; &#x41;", 80)), (Strings{"a", "b c © A"}));
}

TEST_F(Markdown, WrapsParagraphsWithWideCharacters) {
  EXPECT_EQ(texts(render_markdown("日本語 日本語 abc", 8)), (Strings{"日本語", "日本語", "abc"}));
  for (const auto& l : render_markdown(std::string(50, 'x') + " y", 10)) EXPECT_LE(display_width(l.text()), 10);
}

TEST_F(Markdown, ListsWithHangingIndents) {
  const Lines l = render_markdown("- one two three four\n- b", 10);
  EXPECT_EQ(texts(l), (Strings{"• one two", "  three", "  four", "• b"}));
  EXPECT_EQ(l[0].spans[0], (Span{"• ", theme::muted}));
  EXPECT_EQ(texts(render_markdown("1. a\n   - b\n     - c\n2. d", 80)), (Strings{"1. a", "   ◦ b", "     ▪ c", "2. d"}));
  EXPECT_EQ(texts(render_markdown("7. x\n8. y", 80)), (Strings{"7. x", "8. y"}));
  EXPECT_EQ(texts(render_markdown("- [x] done\n- [ ] todo", 80)), (Strings{"• [x] done", "• [ ] todo"}));
}

TEST_F(Markdown, LooseListsAndBlocksAreSpacedTightListsNot) {
  EXPECT_EQ(texts(render_markdown("- a\n\n- b", 80)), (Strings{"• a", "", "• b"}));
  EXPECT_EQ(texts(render_markdown("text\n\n- a\n- b\n\nafter", 80)), (Strings{"text", "", "• a", "• b", "", "after"}));
  EXPECT_EQ(texts(render_markdown("- a\n\n  more", 80)), (Strings{"• a", "", "  more"}));
}

TEST_F(Markdown, BlockQuotes) {
  const Lines l = render_markdown("> quoted text here\n>\n> b", 12);
  EXPECT_EQ(texts(l), (Strings{"│ quoted", "│ text here", "│", "│ b"}));
  EXPECT_EQ(l[0].spans[0], (Span{"│ ", theme::muted}));
  EXPECT_EQ(texts(render_markdown("> - a\n> - b", 80)), (Strings{"│ • a", "│ • b"}));
}

TEST_F(Markdown, FencedCodeIsHighlightedOnABackground) {
  const Lines l = render_markdown("```python\nx = 1\nif yy:\n```", 80);
  ASSERT_EQ(l.size(), 2u);
  const Style bg{.bg = theme::code_block_bg};
  Style number = theme::number;
  number.bg = theme::code_block_bg;
  Style keyword = theme::keyword;
  keyword.bg = theme::code_block_bg;
  EXPECT_EQ(l[0], line({{"  ", {}}, {" x = ", bg}, {"1", number}, {"  ", bg}}));  // padded to "if yy:"
  EXPECT_EQ(l[1], line({{"  ", {}}, {" ", bg}, {"if", keyword}, {" yy: ", bg}}));
  EXPECT_EQ(texts(render_markdown("text\n\n    plain\tcode\n\nmore", 80)), (Strings{"text", "", "   plain   code ", "", "more"}));
}

TEST_F(Markdown, RulesAndTables) {
  EXPECT_EQ(texts(render_markdown("a\n\n---\n\nb", 10)), (Strings{"a", "", "──────────", "", "b"}));
  const Lines t = render_markdown("| a | bb |\n|---|--:|\n| ccc | d |\n| e | **f** |", 80);
  EXPECT_EQ(texts(t), (Strings{"a   │ bb", "────┼───", "ccc │  d", "e   │  f"}));
  EXPECT_EQ(t[0].spans[0], (Span{"a", {.bold = true}}));
  EXPECT_EQ(t[3].spans.back(), (Span{"f", {.bold = true}}));
}

TEST_F(Markdown, WideTablesWrapInsideTheirColumns) {
  const Lines t = render_markdown("| name | description |\n|---|---|\n| x | a long description here |", 20);
  for (const auto& l : t) EXPECT_LE(display_width(l.text()), 20) << l.text();
  EXPECT_GT(t.size(), 3u);
}

TEST_F(Markdown, RawHtmlBlocksAsText) {
  EXPECT_EQ(texts(render_markdown("<div>\n<b>hi</b> there\n</div>\n\nok", 80)), (Strings{"hi there", "", "ok"}));
}

}  // namespace
}  // namespace runt::tui::render
