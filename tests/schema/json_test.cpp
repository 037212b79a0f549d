#include "runt/schema/json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace runt::schema {
namespace {

// Expected strings are what node's `String(x)` / `JSON.stringify(x)` print.
TEST(JsNumber, MatchesNumberToString) {
  EXPECT_EQ(js_number(0), "0");
  EXPECT_EQ(js_number(-0.0), "0");
  EXPECT_EQ(js_number(1), "1");
  EXPECT_EQ(js_number(-1), "-1");
  EXPECT_EQ(js_number(0.7), "0.7");
  EXPECT_EQ(js_number(1.5), "1.5");
  EXPECT_EQ(js_number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(js_number(100), "100");
  EXPECT_EQ(js_number(1e20), "100000000000000000000");
  EXPECT_EQ(js_number(1e21), "1e+21");
  EXPECT_EQ(js_number(1.5e21), "1.5e+21");
  EXPECT_EQ(js_number(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(js_number(0.000001), "0.000001");
  EXPECT_EQ(js_number(1e-7), "1e-7");
  EXPECT_EQ(js_number(1.25e-7), "1.25e-7");
  EXPECT_EQ(js_number(-2.5e-10), "-2.5e-10");
  EXPECT_EQ(js_number(5e-324), "5e-324");
  EXPECT_EQ(js_number(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(js_number(1731600012345.0), "1731600012345");
  EXPECT_EQ(js_number(std::pow(2.0, 60)), "1152921504606847000");
  EXPECT_EQ(js_number(std::numeric_limits<double>::quiet_NaN()), "null");
}

TEST(ToJsString, NumbersAsJavaScriptPrintsThem) {
  EXPECT_EQ(to_js_string(parse_json("[1.0, 2.50, 1e21, 1E-7, -0, 12345678901234567890, 9007199254740993]")),
            "[1,2.5,1e+21,1e-7,0,12345678901234567000,9007199254740992]");
}

TEST(ToJsString, EscapesLikeJsonStringify) {
  const Json s = std::string("q\"b\\ \b\f\n\r\t \x01\x1f \x7f é ✓ \u2028");
  EXPECT_EQ(to_js_string(s), "\"q\\\"b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f \x7f é ✓ \u2028\"");
}

TEST(ToJsString, EscapesEveryByteWhereverItFallsInALongRun) {
  // Plain runs are scanned a word at a time: each byte that needs attention, at each offset.
  const auto expected = [](unsigned char c) -> std::string {
    switch (c) {
      case '"': return "\\\"";
      case '\\': return "\\\\";
      case '\n': return "\\n";
      case 0x01: return "\\u0001";
      case 0x1f: return "\\u001f";
      case 0xff: return "\xEF\xBF\xBD";  // not UTF-8
      default: return std::string(1, static_cast<char>(c));
    }
  };
  for (const unsigned char c : {'"', '\\', '\n', '\x01', '\x1f', '\x7f', '\x20', '\xff'})
    for (size_t at = 0; at < 20; ++at) {
      std::string text(20, 'a');
      text[at] = static_cast<char>(c);
      std::string want = "\"" + std::string(at, 'a') + expected(c) + std::string(19 - at, 'a') + "\"";
      std::string got;
      append_quoted_js_string(got, text);
      EXPECT_EQ(got, want) << int(c) << " at " << at;
    }
  std::string got;
  append_quoted_js_string(got, "abcdefgh\xC3\xA9" "abcdefgh\xE2\x9C\x93" "ijklmnopq");  // UTF-8 passes whole
  EXPECT_EQ(got, "\"abcdefgh\xC3\xA9" "abcdefgh\xE2\x9C\x93" "ijklmnopq\"");
}

TEST(ToJsString, KeepsKeyOrder) {
  EXPECT_EQ(to_js_string(parse_json(R"({"z":1,"a":{"y":null,"b":true},"m":[]})")),
            R"({"z":1,"a":{"y":null,"b":true},"m":[]})");
}

TEST(ToJsString, DuplicateKeysKeepTheLastValueAtTheFirstPosition) {
  // JSON.parse('{"a":1,"b":2,"a":3}') is {a: 3, b: 2}.
  EXPECT_EQ(to_js_string(parse_json(R"({"a":1,"b":2,"a":3})")), R"({"a":3,"b":2})");
}

TEST(ToJsString, IndentMatchesJsonStringifyWithSpaces) {
  const Json v = parse_json(R"({"a":[1,{"b":[]}],"c":{},"d":"x"})");
  EXPECT_EQ(to_js_string(v, 2),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {},\n  \"d\": \"x\"\n}");
}

TEST(ParseJson, RejectsMalformedTextWithAMessage) {
  EXPECT_THROW(parse_json("{\"a\":"), std::invalid_argument);
  EXPECT_THROW(parse_json("{'a':1}"), std::invalid_argument);
  EXPECT_THROW(parse_json("\"\xff\""), std::invalid_argument);  // not UTF-8
}

}  // namespace
}  // namespace runt::schema
