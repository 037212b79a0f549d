#include "runt/tui/render/json_view.hpp"

#include "render_test_support.hpp"
#include "runt/tui/render/theme.hpp"

namespace runt::tui::render {
namespace {

using Json = RenderTest;

std::string joined(const Lines& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l.text();
  return out;
}

TEST_F(Json, LaidOutAsDumpTwo) {
  const auto v = nlohmann::json::parse(R"({"b": [true, null, "s", 1.5, []], "a": {"x": {}}, "n": -3})");
  EXPECT_EQ(joined(render_json(v, 80)), v.dump(2));
  EXPECT_EQ(joined(render_json(nlohmann::json::array(), 80)), "[]");
  EXPECT_EQ(joined(render_json(42, 80)), "42");
}

TEST_F(Json, ColoursByKind) {
  const auto v = nlohmann::json::parse(R"({"a": 1, "b": ["s", false]})");
  const Lines l = render_json(v, 80);
  ASSERT_EQ(l.size(), 7u);
  EXPECT_EQ(l[0], line({{"{", {}}}));
  EXPECT_EQ(l[1], line({{"  ", {}}, {"\"a\"", theme::key}, {": ", {}}, {"1", theme::number}, {",", {}}}));
  EXPECT_EQ(l[2], line({{"  ", {}}, {"\"b\"", theme::key}, {": [", {}}}));
  EXPECT_EQ(l[3], line({{"    ", {}}, {"\"s\"", theme::string}, {",", {}}}));
  EXPECT_EQ(l[4], line({{"    ", {}}, {"false", theme::constant}}));
}

TEST_F(Json, LongLinesContinueUnderTheirIndentation) {
  const auto v = nlohmann::json::parse(R"({"k": "aaaa bbbb cccc dddd eeee ffff"})");
  const Lines l = render_json(v, 20);
  ASSERT_GT(l.size(), 3u);
  EXPECT_EQ(l[1].text(), "  \"k\": \"aaaa bbbb");
  for (std::size_t i = 1; i + 1 < l.size(); ++i) EXPECT_LE(display_width(l[i].text()), 20) << l[i].text();
  for (std::size_t i = 2; i + 1 < l.size(); ++i) EXPECT_EQ(l[i].text().substr(0, 4), "    ") << l[i].text();
  EXPECT_EQ(l.back().text(), "}");
}

TEST_F(Json, InvalidUtf8IsReplacedNotThrown) {
  const nlohmann::json v = std::string("a\xff");
  EXPECT_EQ(joined(render_json(v, 80)), "\"a\xef\xbf\xbd\"");
}

}  // namespace
}  // namespace runt::tui::render
