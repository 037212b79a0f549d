#include "runt/schema/fractional_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

namespace runt::schema {
namespace {

std::string between(const char* a, const char* b) {
  return key_between(a ? OptionalKey(a) : std::nullopt, b ? OptionalKey(b) : std::nullopt);
}

// anode-schema.md §5, from running anode HEAD with jitter disabled; the one difference is the
// all-zero keyBefore defect, fixed here.
TEST(FractionalIndex, BetweenMatchesAnode) {
  const struct {
    const char *a, *b, *expected;
  } cases[] = {
      {nullptr, nullptr, "m"}, {nullptr, "m", "b"},   {"m", nullptr, "n"},  {"a", "b", "ah"},
      {"a", "c", "b"},         {"a0", "a1", "a0h"},   {"m", "m00", "m0"},   {"m", "m001", "m000"},
      {"m", "m01", "m00"},     {"m", "m1", "m0"},     {"a5z", "a9", "a7z"}, {"m", "m5", "m2"},
      {"a2l", "a2m", "a2lh"},  {"a2y", "a2z", "a2yh"}, {"a29", "a2a", "a29h"}, {"a2z", "a3", "a2zh"},
      {"y", nullptr, "yh"},    {"az", nullptr, "b"},  {nullptr, "1", "0h"}, {nullptr, "a", "5"},
      {nullptr, "b", "5"},     {"mz", "n", "mzh"},    {"", "", "m"},        {"zz", nullptr, "zzh"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(between(c.a, c.b), c.expected) << (c.a ? c.a : "-") << " / " << (c.b ? c.b : "-");
    if (c.a && *c.a) {
      EXPECT_GT(std::string(c.expected), std::string(c.a));
    }
    if (c.b && *c.b) {
      EXPECT_LT(std::string(c.expected), std::string(c.b));
    }
  }
}

TEST(FractionalIndex, ReportsNoRoomAndInvalidRanges) {
  const struct {
    const char *a, *b, *message;
  } cases[] = {
      {"a2", "a20", R"(No string exists between "a2" and "a20" in base36 encoding)"},
      {"m", "m0", R"(No string exists between "m" and "m0" in base36 encoding)"},
      {"abc", "abc0", R"(No string exists between "abc" and "abc0" in base36 encoding)"},
      {"a", "a", "Invalid range: a >= a"},
      {"b", "a", "Invalid range: b >= a"},
      // Fixed defect: anode's keyBefore("0") returns "00", which sorts after "0".
      {nullptr, "0", R"(No string exists before "0" in base36 encoding)"},
      {nullptr, "000", R"(No string exists before "000" in base36 encoding)"},
  };
  for (const auto& c : cases) {
    try {
      between(c.a, c.b);
      ADD_FAILURE() << "no error for " << (c.a ? c.a : "-") << " / " << c.b;
    } catch (const FractionalIndexError& e) {
      EXPECT_STREQ(e.what(), c.message);
      EXPECT_TRUE(e.no_room());
    }
  }
  try {
    between("a", "aB");
    ADD_FAILURE();
  } catch (const FractionalIndexError& e) {
    EXPECT_STREQ(e.what(), "Invalid character: B");
    EXPECT_FALSE(e.no_room());
  }
}

TEST(FractionalIndex, KeyBeforeAllZeroIsFixed) {
  EXPECT_THROW(key_before("0"), FractionalIndexError);
  EXPECT_THROW(key_before("00"), FractionalIndexError);
  EXPECT_EQ(key_before("001"), "000h");
  EXPECT_LT(key_before("001"), "001");
  EXPECT_EQ(key_before("01"), "00h");
}

TEST(FractionalIndex, TestJitterProviderReproducesAnodesLcg) {
  LcgJitter seed42(42);
  const std::uint32_t states42[] = {1250496027, 1116302080, 1964818176, 1500480256, 1617229568};
  const double randoms42[] = {0.5823075899771916, 0.5198186638391664, 0.9149397615878563,
                              0.698715567914171, 0.7530812028576999};
  for (int i = 0; i < 5; ++i) {
    EXPECT_DOUBLE_EQ(seed42.random(), randoms42[i]);
    EXPECT_EQ(seed42.state(), states42[i]);
  }
  LcgJitter seed0(0);
  for (std::uint32_t expected : {12345u, 1406932606u, 654583808u, 1358247936u, 2138638336u, 1459132416u}) {
    seed0.random();
    EXPECT_EQ(seed0.state(), expected);
  }
}

TEST(FractionalIndex, SequencesMatchAnode) {
  LcgJitter seed42(42);
  EXPECT_EQ(generate_fractional_indices(std::nullopt, std::nullopt, 10, seed42),
            (std::vector<std::string>{"m", "n", "o", "p", "q", "r", "s", "t1", "t2a", "t2b"}));
  LcgJitter seed0(0);
  EXPECT_EQ(generate_fractional_indices(std::nullopt, std::nullopt, 6, seed0),
            (std::vector<std::string>{"mn", "mo", "mp", "mq", "mr", "ms"}));
  NoJitter none;
  const auto keys = generate_fractional_indices(std::nullopt, std::nullopt, 30, none);
  ASSERT_EQ(keys.size(), 30u);
  EXPECT_EQ(keys[0], "m");
  EXPECT_EQ(keys[12], "y");
  EXPECT_EQ(keys[13], "yh");
  EXPECT_EQ(keys[29], "yx");
  EXPECT_TRUE(is_valid_key_order(keys));
}

// `Math.random` stubbed to 0, as the original runt tests do: jitter is always attempted and
// always appends "0".
class ZeroJitter final : public JitterSource {
 public:
  double random() override { return 0; }
};

// runt's "v2.CellCreated with fractional indexing" scenario, with its expected orders.
TEST(FractionalIndex, CreationOrderWithRandomStubbedToZero) {
  ZeroJitter zero;
  std::map<std::string, std::string> key;
  key["1"] = initial_fractional_index(zero);
  key["2"] = fractional_index_between(key["1"], std::nullopt, zero);
  key["3"] = fractional_index_between(key["1"], key["2"], zero);
  key["4"] = fractional_index_between(std::nullopt, key["1"], zero);
  key["5"] = fractional_index_between(key["2"], std::nullopt, zero);
  const auto order = [&] {
    std::vector<std::pair<std::string, std::string>> by_key;
    for (const auto& [id, k] : key) by_key.emplace_back(k, id);
    std::sort(by_key.begin(), by_key.end());
    std::string ids;
    for (const auto& [k, id] : by_key) ids += id;
    return ids;
  };
  EXPECT_EQ(order(), "41325");
  key["6"] = fractional_index_between(key["4"], key["1"], zero);
  key["7"] = fractional_index_between(key["3"], key["2"], zero);
  EXPECT_EQ(order(), "4613725");
  std::set<std::string> unique;
  for (const auto& [id, k] : key) unique.insert(k);
  EXPECT_EQ(unique.size(), key.size());
}

TEST(FractionalIndex, ConcurrentInsertsCollideOnlyWithTheSameRandomness) {
  // Two clients inserting in the same gap: equal random sequences give equal keys (the
  // collision jitter exists to avoid); different ones give different keys, both in the gap.
  LcgJitter alice(7), bob(7), carol(8);
  const std::string a = fractional_index_between("m", "n", alice);
  EXPECT_EQ(fractional_index_between("m", "n", bob), a);
  std::set<std::string> keys;
  for (int i = 0; i < 50; ++i) {
    const std::string k = fractional_index_between("m", "n", carol);
    EXPECT_GT(k, "m");
    EXPECT_LT(k, "n");
    keys.insert(k);
  }
  EXPECT_GT(keys.size(), 1u);
}

// runt's "extreme insertion patterns": five inserts before the first cell, then five between
// the first two, stay ordered and shorter than 10 characters.
TEST(FractionalIndex, ExtremeInsertionPatternsStayShort) {
  ZeroJitter zero;
  std::vector<std::string> keys{initial_fractional_index(zero)};
  for (int i = 0; i < 5; ++i) keys.insert(keys.begin(), fractional_index_between(std::nullopt, keys[0], zero));
  for (int i = 0; i < 5; ++i) keys.insert(keys.begin() + 1, fractional_index_between(keys[0], keys[1], zero));
  ASSERT_EQ(keys.size(), 11u);
  EXPECT_TRUE(is_valid_key_order(keys));
  for (const auto& k : keys) EXPECT_LT(k.size(), 10u) << k;
}

TEST(FractionalIndex, JitterStaysInsideTheRange) {
  LcgJitter jitter(7);
  for (int i = 0; i < 2000; ++i) {
    const std::string k = fractional_index_between("a2l", "a2m", jitter);
    EXPECT_GT(k, "a2l");
    EXPECT_LT(k, "a2m");
  }
}

TEST(FractionalIndex, ValidatesKeys) {
  EXPECT_TRUE(is_valid_key("a0z"));
  EXPECT_FALSE(is_valid_key(""));
  EXPECT_FALSE(is_valid_key("aV"));
  EXPECT_FALSE(is_valid_key("a-1"));
  EXPECT_TRUE(is_valid_key_order(std::vector<std::string>{"a", "INVALID", "b", "c"}));
  EXPECT_FALSE(is_valid_key_order(std::vector<std::string>{"a", "c", "b"}));
  EXPECT_FALSE(is_valid_key_order(std::vector<std::string>{"a", "a"}));
}

std::vector<CellReference> refs(std::initializer_list<std::pair<const char*, const char*>> cells) {
  std::vector<CellReference> out;
  for (const auto& [id, key] : cells)
    out.push_back(CellReference{id, key ? std::optional<std::string>(key) : std::nullopt, CellType::code});
  return out;
}

TEST(Rebalancing, DetectsCrowdedKeys) {
  EXPECT_TRUE(needs_rebalancing(refs({{"1", "m"}, {"2", "m0"}})));
  EXPECT_FALSE(needs_rebalancing(refs({{"1", "a"}, {"2", "m"}, {"3", "z"}})));
  EXPECT_FALSE(needs_rebalancing(refs({})));
  EXPECT_FALSE(needs_rebalancing(refs({{"1", "m"}})));
  EXPECT_FALSE(needs_rebalancing(refs({{"1", nullptr}, {"2", "m"}, {"3", "n"}})));
  EXPECT_TRUE(needs_rebalancing(refs({{"1", "m"}, {"2", "m"}})));  // duplicates
}

TEST(Rebalancing, SpreadsKeysAndMovesOnlyChangedCells) {
  const auto result = rebalance_cell_indices(refs({{"x", "p"}, {"a", "m"}, {"b", "m0"}}));
  // 3 cells + 2 spare slots at each end, spread over one digit: 4 9 d i m r v.
  EXPECT_EQ(result.ordered_keys, (std::vector<std::string>{"d", "i", "m"}));
  ASSERT_EQ(result.events.size(), 3u);
  EXPECT_EQ(result.events[0], (events::CellMovedV2{"a", "d", "system"}));
  EXPECT_EQ(result.events[1], (events::CellMovedV2{"b", "i", "system"}));
  EXPECT_EQ(result.events[2], (events::CellMovedV2{"x", "m", "system"}));

  const auto unchanged = rebalance_cell_indices(refs({{"a", "d"}, {"b", "i"}, {"c", "m"}}), "me", 2);
  EXPECT_TRUE(unchanged.events.empty());
  EXPECT_TRUE(rebalance_cell_indices(refs({})).events.empty());
}

TEST(Rebalancing, KeysStayShortForLargeNotebooks) {
  for (size_t n : {1u, 16u, 17u, 647u, 648u, 100000u}) {
    const auto keys = evenly_spaced_keys(n);
    ASSERT_EQ(keys.size(), n);
    EXPECT_TRUE(is_valid_key_order(keys)) << n;
    EXPECT_NE(keys.front().find_first_not_of('0'), std::string::npos) << n;  // room before the first
    for (size_t i = 1; i < keys.size(); ++i) ASSERT_NO_THROW(key_between(keys[i - 1], keys[i])) << n;
  }
  EXPECT_EQ(evenly_spaced_keys(17).front().size(), 1u);
  EXPECT_EQ(evenly_spaced_keys(18).front().size(), 2u);
  EXPECT_EQ(evenly_spaced_keys(100000).front().size(), 4u);
}

TEST(CreateCell, BeforeBetweenAfterAndFirst) {
  NoJitter none;
  const auto cells = refs({{"a", "m"}, {"b", "o"}});
  const auto first = create_cell_between("n1", CellType::code, "u", nullptr, nullptr, refs({}), none);
  EXPECT_EQ(std::get<events::CellCreatedV2>(first.events.back()).fractionalIndex, "m");
  const auto at_end = create_cell_between("n2", CellType::ai, "u", nullptr, nullptr, cells, none);
  EXPECT_EQ(std::get<events::CellCreatedV2>(at_end.events.back()),
            (events::CellCreatedV2{"n2", "p", CellType::ai, "u"}));
  const auto mid = create_cell_between("n3", CellType::code, "u", &cells[0], &cells[1], cells, none);
  EXPECT_EQ(std::get<events::CellCreatedV2>(mid.events.back()).fractionalIndex, "n");
  const auto before = create_cell_between("n4", CellType::code, "u", nullptr, &cells[0], cells, none);
  EXPECT_EQ(std::get<events::CellCreatedV2>(before.events.back()).fractionalIndex, "b");
  EXPECT_FALSE(before.rebalanced);
}

TEST(CreateCell, RebalancesWhenThereIsNoRoom) {
  NoJitter none;
  const auto cells = refs({{"a", "m"}, {"b", "m0"}});
  const auto result = create_cell_between("new", CellType::code, "u", &cells[0], &cells[1], cells, none);
  ASSERT_TRUE(result.rebalanced);
  EXPECT_EQ(result.rebalance_count, 2u);
  ASSERT_EQ(result.events.size(), 3u);
  // 2 cells + 4 spare slots: 5 a f k p u.
  EXPECT_EQ(std::get<events::CellMovedV2>(result.events[0]), (events::CellMovedV2{"a", "f", "system"}));
  EXPECT_EQ(std::get<events::CellMovedV2>(result.events[1]), (events::CellMovedV2{"b", "k", "system"}));
  EXPECT_EQ(std::get<events::CellCreatedV2>(result.events[2]), (events::CellCreatedV2{"new", "h", CellType::code, "u"}));
}

TEST(CreateCell, PlacesTheNewCellAmongAllKeysAfterARebalance) {
  // anode placed it among the changed keys only: when some cell keeps its key through the
  // rebalance (here "i" = z's new key), the slot index points at the wrong neighbours.
  NoJitter none;
  const auto cells = refs({{"z", "i"}, {"y", "j"}, {"a", "c0"}, {"b", "c00"}, {"c", "x"}});
  const auto result = create_cell_between("new", CellType::code, "u", &cells[2], &cells[3], cells, none);
  ASSERT_TRUE(result.rebalanced);
  const auto& created = std::get<events::CellCreatedV2>(result.events.back());
  std::map<std::string, std::string> keys;
  for (const auto& c : cells) keys[c.id] = *c.fractionalIndex;
  for (const auto& e : result.events)
    if (const auto* m = std::get_if<events::CellMovedV2>(&e)) keys[m->id] = m->fractionalIndex;
  EXPECT_GT(created.fractionalIndex, keys["a"]);
  EXPECT_LT(created.fractionalIndex, keys["b"]);
}

TEST(CreateCell, InsertingBeforeAnAllZeroKeyRebalances) {
  NoJitter none;
  const auto cells = refs({{"a", "0"}, {"b", "m"}});
  const auto result = create_cell_between("new", CellType::code, "u", nullptr, &cells[0], cells, none);
  ASSERT_TRUE(result.rebalanced);
  std::map<std::string, std::string> keys;
  for (const auto& e : result.events)
    if (const auto* m = std::get_if<events::CellMovedV2>(&e)) keys[m->id] = m->fractionalIndex;
  EXPECT_LT(std::get<events::CellCreatedV2>(result.events.back()).fractionalIndex, keys.at("a"));
}

TEST(CreateCell, NeighboursWithKeysOutsideTheAlphabetAreRebalanced) {
  // v1.CellCreated with a negative position gives "a-1", which the wire never validates.
  NoJitter none;
  const auto cells = refs({{"neg", "a-1"}, {"zero", "a0"}});
  EXPECT_TRUE(needs_rebalancing(cells));
  const auto result = create_cell_between("new", CellType::code, "u", &cells[0], &cells[1], cells, none);
  ASSERT_TRUE(result.rebalanced);
  std::map<std::string, std::string> keys;
  for (const auto& e : result.events)
    if (const auto* m = std::get_if<events::CellMovedV2>(&e)) keys[m->id] = m->fractionalIndex;
  keys["new"] = std::get<events::CellCreatedV2>(result.events.back()).fractionalIndex;
  for (const auto& [id, k] : keys) EXPECT_TRUE(is_valid_key(k)) << id << " " << k;
  EXPECT_LT(keys["neg"], keys["new"]);
  EXPECT_LT(keys["new"], keys["zero"]);
}

TEST(MoveCell, MovesOrReportsNothingToDo) {
  NoJitter none;
  const auto cells = refs({{"a", "m"}, {"b", "n"}, {"c", "o"}, {"nokey", nullptr}});
  const auto to_end = move_cell_between(cells[0], &cells[2], nullptr, "u", none);
  ASSERT_TRUE(to_end);
  EXPECT_EQ(*to_end, (events::CellMovedV2{"a", "p", "u"}));
  const auto to_start = move_cell_between(cells[2], nullptr, &cells[0], std::nullopt, none);
  ASSERT_TRUE(to_start);
  EXPECT_EQ(to_start->fractionalIndex, "b");
  EXPECT_FALSE(to_start->actorId.has_value());
  EXPECT_EQ(move_cell_between(cells[1], &cells[0], &cells[2], "u", none), std::nullopt);
  EXPECT_EQ(move_cell_between(cells[0], nullptr, &cells[1], "u", none), std::nullopt);
  EXPECT_EQ(move_cell_between(cells[2], &cells[1], nullptr, "u", none), std::nullopt);
  EXPECT_EQ(move_cell_between(cells[3], &cells[0], &cells[1], "u", none), std::nullopt);
}

TEST(MoveCell, ConcurrentMovesWithDifferentSeedsGetDifferentKeys) {
  const auto cells = refs({{"a", "m"}, {"b", "n"}, {"c", "o"}, {"d", "p"}});
  std::set<std::string> keys;
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    LcgJitter jitter(seed);
    const auto move = move_cell_between(cells[3], &cells[0], &cells[1], "u", jitter);
    ASSERT_TRUE(move);
    EXPECT_GT(move->fractionalIndex, "m");
    EXPECT_LT(move->fractionalIndex, "n");
    keys.insert(move->fractionalIndex);
  }
  EXPECT_GT(keys.size(), 5u);
}

TEST(MoveCell, WithRebalancingIncludesTheMoveItself) {
  NoJitter none;
  const auto cells = refs({{"a", "m"}, {"b", "m0"}, {"c", "p"}});
  const auto result = move_cell_with_rebalancing(cells[2], &cells[0], &cells[1], cells, "u", none);
  ASSERT_TRUE(result.rebalanced);
  ASSERT_TRUE(result.moved);
  std::map<std::string, std::string> keys;
  for (const auto& c : cells) keys[c.id] = *c.fractionalIndex;
  for (const auto& m : result.events) keys[m.id] = m.fractionalIndex;
  EXPECT_EQ(result.events.front().actorId, "u-rebalance");
  EXPECT_EQ(result.events.back().actorId, "u");
  EXPECT_GT(keys["c"], keys["a"]);
  EXPECT_LT(keys["c"], keys["b"]);
}

// Thousands of inserts and moves at random places, crowded spots included: every key stays
// valid and unique, and key order is the order the user asked for.
TEST(FractionalIndexRandomized, InsertsAndMovesKeepKeysValidUniqueAndOrdered) {
  std::mt19937 rng(20261124);
  LcgJitter jitter(99);
  std::vector<CellReference> cells;
  size_t rebalances = 0, max_length = 0;

  const auto apply_moves = [&](const std::vector<events::CellMovedV2>& moves) {
    for (const auto& m : moves)
      for (auto& c : cells)
        if (c.id == m.id) c.fractionalIndex = m.fractionalIndex;
  };
  std::string last_op;
  const auto check = [&](int step) {
    std::set<std::string> seen;
    for (size_t i = 0; i < cells.size(); ++i) {
      const auto& key = *cells[i].fractionalIndex;
      ASSERT_TRUE(is_valid_key(key)) << "step " << step << ": " << key;
      ASSERT_TRUE(seen.insert(key).second) << "step " << step << ": duplicate " << key;
      if (i > 0) {
        ASSERT_LT(*cells[i - 1].fractionalIndex, key) << "step " << step << " at " << i << ": " << last_op;
      }
      max_length = std::max(max_length, key.size());
    }
  };

  for (int step = 0; step < 4000; ++step) {
    const int kind = static_cast<int>(rng() % 10);
    if (kind < 7 || cells.size() < 3) {
      // Inserts: mostly uniform, sometimes hammering the front or one crowded gap.
      size_t slot = rng() % (cells.size() + 1);
      if (kind == 0) slot = 0;
      if (kind == 1 && !cells.empty()) slot = 1 % (cells.size() + 1);
      const CellReference* before = slot > 0 ? &cells[slot - 1] : nullptr;
      const CellReference* after = slot < cells.size() ? &cells[slot] : nullptr;
      const std::string id = "cell-" + std::to_string(step);
      const auto result = create_cell_between(id, CellType::code, "u", before, after, cells, jitter);
      last_op = "insert at " + std::to_string(slot) + " between " + (before ? *before->fractionalIndex : "-") + " and " + (after ? *after->fractionalIndex : "-");
      rebalances += result.rebalanced;
      std::vector<events::CellMovedV2> moves;
      std::string key;
      for (const auto& e : result.events) {
        if (const auto* m = std::get_if<events::CellMovedV2>(&e)) {
          moves.push_back(*m);
        } else {
          key = std::get<events::CellCreatedV2>(e).fractionalIndex;
        }
      }
      apply_moves(moves);
      cells.insert(cells.begin() + static_cast<std::ptrdiff_t>(slot), CellReference{id, key, CellType::code});
    } else {
      const size_t from = rng() % cells.size();
      CellReference moving = cells[from];
      std::vector<CellReference> rest = cells;
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(from));
      const size_t slot = rng() % (rest.size() + 1);
      const auto result = move_cell_with_rebalancing(moving, slot > 0 ? &rest[slot - 1] : nullptr,
                                                      slot < rest.size() ? &rest[slot] : nullptr,
                                                      cells, "u", jitter);
      rebalances += result.rebalanced;
      last_op = "move " + *moving.fractionalIndex + " to " + std::to_string(slot) + " between " + (slot > 0 ? *rest[slot - 1].fractionalIndex : "-") + " and " + (slot < rest.size() ? *rest[slot].fractionalIndex : "-") + " rebalanced=" + std::to_string(result.rebalanced) + " events=" + std::to_string(result.events.size()) + (result.events.empty() ? "" : " last=" + result.events.back().fractionalIndex);
      apply_moves(result.events);
      moving = *std::find_if(cells.begin(), cells.end(), [&](const auto& c) { return c.id == moving.id; });
      rest = cells;
      rest.erase(std::find_if(rest.begin(), rest.end(), [&](const auto& c) { return c.id == moving.id; }));
      rest.insert(rest.begin() + static_cast<std::ptrdiff_t>(slot), moving);
      cells = std::move(rest);
    }
    check(step);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(rebalances, 0u);  // the crowded inserts must have needed it
  RecordProperty("rebalances", static_cast<int>(rebalances));
  RecordProperty("max_key_length", static_cast<int>(max_length));
}

}  // namespace
}  // namespace runt::schema
