#include "runt/schema/timestamp.hpp"

#include <gtest/gtest.h>

namespace runt::schema {
namespace {

// Every expected value here was printed by node 20 (TZ=UTC): new Date(text).getTime() and
// new Date(ms).toISOString().
TEST(Timestamp, FormatsLikeToIsoString) {
  EXPECT_EQ(format_iso(Timestamp{0}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso(Timestamp{1731600012401}), "2024-11-14T16:00:12.401Z");
  EXPECT_EQ(format_iso(Timestamp{-1}), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso(Timestamp{951782400000}), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(format_iso(Timestamp{-62198755200000}), "-000001-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso(Timestamp{253402300800000}), "+010000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso(Timestamp{8640000000000000}), "+275760-09-13T00:00:00.000Z");
  EXPECT_EQ(format_iso(Timestamp{-8640000000000000}), "-271821-04-20T00:00:00.000Z");
}

TEST(Timestamp, ParsesEcmaScriptDateTimeStrings) {
  const struct {
    const char* text;
    std::int64_t ms;
  } cases[] = {
      {"2024-11-14T16:00:12.401Z", 1731600012401},
      {"1969-12-31T23:59:59.999Z", -1},
      {"0000-01-01T00:00:00.000Z", -62167219200000},
      {"2024-11-14T16:00:12Z", 1731600012000},
      {"2024-11-14T16:00Z", 1731600000000},
      {"2024-11-14T16:00:12.4019Z", 1731600012401},  // sub-millisecond digits truncated
      {"2024-11-14T16:00:12.4Z", 1731600012400},
      {"2024-11-14", 1731542400000},
      {"2024-11", 1730419200000},
      {"2024", 1704067200000},
      {"2024-11T10:00Z", 1730455200000},
      {"2024-11-14T17:00:12.401+01:00", 1731600012401},
      {"2024-11-14T11:30:12.401-04:30", 1731600012401},
      {"2024-11-14T24:00:00.000Z", 1731628800000},
      {"+002024-11-14T16:00:12.401Z", 1731600012401},
      {"-000001-01-01T00:00:00.000Z", -62198755200000},
      {"+100000-01-01T00:00:00.000Z", 3093527980800000},
      {"+275760-09-13T00:00:00.000Z", 8640000000000000},
      {"-271821-04-20T00:00:00.000Z", -8640000000000000},
      {"2023-02-29T00:00Z", 1677628800000},  // V8 rolls days 29–31 over
      {"2024-04-31", 1714521600000},
      {"2024-11-31T23:59:59.999+01:00", 1733093999999},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_iso(c.text), Timestamp{c.ms}) << c.text;
  // No zone: JavaScript uses the reader's local time zone; a pure decoder reads UTC.
  EXPECT_EQ(parse_iso("2024-11-14T16:00:12.401"), Timestamp{1731600012401});
}

TEST(Timestamp, RejectsWhatJavaScriptCallsAnInvalidDate) {
  for (const char* bad : {"", "2024-13-01", "2024-02-32", "2024-02-00", "2024-00-10", "2024-11-14T25:00Z",
                          "2024-11-14T24:00:01Z", "2024-11-14T16:60Z", "2024-11-14T16:00:61Z",
                          "2024-11-14T16:00:12.Z", "2024-11-14T16:00:12.401ZZ", "2024-11-14T16Z",
                          "yesterday", "1731600012401", "-000000-01-01T00:00:00.000Z",
                          "+02024-11-14T16:00Z", "+275760-09-13T00:00:00.001Z",
                          "-271821-04-19T23:59:59.999Z", "+999999-01-01T00:00:00.000Z"})
    EXPECT_FALSE(parse_iso(bad).has_value()) << bad;
}

TEST(Timestamp, RejectsV8LegacyFormsOnPurpose) {
  // node accepts these through V8's legacy heuristics; runt asks for the standard format.
  for (const char* legacy : {"2024-11-14 16:00:00Z", "2024-11-14T16:00:12.401+0100", "2024-11-14t16:00Z", "2024-1-14"})
    EXPECT_FALSE(parse_iso(legacy).has_value()) << legacy;
}

TEST(Timestamp, RoundTripsAcrossTheWholeRange) {
  for (std::int64_t ms = 1731542399000; ms < 1731542401000; ++ms) ASSERT_EQ(parse_iso(format_iso(Timestamp{ms})), Timestamp{ms});
  for (std::int64_t ms : {-8640000000000000LL, -62198755200001LL, -62167219200000LL, 253402300799999LL,
                          253402300800000LL, 3093527980800000LL, 8640000000000000LL})
    EXPECT_EQ(parse_iso(format_iso(Timestamp{ms})), Timestamp{ms}) << ms;
}

}  // namespace
}  // namespace runt::schema
