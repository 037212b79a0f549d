#include "runt/storage/event_store.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

namespace runt::storage {
namespace {

namespace fs = std::filesystem;
using protocol::WireEvent;

class SqliteStore : public testing::Test {
 protected:  fs::path file() const { return dir_ / "nested" / "runt.sqlite"; }

  static std::vector<WireEvent> chain(std::int64_t head, int n, const std::string& tag = "x") {
    std::vector<WireEvent> out;
    for (int i = 0; i < n; ++i)
      out.push_back(WireEvent{"v1.Debug", R"({"id":")" + tag + std::to_string(head + i + 1) + R"("})", head + i + 1, head + i, "c", "s"});
    return out;
  }

  runt::testing_support::TempDir temp_{"runt-store"};
  const fs::path& dir_ = temp_.path();
};

TEST_F(SqliteStore, AppendsReadsAndKnowsItsHead) {
  auto store = open_sqlite_store(file());
  EXPECT_EQ(store->head("nb1"), 0);
  const auto events = chain(0, 3);
  store->append(std::vector<Append>{{"nb1", events, "2025-06-23T03:44:09.014Z"}});
  EXPECT_EQ(store->head("nb1"), 3);
  EXPECT_EQ(store->head("nb2"), 0);
  const auto all = store->read("nb1", 0, 100);
  ASSERT_EQ(all.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(all[i].event, events[i]);
    EXPECT_EQ(all[i].createdAt, "2025-06-23T03:44:09.014Z");
  }
  const auto page = store->read("nb1", 1, 1);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].event.seqNum, 2);
  EXPECT_TRUE(store->read("nb1", 3, 100).empty());
}

TEST_F(SqliteStore, ReadsStopBeforeTheEventThatWouldPassTheByteLimit) {
  auto store = open_sqlite_store(file());
  const auto events = chain(0, 3);
  store->append(std::vector<Append>{{"nb", events, "t"}});
  const size_t each = events[0].name.size() + events[0].args->size() + 1 + 1 + 1;  // and createdAt, clientId, sessionId
  EXPECT_EQ(store->read("nb", 0, 100, 2 * each).size(), 2u);
  EXPECT_EQ(store->read("nb", 0, 100, 2 * each - 1).size(), 1u);
  EXPECT_EQ(store->read("nb", 0, 100, 1).size(), 1u);  // always at least one
  EXPECT_EQ(store->read("nb", 1, 100, 3 * each).size(), 2u);
  EXPECT_EQ(store->read("nb", 0, 100).size(), 3u);
}

TEST_F(SqliteStore, FindsTheLastEventAndTheLastOfAName) {
  auto store = open_sqlite_store(file());
  EXPECT_FALSE(store->last("nb1"));
  std::vector<WireEvent> events = chain(0, 4);
  events[1].name = "v1.NotebookTitleChanged";
  events[2].name = "v1.NotebookTitleChanged";
  store->append(std::vector<Append>{{"nb1", events, "2025-06-23T03:44:09.014Z"}});
  ASSERT_TRUE(store->last("nb1"));
  EXPECT_EQ(store->last("nb1")->event, events[3]);
  ASSERT_TRUE(store->last("nb1", "v1.NotebookTitleChanged"));
  EXPECT_EQ(store->last("nb1", "v1.NotebookTitleChanged")->event.seqNum, 3);
  EXPECT_FALSE(store->last("nb1", "v1.CellCreated"));
  EXPECT_FALSE(store->last("nb2"));
}

TEST_F(SqliteStore, KeepsArgsTextExactlyAndTellsAbsentFromNull) {
  auto store = open_sqlite_store(file());
  const std::vector<WireEvent> events{
      {"x", R"({"b":1.50,"a":"\u00e9"})", 1, 0, "c", "s"},
      {"v1.AllExecutionsCancelled", std::nullopt, 2, 1, "c", "s"},
      {"y", "null", 3, 2, "c", "s"},
  };
  store->append(std::vector<Append>{{"nb", events, "t"}});
  const auto back = store->read("nb", 0, 10);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].event.args, R"({"b":1.50,"a":"\u00e9"})");
  EXPECT_EQ(back[1].event.args, std::nullopt);
  EXPECT_EQ(back[2].event.args, "null");
}

TEST_F(SqliteStore, SurvivesReopening) {
  {
    auto store = open_sqlite_store(file());
    store->append(std::vector<Append>{{"nb", chain(0, 2), "t"}});
  }
  auto store = open_sqlite_store(file());
  EXPECT_EQ(store->head("nb"), 2);
  EXPECT_EQ(store->read("nb", 0, 10).size(), 2u);
}

TEST_F(SqliteStore, GroupCommitsSeveralPushesAtomically) {
  auto store = open_sqlite_store(file());
  const auto a = chain(0, 2, "a"), b = chain(0, 1, "b"), a2 = chain(2, 2, "a");
  store->append(std::vector<Append>{{"nbA", a, "t"}, {"nbB", b, "t"}, {"nbA", a2, "t"}});
  EXPECT_EQ(store->head("nbA"), 4);
  EXPECT_EQ(store->head("nbB"), 1);
  EXPECT_EQ(store->store_ids(), (std::vector<std::string>{"nbA", "nbB"}));

  // One bad push in a group writes nothing at all.
  const auto good = chain(1, 1, "b"), stale = chain(2, 1, "a");
  EXPECT_THROW(store->append(std::vector<Append>{{"nbB", good, "t"}, {"nbA", stale, "t"}}), StorageError);
  EXPECT_EQ(store->head("nbB"), 1);
  EXPECT_EQ(store->head("nbA"), 4);
  // And the store keeps working afterwards.
  store->append(std::vector<Append>{{"nbB", good, "t"}});
  EXPECT_EQ(store->head("nbB"), 2);
}

// Events are stored in the order they were committed, logs interleaved; each log still reads
// back in seqNum order, in pages, and its last event is its own.
TEST_F(SqliteStore, ReadsEachLogInOrderWhenLogsAreInterleaved) {
  auto store = open_sqlite_store(file());
  const std::vector<std::string> ids{"nb-b", "nb-a", "nb-c"};
  for (int round = 0; round < 40; ++round) {
    std::vector<std::vector<WireEvent>> pushes;
    std::vector<Append> group;
    for (size_t n = 0; n < ids.size(); ++n) pushes.push_back(chain(round * 2, 2, ids[n]));
    for (size_t n = 0; n < ids.size(); ++n) group.push_back({ids[n], pushes[n], "t"});
    store->append(group);
  }
  EXPECT_EQ(store->store_ids(), (std::vector<std::string>{"nb-a", "nb-b", "nb-c"}));
  for (const auto& id : ids) {
    EXPECT_EQ(store->head(id), 80);
    std::vector<StoredEvent> all;
    for (std::int64_t after = 0;;) {
      const auto page = store->read(id, after, 7);
      if (page.empty()) break;
      all.insert(all.end(), page.begin(), page.end());
      after = page.back().event.seqNum;
    }
    ASSERT_EQ(all.size(), 80u) << id;
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(all[i].event.seqNum, static_cast<std::int64_t>(i + 1));
      EXPECT_EQ(all[i].event.args, R"({"id":")" + id + std::to_string(i + 1) + R"("})");
    }
    EXPECT_EQ(store->last(id)->event.args, R"({"id":")" + id + "80\"}");
  }
}

// A group refused at its third push has written nothing of the first two, in the file or in
// the heads the store remembers; the same pushes then commit.
TEST_F(SqliteStore, AGroupThatFailsMidwayLeavesNothing) {
  auto store = open_sqlite_store(file());
  const auto a = chain(0, 3, "a"), b = chain(0, 2, "b"), bad = chain(5, 1, "c"), d = chain(0, 1, "d");
  EXPECT_THROW(store->append(std::vector<Append>{{"nbA", a, "t"}, {"nbB", b, "t"}, {"nbC", bad, "t"}, {"nbD", d, "t"}}),
               StorageError);
  EXPECT_TRUE(store->store_ids().empty());
  EXPECT_TRUE(store->read("nbA", 0, 100).empty());
  EXPECT_EQ(store->head("nbA"), 0);
  EXPECT_EQ(store->head("nbB"), 0);
  store->append(std::vector<Append>{{"nbA", a, "t"}, {"nbB", b, "t"}, {"nbD", d, "t"}});
  EXPECT_EQ(store->store_ids(), (std::vector<std::string>{"nbA", "nbB", "nbD"}));
  EXPECT_EQ(store->read("nbA", 0, 100).size(), 3u);
  // And nothing of the refused group survives a reopen either.
  store.reset();
  store = open_sqlite_store(file());
  EXPECT_EQ(store->head("nbA"), 3);
  EXPECT_EQ(store->head("nbC"), 0);
}

TEST_F(SqliteStore, RefusesEventsThatDoNotContinueTheLog) {
  auto store = open_sqlite_store(file());
  store->append(std::vector<Append>{{"nb", chain(0, 1), "t"}});
  auto gap = chain(1, 2);
  gap[1].parentSeqNum = 7;
  gap[1].seqNum = 8;
  try {
    store->append(std::vector<Append>{{"nb", gap, "t"}});
    ADD_FAILURE();
  } catch (const StorageError& e) {
    EXPECT_STREQ(e.what(), "append to nb: e8 (parent e7) does not continue the log at e2");
  }
  EXPECT_EQ(store->head("nb"), 1);
  EXPECT_THROW(store->append(std::vector<Append>{{"nb", chain(0, 1), "t"}}), StorageError);  // e1 again
}

TEST_F(SqliteStore, WritesThroughAWriteAheadLog) {
  // synchronous=FULL is a per-connection setting the interface does not expose; WAL is visible.

  { auto store = open_sqlite_store(file()); }
  // WAL is a property of the file: a plain reopen still reports it.
  auto store = open_sqlite_store(file());
  store->append(std::vector<Append>{{"nb", chain(0, 1), "t"}});
  EXPECT_TRUE(fs::exists(file().string() + "-wal"));
}

TEST_F(SqliteStore, ReportsAFileItCannotOpen) {
  fs::create_directories(dir_);
  fs::create_directories(dir_ / "a-directory.sqlite");
  EXPECT_THROW(open_sqlite_store(dir_ / "a-directory.sqlite"), StorageError);
}

}  // namespace
}  // namespace runt::storage
