#include "runt/schema/timestamp.hpp"

#include <gtest/gtest.h>

namespace runt::schema {
namespace {

// Values checked with node: new Date(text).getTime() and .toISOString().
TEST(Timestamp, FormatsLikeToIsoString) {
  EXPECT_EQ(format_iso(Timestamp{0}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso(Timestamp{1731600012401}), "2024-11-14T16:00:12.401Z");
  EXPECT_EQ(format_iso(Timestamp{-1}), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso(Timestamp{951782400000}), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(format_iso(Timestamp{-62198755200000}), "-000001-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso(Timestamp{253402300800000}), "+010000-01-01T00:00:00.000Z");
}

TEST(Timestamp, ParsesTheCanonicalForm) {
  EXPECT_EQ(parse_iso("2024-11-14T16:00:12.401Z"), Timestamp{1731600012401});
  EXPECT_EQ(parse_iso("1969-12-31T23:59:59.999Z"), Timestamp{-1});
  EXPECT_EQ(parse_iso("0000-01-01T00:00:00.000Z"), Timestamp{-62167219200000});
}

TEST(Timestamp, ParsesTheOtherFormsJavaScriptAccepts) {
  EXPECT_EQ(parse_iso("2024-11-14T16:00:12Z"), Timestamp{1731600012000});
  EXPECT_EQ(parse_iso("2024-11-14T16:00Z"), Timestamp{1731600000000});
  EXPECT_EQ(parse_iso("2024-11-14T16:00:12.4019Z"), Timestamp{1731600012401});  // truncated
  EXPECT_EQ(parse_iso("2024-11-14T16:00:12.4Z"), Timestamp{1731600012400});
  EXPECT_EQ(parse_iso("2024-11-14"), Timestamp{1731542400000});
  EXPECT_EQ(parse_iso("2024-11-14T17:00:12.401+01:00"), Timestamp{1731600012401});
  EXPECT_EQ(parse_iso("2024-11-14T11:30:12.401-04:30"), Timestamp{1731600012401});
  EXPECT_EQ(parse_iso("2024-11-14T24:00:00.000Z"), Timestamp{1731628800000});
  EXPECT_EQ(parse_iso("+002024-11-14T16:00:12.401Z"), Timestamp{1731600012401});
  EXPECT_EQ(parse_iso("-000001-01-01T00:00:00.000Z"), Timestamp{-62198755200000});
  // No zone: JavaScript uses the reader's local time zone; a pure decoder reads UTC.
  EXPECT_EQ(parse_iso("2024-11-14T16:00:12.401"), Timestamp{1731600012401});
}

TEST(Timestamp, RejectsInvalidText) {
  for (const char* bad : {"", "2024", "2024-11", "2024-13-01", "2024-02-30", "2023-02-29T00:00Z",
                          "2024-11-14T25:00Z", "2024-11-14T24:00:01Z", "2024-11-14T16:60Z",
                          "2024-11-14T16:00:61Z", "2024-11-14 16:00:00Z", "2024-11-14T16:00:12.Z",
                          "2024-11-14T16:00:12.401+0100", "2024-11-14T16:00:12.401ZZ", "yesterday",
                          "1731600012401", "-000000-01-01T00:00:00.000Z", "+02024-11-14T16:00Z"})
    EXPECT_FALSE(parse_iso(bad).has_value()) << bad;
}

TEST(Timestamp, RoundTripsEveryMillisecondOfADayBoundary) {
  for (std::int64_t ms = 1731542399000; ms < 1731542401000; ++ms)
    ASSERT_EQ(parse_iso(format_iso(Timestamp{ms})), Timestamp{ms});
}

}  // namespace
}  // namespace runt::schema
