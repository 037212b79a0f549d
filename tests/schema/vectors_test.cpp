// Golden vectors (tests/vectors/*.json): {"description", "events": [LiveStore-encoded events],
// "expected": <state_to_json of the replayed log>}. The same files are the contract for every
// other implementation of the materializers.

#include "runt/schema/codec.hpp"
#include "runt/schema/materialize.hpp"
#include "runt/schema/state_json.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace runt::schema {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> vector_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(RUNT_VECTORS_DIR))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

Json load(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return parse_json(text.str());
}

class GoldenVector : public testing::TestWithParam<fs::path> {};

TEST_P(GoldenVector, EveryEventReencodesByteForByte) {
  const Json doc = load(GetParam());
  EventDecoder decoder;
  for (const auto& encoded : doc.at("events")) {
    const std::string text = to_js_string(encoded);
    const LoggedEvent logged = decode_logged_event(encoded);
    EXPECT_EQ(to_js_string(encode_logged_event(logged)), text);
    EXPECT_EQ(decoder.decode_logged_event(text), logged) << text;
  }
}

TEST_P(GoldenVector, EveryEventsArgsEncodeStraightToTheSameText) {
  for (const auto& encoded : load(GetParam()).at("events")) {
    const Event event = decode_logged_event(encoded).event;
    const auto args = encode_args(event);
    const auto text = encode_args_text(event);
    ASSERT_EQ(text.has_value(), args.has_value()) << to_js_string(encoded);
    if (args) {
      EXPECT_EQ(*text, to_js_string(*args));
    }
  }
}

TEST_P(GoldenVector, ReplayGivesTheExpectedState) {
  const Json doc = load(GetParam());
  State state;
  for (const auto& encoded : doc.at("events")) materialize(state, decode_logged_event(encoded).event);
  const Json actual = state_to_json(state);
  const Json& expected = doc.at("expected");
  if (to_js_string(actual) != to_js_string(expected)) {
    // A readable account of what differs (JSON Patch from expected to actual).
    const nlohmann::json diff = nlohmann::json::diff(nlohmann::json::parse(to_js_string(expected)),
                                                     nlohmann::json::parse(to_js_string(actual)));
    ADD_FAILURE() << GetParam().filename() << " differs:\n" << diff.dump(1);
  }
}

TEST_P(GoldenVector, TheTextDecoderGivesTheSameState) {
  const Json doc = load(GetParam());
  EventDecoder decoder;
  State state;
  for (const auto& encoded : doc.at("events")) materialize(state, decoder.decode_logged_event(to_js_string(encoded)).event);
  EXPECT_EQ(to_js_string(state_to_json(state)), to_js_string(doc.at("expected")));
}

// materialize(State&, Event&&) moves strings into rows; it must change the state exactly as
// materialize(State&, const Event&), which must leave its events as they were.
TEST_P(GoldenVector, MovedAndCopiedEventsGiveTheSameState) {
  const Json doc = load(GetParam());
  std::vector<Event> events;
  for (const auto& encoded : doc.at("events")) events.push_back(decode_logged_event(encoded).event);
  const std::vector<Event> original = events;
  State copied, moved;
  for (const Event& e : events) materialize(copied, e);
  EXPECT_EQ(events, original);
  for (Event& e : events) materialize(moved, std::move(e));
  const std::string expected = to_js_string(doc.at("expected"));
  EXPECT_EQ(to_js_string(state_to_json(copied)), expected);
  EXPECT_EQ(to_js_string(state_to_json(moved)), expected);
}

TEST_P(GoldenVector, ReplayIsDeterministic) {
  const Json doc = load(GetParam());
  std::string first;
  for (int run = 0; run < 2; ++run) {
    State state;
    for (const auto& encoded : doc.at("events")) materialize(state, decode_logged_event(encoded).event);
    const std::string text = to_js_string(state_to_json(state));
    if (run == 0) {
      first = text;
    } else {
      EXPECT_EQ(text, first);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Vectors, GoldenVector, testing::ValuesIn(vector_files()),
                         [](const testing::TestParamInfo<fs::path>& param) {
                           std::string name = param.param.stem().string();
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(GoldenVectors, CoverEveryAnodeEvent) {
  std::set<std::string> seen;
  for (const auto& path : vector_files()) {
    const Json doc = load(path);
    for (const auto& e : doc.at("events")) seen.insert(e.at("name").get<std::string>());
  }
  for (auto name : known_event_names()) EXPECT_TRUE(seen.contains(std::string(name))) << name;
}

}  // namespace
}  // namespace runt::schema
