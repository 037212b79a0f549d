// The server's request-target rules (url.hpp): what a LiveStore client's sync URL, a REST query
// and an HTML form body decode to, and what is refused.

#include "runt/serve/url.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace runt::serve {
namespace {

TEST(Url, PercentDecodingWithAndWithoutPlusAsSpace) {
  EXPECT_EQ(percent_decode("a%20b+c%2Bd", true), "a b c+d");
  EXPECT_EQ(percent_decode("a%20b+c%2Bd", false), "a b+c+d");
  EXPECT_EQ(percent_decode("%E2%9C%93%00", false), std::string("\xE2\x9C\x93\0", 4));
  for (const char* bad : {"%", "%2", "%zz", "a%g1"}) EXPECT_THROW(percent_decode(bad, false), std::invalid_argument) << bad;
}

TEST(Url, TheSyncPayloadIsDecodedTwiceAsLiveStoreEncodesIt) {
  // encodeURIComponent('{"authToken":"a b+c"}'), then URLSearchParams.
  const std::string once = "%7B%22authToken%22%3A%22a%20b%2Bc%22%7D";
  std::string twice;
  for (const char c : once) twice += c == '%' ? std::string("%25") : std::string(1, c);
  EXPECT_EQ(decode_payload_parameter(twice), R"({"authToken":"a b+c"})");
}

TEST(Url, QueryKeysAreDecodedValuesKeptAsSentFirstRepeatWins) {
  const auto q = parse_query("/livestore?storeId=nb-1&payload=%257B%257D&a+b=1&storeId=second&flag&&x=");
  EXPECT_EQ(q.at("storeId"), "nb-1");
  EXPECT_EQ(q.at("payload"), "%257B%257D");  // each user decodes its own value
  EXPECT_EQ(q.at("a b"), "1");
  EXPECT_EQ(q.at("flag"), "");
  EXPECT_EQ(q.at("x"), "");
  EXPECT_EQ(q.size(), 5u);
  EXPECT_TRUE(parse_query("/api/notebooks").empty());
  EXPECT_TRUE(parse_query("/api/notebooks?").empty());
  EXPECT_THROW(parse_query("/x?a%zz=1"), std::invalid_argument);
  EXPECT_EQ(parse_query("/x?a=%zz").at("a"), "%zz");  // refused by whoever decodes it
  EXPECT_EQ(target_path("/api/notebooks/nb/events?after=3"), "/api/notebooks/nb/events");
}

TEST(Url, FormBodiesDecodeNamesAndValues) {
  const auto form = parse_form("token=runt_abc%2Fdef+ghi&next=%2Fnotebooks%3Fa%3D1&next=%2Fother");
  EXPECT_EQ(form.at("token"), "runt_abc/def ghi");
  EXPECT_EQ(form.at("next"), "/notebooks?a=1");
  EXPECT_TRUE(parse_form("").empty());
  EXPECT_THROW(parse_form("token=%G0"), std::invalid_argument);
}

}  // namespace
}  // namespace runt::serve
