#include "runt/tui/render/highlight.hpp"

#include "render_test_support.hpp"
#include "runt/tui/render/theme.hpp"

namespace runt::tui::render {
namespace {

using Highlight = RenderTest;
using Strings = std::vector<std::string>;

TEST_F(Highlight, PythonNumbersAndComments) {
  const Lines l = highlight_source("x = 1.5e-3  # note", "python");
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0], line({{"x = ", {}}, {"1.5e-3", theme::number}, {"  ", {}}, {"# note", theme::comment}}));
}

TEST_F(Highlight, PythonKeywordsBuiltinsAndAttributes) {
  const Lines l = highlight_source("def f(s):\n    return len(s) + obj.len", "python");
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0], line({{"def", theme::keyword}, {" f(s):", {}}}));
  EXPECT_EQ(l[1], line({{"    ", {}}, {"return", theme::keyword}, {" ", {}}, {"len", theme::builtin}, {"(s) + obj.len", {}}}));
  EXPECT_EQ(highlight_source("None", "py")[0], line({{"None", theme::constant}}));
}

TEST_F(Highlight, TripleQuotedStringsSpanLines) {
  const Lines l = highlight_source("s = \"\"\"a # no comment\nb\"\"\"\nx", "python");
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0], line({{"s = ", {}}, {"\"\"\"a # no comment", theme::string}}));
  EXPECT_EQ(l[1], line({{"b\"\"\"", theme::string}}));
  EXPECT_EQ(l[2], line({{"x", {}}}));
}

TEST_F(Highlight, FStringFieldsAreCode) {
  const Lines l = highlight_source("f'hi {len(x)}! {{not}}' 'a\\'b'", "python");
  EXPECT_EQ(l[0], line({{"f'hi {", theme::string},
                        {"len", theme::builtin},
                        {"(x)", {}},
                        {"}! {{not}}'", theme::string},
                        {" ", {}},
                        {"'a\\'b'", theme::string}}));
}

TEST_F(Highlight, DecoratorsOnlyAtTheStartOfALine) {
  const Lines l = highlight_source("  @app.route\nc = a @ b", "python");
  EXPECT_EQ(l[0], line({{"  ", {}}, {"@app.route", theme::decorator}}));
  EXPECT_EQ(l[1], line({{"c = a @ b", {}}}));
}

TEST_F(Highlight, OneLinePerSourceLineTabsExpanded) {
  EXPECT_EQ(texts(highlight_source("\tx\nab\tc\n", "python")), (Strings{"    x", "ab  c", ""}));
  EXPECT_EQ(texts(highlight_source("", "python")), Strings{""});
  EXPECT_EQ(texts(highlight_source("a\r\nb", "sql")), (Strings{"a", "b"}));
}

TEST_F(Highlight, Sql) {
  const Lines l = highlight_source("SELECT 'it''s', count(*) -- c\nfrom t where n = 42 /* x\ny */", "SQL");
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0], line({{"SELECT", theme::keyword},
                        {" ", {}},
                        {"'it''s'", theme::string},
                        {", ", {}},
                        {"count", theme::builtin},
                        {"(*) ", {}},
                        {"-- c", theme::comment}}));
  EXPECT_EQ(l[1], line({{"from", theme::keyword}, {" t ", {}}, {"where", theme::keyword}, {" n = ", {}},
                        {"42", theme::number}, {" ", {}}, {"/* x", theme::comment}}));
  EXPECT_EQ(l[2], line({{"y */", theme::comment}}));
}

TEST_F(Highlight, OtherLanguagesArePlain) {
  EXPECT_EQ(highlight_source("def x # y", "r"), Lines{line({{"def x # y", {}}})});
}

}  // namespace
}  // namespace runt::tui::render
