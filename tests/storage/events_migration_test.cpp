// A data directory written by an earlier runt (events clustered WITHOUT ROWID, no version
// recorded) opens with every log intact, byte for byte, and keeps accepting appends.
#include "runt/storage/event_store.hpp"
#include "runt/storage/sqlite.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace runt::storage {
namespace {

using protocol::WireEvent;

constexpr std::string_view kVersion1 = R"(
    CREATE TABLE events (
      store_id TEXT NOT NULL,
      seq_num INTEGER NOT NULL,
      parent_seq_num INTEGER NOT NULL,
      name TEXT NOT NULL,
      args TEXT,
      created_at TEXT NOT NULL,
      client_id TEXT NOT NULL,
      session_id TEXT NOT NULL,
      PRIMARY KEY (store_id, seq_num)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;
    INSERT INTO users VALUES ('bob', 'bob', 1);
)";

// Rows as version 1 stored them, inserted out of log order.
const std::vector<std::pair<std::string, StoredEvent>> kRows{
    {"nbB", {{"v1.CellCreated", R"({"id":"b1", "x": 1.50})", 1, 0, "cB", "sB"}, "2025-01-01T00:00:00.000Z"}},
    {"nbA", {{"v1.Debug", "null", 2, 1, "cA", "sA"}, "2025-01-01T00:00:02.000Z"}},
    {"nbA", {{"v1.NotebookTitleChanged", R"({"title":"caf\u00e9 ☕"})", 1, 0, "cA", "sA"}, "2025-01-01T00:00:01.000Z"}},
    {"nbA", {{"v1.AllExecutionsCancelled", std::nullopt, 3, 2, "cA", "sA"}, "2025-01-01T00:00:03.000Z"}},
    {"nbB", {{"v1.Debug", "{}", 2, 1, "cB", "sB2"}, "2025-01-01T00:00:04.000Z"}},
};

void write_version_1(const std::filesystem::path& file) {
  sqlite::Database db(file, kVersion1);
  sqlite::Statement insert(db, "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& [store, s] : kRows) {
    insert.bind(1, store).bind(2, s.event.seqNum).bind(3, s.event.parentSeqNum).bind(4, s.event.name);
    if (s.event.args)
      insert.bind(5, *s.event.args);
    else
      insert.bind_null(5);
    insert.bind(6, s.createdAt).bind(7, s.event.clientId).bind(8, s.event.sessionId);
    insert.run();
  }
}

std::vector<StoredEvent> expected(const std::string& store) {
  std::vector<StoredEvent> out;
  for (const auto& [s, e] : kRows)
    if (s == store) out.push_back(e);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.event.seqNum < b.event.seqNum; });
  return out;
}

void expect_logs_intact(EventStore& store) {
  EXPECT_EQ(store.store_ids(), (std::vector<std::string>{"nbA", "nbB"}));
  for (const std::string id : {"nbA", "nbB"}) {
    const auto back = store.read(id, 0, 100);
    const auto want = expected(id);
    ASSERT_EQ(back.size(), want.size()) << id;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(back[i].event, want[i].event) << id << " e" << want[i].event.seqNum;
      EXPECT_EQ(back[i].createdAt, want[i].createdAt);
    }
    EXPECT_EQ(store.head(id), static_cast<std::int64_t>(want.size()));
  }
  ASSERT_TRUE(store.last("nbA", "v1.NotebookTitleChanged"));
  EXPECT_EQ(store.last("nbA", "v1.NotebookTitleChanged")->event.args, R"({"title":"caf\u00e9 ☕"})");
  EXPECT_EQ(store.last("nbA")->event.args, std::nullopt);
}

int events_version(const std::filesystem::path& file) {
  sqlite::Database db(file, "");
  sqlite::Statement q(db, "SELECT version FROM schema_versions WHERE part = 'events'");
  return q.step() ? static_cast<int>(q.integer(0)) : 0;
}

TEST(EventsMigration, Version1LogsReadBackExactlyAndKeepGrowing) {
  runt::testing_support::TempDir dir{"runt-events-v1"};
  const auto file = dir.path() / "runt.sqlite";
  write_version_1(file);
  {
    auto store = open_sqlite_store(file);
    expect_logs_intact(*store);
    const std::vector<WireEvent> next{{"v1.Debug", "{}", 4, 3, "c", "s"}};
    store->append(std::vector<Append>{{"nbA", next, "t"}});
    EXPECT_EQ(store->head("nbA"), 4);
  }
  EXPECT_EQ(events_version(file), 2);
  // Opening again migrates nothing and loses nothing; other tables in the file are untouched.
  auto store = open_sqlite_store(file);
  EXPECT_EQ(store->read("nbA", 3, 10).size(), 1u);
  EXPECT_EQ(store->read("nbB", 0, 10).size(), 2u);
  sqlite::Database db(file, "");
  sqlite::Statement tables(db, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name)");
  ASSERT_TRUE(tables.step());
  EXPECT_EQ(tables.text(0), "events,schema_versions,users");
}

TEST(EventsMigration, AnEmptyVersion1TableMigrates) {
  runt::testing_support::TempDir dir{"runt-events-v1-empty"};
  const auto file = dir.path() / "runt.sqlite";
  { sqlite::Database db(file, kVersion1); }
  auto store = open_sqlite_store(file);
  EXPECT_TRUE(store->store_ids().empty());
  EXPECT_EQ(events_version(file), 2);
}

TEST(EventsMigration, RefusesALayoutNewerThanItKnows) {
  runt::testing_support::TempDir dir{"runt-events-future"};
  const auto file = dir.path() / "runt.sqlite";
  { open_sqlite_store(file); }
  { sqlite::Database(file, "").exec("UPDATE schema_versions SET version = 99 WHERE part = 'events'"); }
  EXPECT_THROW(open_sqlite_store(file), StorageError);
}

}  // namespace
}  // namespace runt::storage
