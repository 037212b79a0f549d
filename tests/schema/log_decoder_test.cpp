#include "runt/schema/log_decoder.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace runt::schema {
namespace {

// What a reader sees of one line: its number and either the event re-encoded or the error.
struct Seen {
  size_t number;
  std::string outcome;
  bool operator==(const Seen&) const = default;
};
std::ostream& operator<<(std::ostream& out, const Seen& s) { return out << s.number << ": " << s.outcome; }

std::string describe_error(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const JsonSyntaxError& e) {
    return std::string("JsonSyntaxError: ") + e.what();
  } catch (const DecodeError& e) {
    return std::string("DecodeError: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("other: ") + e.what();
  }
}

std::vector<Seen> batched(std::string text, size_t first_line = 1) {
  LogDecoder decoder;
  std::vector<Seen> seen;
  decoder.decode(text, first_line, [&](LogLine& line) {
    seen.push_back({line.number, line.event ? to_js_string(encode_logged_event(*line.event)) : describe_error(line.error)});
    return true;
  });
  return seen;
}

// The reference: EventDecoder on each line, as `runt replay` read logs before.
std::vector<Seen> line_by_line(const std::string& text, size_t first_line = 1) {
  EventDecoder decoder;
  std::vector<Seen> seen;
  size_t number = first_line - 1;
  for (size_t pos = 0; pos < text.size();) {
    const size_t nl = text.find('\n', pos);
    const std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      seen.push_back({number, to_js_string(encode_logged_event(decoder.decode_logged_event(line)))});
    } catch (...) {
      seen.push_back({number, describe_error(std::current_exception())});
    }
  }
  return seen;
}

std::string logged(std::int64_t seq, const std::string& cell = "cell-1", const std::string& source = "print(6*7)") {
  return to_js_string(encode_logged_event(LoggedEvent{events::CellSourceChanged{cell, source, "user_2f9a7c41"}, seq, seq - 1, "client-1", "s1"}));
}

void expect_same(const std::string& text, size_t first_line = 1) {
  const auto reference = line_by_line(text, first_line);
  EXPECT_EQ(batched(text, first_line), reference) << text.substr(0, 300);
}

TEST(LogDecoder, DecodesEveryLineAsTheLineDecoderDoes) {
  std::string text;
  for (int i = 1; i <= 50; ++i) text += logged(i) + "\n";
  const auto seen = batched(text);
  ASSERT_EQ(seen.size(), 50u);
  EXPECT_EQ(seen.front(), (Seen{1, logged(1)}));
  EXPECT_EQ(seen.back(), (Seen{50, logged(50)}));
  expect_same(text);
  expect_same(text, 1001);  // numbering continues from where the caller's text began
}

TEST(LogDecoder, CountsTheLinesItRead) {
  LogDecoder decoder;
  const auto count = [&](std::string text) { return decoder.decode(text, 7, [](LogLine&) { return true; }); };
  EXPECT_EQ(count(logged(1) + "\n\n  \n" + logged(2) + "\n"), 4u);  // blank lines included
  EXPECT_EQ(count(logged(1) + "\n" + logged(2)), 2u);                 // a last line without a newline
  EXPECT_EQ(count(logged(1) + " " + logged(2) + "\n" + logged(3) + "\n"), 2u);  // the line-by-line path too
  EXPECT_EQ(count(""), 0u);
}

TEST(LogDecoder, BlankLinesCarriageReturnsIndentationAndNoFinalNewline) {
  expect_same("\n" + logged(1) + "\r\n\n   \t\n  " + logged(2) + "\n\r\n" + logged(3));
  expect_same("\t" + logged(1) + " \t\r\n");
  expect_same("");
  expect_same("\n\n \n");
  EXPECT_EQ(batched("\n\n" + logged(1)).at(0).number, 3u);
}

TEST(LogDecoder, LinesThatAreNotOneDocumentEachAreRefusedAsAlone) {
  const std::string a = logged(1), b = logged(2), c = logged(3);
  // Two documents on a line, a document across two lines, trailing text, a lone fragment.
  expect_same(a + "\n" + b + " " + c + "\n" + logged(4) + "\n");
  expect_same(a + "\n" + b.substr(0, 40) + "\n" + b.substr(40) + "\n" + c + "\n");
  expect_same(a + " x\n" + b + "\n");
  expect_same(a + "\n" + b + "\n{\"name\":\n");
  expect_same(a + "\n" + b + "\n" + c.substr(0, c.size() - 1));  // truncated last line
  expect_same(a + "\n" + b + "}\n" + c + "\n");
  const auto seen = batched(a + "\n" + b + " " + c + "\n" + logged(4) + "\n");
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].outcome, a);
  EXPECT_NE(seen[1].outcome.find("JsonSyntaxError"), std::string::npos) << seen[1];
  EXPECT_EQ(seen[2].outcome, logged(4));
}

TEST(LogDecoder, BadLinesDoNotHideTheLinesAfterThem) {
  const std::string bad_args = R"({"name":"v1.CellSourceChanged","args":{"id":7},"seqNum":2,"parentSeqNum":1,"clientId":"c","sessionId":"s"})";
  const std::string no_envelope = R"({"name":"v1.CellSourceChanged","args":{"id":"x","source":"","modifiedBy":"u"}})";
  const std::string nul = logged(2).substr(0, 30) + std::string(1, '\0') + logged(2).substr(30);
  for (const std::string& middle : {bad_args, no_envelope, nul, std::string("[1,2"), std::string("42"), std::string("\"text\"")}) {
    expect_same(logged(1) + "\n" + middle + "\n" + logged(3) + "\n");
    const auto seen = batched(logged(1) + "\n" + middle + "\n" + logged(3) + "\n");
    ASSERT_EQ(seen.size(), 3u) << middle;
    EXPECT_EQ(seen[2], (Seen{3, logged(3)})) << middle;
  }
  EXPECT_NE(batched(logged(1) + "\n" + bad_args + "\n")[1].outcome.find("DecodeError"), std::string::npos);
}

TEST(LogDecoder, WhatSimdjsonRefusesButJsonParseAcceptsStillDecodes) {
  // A 30-digit integer: simdjson refuses it, JSON.parse reads a double; an unknown event keeps it.
  const std::string big = R"({"name":"v9.Future","args":{"n":123456789012345678901234567890},"seqNum":2,"parentSeqNum":1,"clientId":"c","sessionId":"s"})";
  expect_same(logged(1) + "\n" + big + "\n" + logged(3) + "\n");
  EXPECT_EQ(batched(logged(1) + "\n" + big + "\n").at(1).outcome.find("v9.Future") != std::string::npos, true);
}

TEST(LogDecoder, AByteOrderMarkIsRefusedAsJsonParseRefusesIt) {
  const std::string text = "\xEF\xBB\xBF" + logged(1) + "\n" + logged(2) + "\n";
  expect_same(text);
  EXPECT_NE(batched(text).at(0).outcome.find("byte order mark"), std::string::npos);
}

TEST(LogDecoder, ADocumentLargerThanABatchIsDecodedAlone) {
  const std::string huge = logged(2, "cell-1", std::string(3 << 20, 'x'));  // 3 MiB of source
  const std::string text = logged(1) + "\n" + huge + "\n" + logged(3) + "\n";
  expect_same(text);
  ASSERT_EQ(batched(text).size(), 3u);
}

TEST(LogDecoder, ManyBatchesOfVariedEvents) {
  // About 6 MB: several of simdjson's 1 MiB windows, with documents across their edges.
  std::string text;
  for (int i = 1; i <= 20000; ++i) {
    text += logged(i, "cell-" + std::to_string(i % 37), std::string(static_cast<size_t>(i % 500), 'a' + static_cast<char>(i % 26)));
    text += i % 1000 == 0 ? "\r\n\n" : "\n";
  }
  expect_same(text);
}

TEST(LogDecoder, StopsWhenTheReaderSaysSo) {
  std::string text;
  for (int i = 1; i <= 10; ++i) text += logged(i) + "\n";
  LogDecoder decoder;
  std::vector<size_t> numbers;
  const std::optional<size_t> finished = decoder.decode(text, 1, [&](LogLine& line) {
    numbers.push_back(line.number);
    return line.number < 4;
  });
  EXPECT_FALSE(finished.has_value());
  EXPECT_EQ(numbers, (std::vector<size_t>{1, 2, 3, 4}));
}

}  // namespace
}  // namespace runt::schema
