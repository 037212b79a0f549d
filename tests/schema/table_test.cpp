// Table against a plain model of SQLite's rows (a map and a rowid counter), under the churn a
// replayed log gives it: inserts, replaces, erases, clears, copies.
#include "runt/schema/state.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace runt::schema {
namespace {

struct Row {
  std::string id;
  int value = 0;
};
using T = Table<Row, &Row::id>;

struct Model {
  std::map<std::string, std::pair<std::uint64_t, int>> rows;  // id -> (rowid, value)
  std::uint64_t next = 1;
};

std::vector<std::pair<std::string, int>> contents(const T& t) {
  std::vector<std::pair<std::string, int>> out;
  for (const Row* r : t.in_insertion_order()) out.emplace_back(r->id, r->value);
  return out;
}
std::vector<std::pair<std::string, int>> contents(const Model& m) {
  std::vector<std::pair<std::uint64_t, std::pair<std::string, int>>> by_rowid;
  for (const auto& [id, row] : m.rows) by_rowid.push_back({row.first, {id, row.second}});
  std::sort(by_rowid.begin(), by_rowid.end());
  std::vector<std::pair<std::string, int>> out;
  for (auto& [rowid, row] : by_rowid) out.push_back(row);
  return out;
}

TEST(Table, SqliteRowSemantics) {
  T t;
  EXPECT_NE(t.insert(Row{"a", 1}), nullptr);
  EXPECT_NE(t.insert(Row{"b", 2}), nullptr);
  Row dup{"a", 9};
  EXPECT_EQ(t.insert(std::move(dup)), nullptr);
  EXPECT_EQ(dup.id, "a");  // a refused row is left as it was
  EXPECT_EQ(dup.value, 9);
  t.insert_replace(Row{"a", 3});  // moves to the end
  EXPECT_EQ(contents(t), (std::vector<std::pair<std::string, int>>{{"b", 2}, {"a", 3}}));
  t.replace_in_place("b").value = 4;  // keeps its buffers, moves to the end
  t.find_or_add("c").value = 5;
  t.find_or_add("a").value = 6;  // stays in place
  EXPECT_EQ(contents(t), (std::vector<std::pair<std::string, int>>{{"a", 6}, {"b", 4}, {"c", 5}}));
  EXPECT_TRUE(t.erase("b"));
  EXPECT_FALSE(t.erase("b"));
  EXPECT_EQ(t.find("b"), nullptr);
  EXPECT_EQ(t.size(), 2u);
  const Row* c = t.find("c");
  t.insert(Row{"d", 7});  // reuses b's slot; c's slot does not move
  EXPECT_EQ(t.find("c"), c);
  EXPECT_EQ(contents(t), (std::vector<std::pair<std::string, int>>{{"a", 6}, {"c", 5}, {"d", 7}}));
}

TEST(Table, MatchesTheModelUnderChurn) {
  T t;
  Model m;
  std::mt19937 rng(7);
  for (int step = 0; step < 200000; ++step) {
    // Few distinct keys early on (dense probe runs, many replaces), more later.
    const std::string key = "k" + std::to_string(rng() % (step < 100000 ? 300 : 5000));
    const int value = static_cast<int>(rng() % 1000);
    switch (rng() % 10) {
      case 0: case 1: case 2: {
        const bool fresh = !m.rows.contains(key);
        EXPECT_EQ(t.insert(Row{key, value}) != nullptr, fresh);
        if (fresh) m.rows[key] = {m.next++, value};
        break;
      }
      case 3: case 4:
        t.insert_replace(Row{key, value});
        m.rows[key] = {m.next++, value};
        break;
      case 5: case 6: case 7:
        EXPECT_EQ(t.erase(key), m.rows.erase(key) == 1);
        break;
      case 8: {
        const Row* r = t.find(key);
        const auto it = m.rows.find(key);
        ASSERT_EQ(r != nullptr, it != m.rows.end());
        if (r) {
          EXPECT_EQ(r->value, it->second.second);
        }
        break;
      }
      default:
        if (rng() % 2000 == 0) {
          t.clear();
          m.rows.clear();
        }
    }
    ASSERT_EQ(t.size(), m.rows.size());
    if (step % 20000 == 0) {
      ASSERT_EQ(contents(t), contents(m));
    }
  }
  EXPECT_EQ(contents(t), contents(m));
  for (const auto& [id, row] : m.rows) {
    EXPECT_TRUE(t.contains(id)) << id;
  }

  const T copy = t;  // a copy answers alike and is independent
  EXPECT_EQ(contents(copy), contents(m));
  t.clear();
  EXPECT_EQ(contents(copy), contents(m));
  for (const auto& [id, row] : m.rows) {
    EXPECT_EQ(copy.find(id)->value, row.second);
  }
}

TEST(Table, CopiedOutputIndexesPointIntoTheCopy) {
  OutputDeltaTable deltas;
  deltas.insert(OutputDeltaRow{"d1", "o", "a", 1});
  const OutputDeltaTable copy = deltas;
  deltas = OutputDeltaTable();  // the original's rows are gone
  deltas.insert(OutputDeltaRow{"d2", "o", "b", 1});
  ASSERT_EQ(copy.of_output("o").size(), 1u);
  EXPECT_EQ(copy.of_output("o")[0]->delta, "a");
}

}  // namespace
}  // namespace runt::schema
