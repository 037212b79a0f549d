#include "runt/tui/render/html_text.hpp"

#include <gtest/gtest.h>

namespace runt::tui::render {
namespace {

TEST(HtmlToText, ParagraphsAndInlineTags) {
  EXPECT_EQ(html_to_text("<p>Hello <b>world</b></p><p>Second</p>"), "Hello world\n\nSecond");
  EXPECT_EQ(html_to_text("<div>one</div><div>two</div><span>three</span>"), "one\ntwo\nthree");
  EXPECT_EQ(html_to_text("<h1>Title</h1>text"), "Title\n\ntext");
}

TEST(HtmlToText, WhitespaceCollapsesOutsidePre) {
  EXPECT_EQ(html_to_text("  a \n\t b  "), "a b");
  EXPECT_EQ(html_to_text("<pre>\n  x\n    y</pre>after"), "  x\n    y\n\nafter");
}

TEST(HtmlToText, ScriptStyleAndCommentsDropped) {
  EXPECT_EQ(html_to_text("<style>p{color:red}</style><SCRIPT>if (a<b) x()</script>ok<!-- no -->!"), "ok!");
  EXPECT_EQ(html_to_text("<title>t</title><a href=\"x>y\">link</a>"), "link");
}

TEST(HtmlToText, TablesRowsAndCells) {
  const std::string frame =
      "<div><style scoped>.dataframe {}</style><table border=\"1\" class=\"dataframe\">\n"
      "<thead>\n<tr style=\"text-align: right;\">\n<th></th>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n"
      "<tbody>\n<tr>\n<th>0</th>\n<td>1</td>\n<td>x y</td>\n</tr>\n</tbody>\n</table>\n</div>";
  EXPECT_EQ(html_to_text(frame), " | a | b\n0 | 1 | x y");
}

TEST(HtmlToText, BreaksAndListItems) {
  EXPECT_EQ(html_to_text("a<br>b<br/><br>c<ul><li>one</li><li>two</li></ul>"), "a\nb\n\nc\n• one\n• two");
}

TEST(HtmlToText, Entities) {
  EXPECT_EQ(html_to_text("&lt;tag&gt; &amp; &#65;&#x42; &mdash; &unknown; &nbsp;x"), "<tag> & AB — &unknown;  x");
  EXPECT_EQ(html_to_text("&#0;&#xD800;&#x1F600;"), "\uFFFD\uFFFD\U0001F600");
  EXPECT_EQ(html_to_text("1 < 2 & 3 > 2"), "1 < 2 & 3 > 2");
}

}  // namespace
}  // namespace runt::tui::render
