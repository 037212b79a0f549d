// The shared basics: random ids (shape and alphabet; two draws differ), the clock, and the
// server address forms runt accepts.

#include "runt/base/clock.hpp"
#include "runt/base/endpoint.hpp"
#include "runt/base/ids.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace runt::base {
namespace {

TEST(Ids, RandomStringsUseOnlyTheirAlphabetAndDiffer) {
  const std::string id = random_string("ab", 64);
  EXPECT_EQ(id.size(), 64u);
  EXPECT_EQ(id.find_first_not_of("ab"), std::string::npos);
  EXPECT_NE(id.find('a'), std::string::npos);  // 2^-64 to fail by chance
  EXPECT_NE(id.find('b'), std::string::npos);
  EXPECT_TRUE(std::regex_match(random_hex(48), std::regex("[0-9a-f]{48}")));
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(random_hex(12));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Ids, UuidsAreVersion4InTheirTextForm) {
  const std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(std::regex_match(new_uuid(), v4));
  EXPECT_NE(new_uuid(), new_uuid());
}

TEST(Clock, NowIsMillisecondsSinceTheEpoch) {
  const std::int64_t now = now_ms();
  EXPECT_GT(now, 1'700'000'000'000);  // after 2023
  EXPECT_LT(now, 4'102'444'800'000);  // before 2100
}

TEST(Endpoint, ParsesSyncAndRestUrls) {
  const Endpoint e = parse_endpoint("ws://127.0.0.1:8787/livestore/");
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, "8787");
  EXPECT_EQ(e.path, "/livestore");
  EXPECT_EQ(parse_endpoint("http://example.org").port, "80");
  EXPECT_THROW(parse_endpoint("wss://example.org/livestore"), std::invalid_argument);
  EXPECT_THROW(parse_endpoint("ws://:80/x"), std::invalid_argument);
  EXPECT_EQ(http_base_of("ws://127.0.0.1:8787/livestore"), "http://127.0.0.1:8787");
  EXPECT_EQ(sync_url_of("http://127.0.0.1:8787/"), "ws://127.0.0.1:8787/livestore");
  EXPECT_EQ(sync_url_of("ws://127.0.0.1:8787/livestore"), "ws://127.0.0.1:8787/livestore");
}

}  // namespace
}  // namespace runt::base
