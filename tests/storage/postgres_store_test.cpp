// The PostgreSQL event store against a real cluster (ctest fixture `postgres`): the same
// contract as SQLite's, plus what sharing one database between server nodes adds: pushes
// another node got ahead of are left out, and other nodes' appends are reported.

#include "runt/storage/event_store.hpp"
#include "runt/storage/postgres.hpp"
#include "runt/storage/postgres_fences.hpp"
#include "runt/storage/postgres_schema.hpp"

#include "postgres_database.hpp"
#include "temp_dir.hpp"
#include "throwaway_cluster.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace runt::storage {
namespace {

using protocol::WireEvent;
using testing_support::PostgresDatabase;

std::vector<WireEvent> chain(std::int64_t head, int n, const std::string& tag = "x") {
  std::vector<WireEvent> out;
  for (int i = 0; i < n; ++i)
    out.push_back(WireEvent{"v1.Debug", R"({"id":")" + tag + std::to_string(head + i + 1) + R"("})", head + i + 1, head + i, "c", "s"});
  return out;
}

// What a change feed reported, for a test to wait on.
struct Reports {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::string, std::int64_t> heads;
  int resyncs = 0;

  ChangeHandlers handlers() {
    return ChangeHandlers{[this](const std::string& id, std::int64_t head) {
                            const std::lock_guard lock(mutex);
                            heads[id] = std::max(heads[id], head);
                            changed.notify_all();
                          },
                          [this] {
                            const std::lock_guard lock(mutex);
                            ++resyncs;
                            changed.notify_all();
                          }};
  }
  template <class Predicate>
  bool wait(Predicate done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return done(); });
  }
};

class PostgresStore : public testing::Test {
 protected:
  PostgresDatabase db_;
};

TEST_F(PostgresStore, AppendsReadsAndKnowsItsHead) {
  auto store = open_postgres_store(db_.uri());
  EXPECT_TRUE(store->shared());
  EXPECT_EQ(store->head("nb1"), 0);
  const auto events = chain(0, 3);
  EXPECT_TRUE(store->append(std::vector<Append>{{"nb1", events, "2025-06-23T03:44:09.014Z"}}).conflicts.empty());
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
  EXPECT_TRUE(store->read("unknown", 0, 100).empty());
}

TEST_F(PostgresStore, ReadsStopBeforeTheEventThatWouldPassTheByteLimit) {
  auto store = open_postgres_store(db_.uri());
  const auto events = chain(0, 3);
  store->append(std::vector<Append>{{"nb", events, "t"}});
  const size_t each = events[0].name.size() + events[0].args->size() + 1 + 1 + 1;
  EXPECT_EQ(store->read("nb", 0, 100, 2 * each).size(), 2u);
  EXPECT_EQ(store->read("nb", 0, 100, 2 * each - 1).size(), 1u);
  EXPECT_EQ(store->read("nb", 0, 100, 1).size(), 1u);  // always at least one
  EXPECT_EQ(store->read("nb", 1, 100, 3 * each).size(), 2u);
  EXPECT_EQ(store->read("nb", 0, 100).size(), 3u);
}

TEST_F(PostgresStore, FindsTheLastEventAndTheLastOfAName) {
  auto store = open_postgres_store(db_.uri());
  EXPECT_FALSE(store->last("nb1"));
  std::vector<WireEvent> events = chain(0, 4);
  events[1].name = "v1.NotebookTitleChanged";
  events[2].name = "v1.NotebookTitleChanged";
  store->append(std::vector<Append>{{"nb1", events, "t"}});
  EXPECT_EQ(store->last("nb1")->event, events[3]);
  EXPECT_EQ(store->last("nb1", "v1.NotebookTitleChanged")->event.seqNum, 3);
  EXPECT_FALSE(store->last("nb1", "v1.CellCreated"));
  EXPECT_FALSE(store->last("nb2"));
}

// Bytes COPY's text format would mangle unescaped, and absent args told from JSON null.
TEST_F(PostgresStore, KeepsTextExactly) {
  auto store = open_postgres_store(db_.uri());
  const std::vector<WireEvent> events{
      {"x", R"({"b":1.50,"a":"\u00e9 é \\N tab	 \\t"})", 1, 0, "c\\N", "s\tx"},
      {"v1.AllExecutionsCancelled", std::nullopt, 2, 1, "c", "s"},
      {"y", "null", 3, 2, "c", "s"},
      {"z", "{\"multi\":\"line\nbreak\r\n\"}", 4, 3, "c", "s"},
  };
  store->append(std::vector<Append>{{"nb", events, "t"}});
  const auto back = store->read("nb", 0, 10);
  ASSERT_EQ(back.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(back[i].event, events[i]);
}

TEST_F(PostgresStore, GroupCommitsPushesToSeveralLogsAndSurvivesReopening) {
  {
    auto store = open_postgres_store(db_.uri());
    const auto a = chain(0, 2, "a"), b = chain(0, 1, "b"), a2 = chain(2, 2, "a");
    EXPECT_TRUE(store->append(std::vector<Append>{{"nbA", a, "t"}, {"nbB", b, "t"}, {"nbA", a2, "t"}}).conflicts.empty());
  }
  auto store = open_postgres_store(db_.uri());  // schema already there: opened, not re-created
  EXPECT_EQ(store->head("nbA"), 4);
  EXPECT_EQ(store->head("nbB"), 1);
  EXPECT_EQ(store->store_ids(), (std::vector<std::string>{"nbA", "nbB"}));
  EXPECT_EQ(store->read("nbA", 0, 10).size(), 4u);
}

TEST_F(PostgresStore, AChainWithAGapWritesNothing) {
  auto store = open_postgres_store(db_.uri());
  store->append(std::vector<Append>{{"nb", chain(0, 1), "t"}});
  auto gap = chain(1, 2);
  gap[1].parentSeqNum = 7;
  gap[1].seqNum = 8;
  try {
    store->append(std::vector<Append>{{"other", chain(0, 1), "t"}, {"nb", gap, "t"}});
    ADD_FAILURE();
  } catch (const StorageError& e) {
    EXPECT_STREQ(e.what(), "append to nb: e8 (parent e7) does not continue the log at e2");
  }
  EXPECT_EQ(store->head("nb"), 1);
  EXPECT_EQ(store->head("other"), 0);
  EXPECT_TRUE(store->append(std::vector<Append>{{"nb", chain(1, 1), "t"}}).conflicts.empty());
}

// Two nodes on one database: whoever commits first wins; the other's push, and every later
// push of its group to that log (built on it), is left out; its pushes to other logs are written.
TEST_F(PostgresStore, PushesAnotherNodeGotAheadOfAreLeftOut) {
  auto node_a = open_postgres_store(db_.uri());
  auto node_b = open_postgres_store(db_.uri());
  node_a->append(std::vector<Append>{{"nb", chain(0, 2, "a"), "t"}});
  const auto b1 = chain(0, 2, "b"), b2 = chain(2, 1, "b"), other = chain(0, 1, "o");
  const auto result = node_b->append(std::vector<Append>{{"nb", b1, "t"}, {"other", other, "t"}, {"nb", b2, "t"}});
  EXPECT_EQ(result.conflicts, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(node_b->head("nb"), 2);
  EXPECT_EQ(node_b->read("nb", 0, 10)[1].event.args, R"({"id":"a2"})");
  EXPECT_EQ(node_a->head("other"), 1);
  // Rebased on the winner's events, the loser's push goes through.
  EXPECT_TRUE(node_b->append(std::vector<Append>{{"nb", chain(2, 1, "b"), "t"}}).conflicts.empty());
  EXPECT_EQ(node_a->head("nb"), 3);
}

// A group written under a fence: written while the fence holds the value given (0 for one never
// advanced), nothing at all once another connection advanced it, not even the pushes to other
// logs; conflicts are still reported apart from it.
TEST_F(PostgresStore, AGroupUnderAFenceIsWrittenOnlyWhileItHolds) {
  auto store = open_postgres_store(db_.uri());
  EXPECT_FALSE(store->append_if(std::vector<Append>{{"nb", chain(0, 1), "t"}}, Fence{"revocations", 0}).fenced);
  EXPECT_EQ(store->head("nb"), 1);

  pg::Connection other(db_.uri());
  {
    pg::Transaction transaction(other);
    EXPECT_EQ(pg::advance_fence(other, "revocations"), 1u);
    transaction.commit();
  }
  EXPECT_EQ(pg::read_fence(other, "revocations"), 1u);
  EXPECT_EQ(pg::read_fence(other, "never-advanced"), 0u);

  const auto refused = store->append_if(std::vector<Append>{{"nb", chain(1, 1), "t"}, {"nb2", chain(0, 1), "t"}},
                                        Fence{"revocations", 0});
  EXPECT_TRUE(refused.fenced);
  EXPECT_TRUE(refused.conflicts.empty());
  EXPECT_EQ(store->head("nb"), 1);
  EXPECT_EQ(store->head("nb2"), 0);
  EXPECT_EQ(store->read("nb2", 0, 10).size(), 0u);

  // A fence of another name does not stop it; the current value lets it through.
  EXPECT_FALSE(store->append_if(std::vector<Append>{{"nb2", chain(0, 1), "t"}}, Fence{"something-else", 0}).fenced);
  const auto written = store->append_if(std::vector<Append>{{"nb", chain(1, 1), "t"}}, Fence{"revocations", 1});
  EXPECT_FALSE(written.fenced);
  EXPECT_EQ(store->head("nb"), 2);
  // A plain append ignores fences.
  EXPECT_FALSE(store->append(std::vector<Append>{{"nb", chain(2, 1), "t"}}).fenced);
  EXPECT_EQ(store->head("nb"), 3);
}

// Many writers racing on one log: every event ends up in it exactly once, in one unbroken chain.
TEST_F(PostgresStore, RacingNodesNeverForkALog) {
  constexpr int kNodes = 4, kEach = 25;
  std::vector<std::thread> nodes;
  for (int n = 0; n < kNodes; ++n)
    nodes.emplace_back([&, n] {
      auto store = open_postgres_store(db_.uri());
      int written = 0;
      while (written < kEach) {
        const std::int64_t head = store->head("race");
        auto events = chain(head, 1, "n" + std::to_string(n) + "-" + std::to_string(written) + "-");
        if (store->append(std::vector<Append>{{"race", events, "t"}}).conflicts.empty()) ++written;
      }
    });
  for (auto& t : nodes) t.join();
  auto store = open_postgres_store(db_.uri());
  const auto all = store->read("race", 0, 1000);
  ASSERT_EQ(all.size(), static_cast<size_t>(kNodes * kEach));
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].event.seqNum, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(all[i].event.parentSeqNum, static_cast<std::int64_t>(i));
  }
}

TEST_F(PostgresStore, ReportsOtherNodesAppendsAndResyncsAfterALostConnection) {
  auto node_a = open_postgres_store(db_.uri());
  auto node_b = open_postgres_store(db_.uri());
  EXPECT_FALSE(open_sqlite_store(testing_support::TempDir("runt-pg").path() / "x.sqlite")->watch({}));
  Reports reports;
  auto feed = node_b->watch(reports.handlers());
  ASSERT_TRUE(reports.wait([&] { return reports.resyncs == 1; }));  // listening
  node_a->append(std::vector<Append>{{"nb1", chain(0, 3), "t"}, {"nb2", chain(0, 1), "t"}});
  ASSERT_TRUE(reports.wait([&] { return reports.heads["nb1"] == 3 && reports.heads["nb2"] == 1; }));
  // The listening connection dies (a database restart, a network cut): the feed reconnects and
  // asks for a resync, since what was sent meanwhile is lost.
  pg::Connection admin(db_.uri());
  admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()");
  ASSERT_TRUE(reports.wait([&] { return reports.resyncs == 2; }));
  node_a->append(std::vector<Append>{{"nb1", chain(3, 1), "t"}});
  ASSERT_TRUE(reports.wait([&] { return reports.heads["nb1"] == 4; }));
}

// A log with thousands of touched notebooks in one commit still reports them all: the
// notification is split under PostgreSQL's 8000-byte payload limit.
TEST_F(PostgresStore, ReportsAGroupTooBigForOneNotification) {
  auto node_a = open_postgres_store(db_.uri());
  auto node_b = open_postgres_store(db_.uri());
  Reports reports;
  auto feed = node_b->watch(reports.handlers());
  ASSERT_TRUE(reports.wait([&] { return reports.resyncs == 1; }));
  std::vector<std::vector<WireEvent>> pushes;
  std::vector<Append> group;
  for (int i = 0; i < 600; ++i) pushes.push_back(chain(0, 1));
  for (int i = 0; i < 600; ++i) group.push_back({"notebook-with-a-long-name-" + std::to_string(i), pushes[static_cast<size_t>(i)], "t"});
  node_a->append(group);
  ASSERT_TRUE(reports.wait([&] { return reports.heads.size() == 600; }));
}

TEST_F(PostgresStore, RefusesADatabaseOfANewerRunt) {
  { auto store = open_postgres_store(db_.uri()); }
  pg::Connection admin(db_.uri());
  admin.exec("UPDATE runt_schema SET version = 99 WHERE component = 'events'");
  try {
    open_postgres_store(db_.uri());
    ADD_FAILURE();
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this runt knows"), std::string::npos) << e.what();
  }
}

TEST(PostgresConnection, NamesTheDatabaseItCannotReachWithoutItsPassword) {
  try {
    pg::Connection c("postgresql://runt:secret-pw@127.0.0.1:1/nothing?connect_timeout=2");
    ADD_FAILURE();
  } catch (const StorageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot connect to PostgreSQL at postgresql://runt:***@127.0.0.1:1/nothing"), std::string::npos) << what;
    EXPECT_EQ(what.find("secret-pw"), std::string::npos) << what;
  }
  EXPECT_EQ(pg::redact("postgresql:///db?host=/tmp&password=x&user=u"), "postgresql:///db?host=/tmp&password=***&user=u");
  EXPECT_TRUE(pg::is_postgres_uri("postgres://h/db"));
  EXPECT_FALSE(pg::is_postgres_uri("/var/lib/runt"));
}

// The database goes away under a store and comes back: appends fail with a clear error while
// it is down (nothing is acknowledged), and work again once it is back, without reopening.
// Its own cluster: restarting the shared one would disturb the other tests.
TEST(PostgresOutage, AppendsFailWhileTheDatabaseIsDownAndRecoverAfter) {
  testing_support::ThrowawayCluster cluster;
  auto store = open_postgres_store(cluster.uri());
  store->append(std::vector<Append>{{"nb", chain(0, 1), "t"}});
  pg::Connection plain(cluster.uri());
  plain.set_session("SET synchronous_commit = remote_write");  // not the server's default (on)
  Reports reports;
  auto feed = store->watch(reports.handlers());
  ASSERT_TRUE(reports.wait([&] { return reports.resyncs == 1; }));
  cluster.kill();
  try {
    store->append(std::vector<Append>{{"nb", chain(1, 1), "t"}});
    ADD_FAILURE() << "an append without a database";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("PostgreSQL"), std::string::npos) << e.what();
  }
  cluster.restart();
  // Back: the same store writes again, and the feed resyncs by itself.
  store->append(std::vector<Append>{{"nb", chain(1, 1), "t"}});
  EXPECT_EQ(store->head("nb"), 2);
  // A reconnect is a new session: the settings are made again (synchronous_commit above all).
  EXPECT_EQ(plain.query("SHOW synchronous_commit").text(0, 0), "remote_write");
  EXPECT_TRUE(reports.wait([&] { return reports.resyncs >= 2; }));
}

}  // namespace
}  // namespace runt::storage
