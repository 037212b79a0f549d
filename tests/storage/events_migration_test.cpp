// A data directory written by an earlier runt (version 1: events clustered WITHOUT ROWID, no
// version recorded; version 2: a rowid table indexed by store id) opens with every log intact,
// byte for byte, and keeps accepting appends.
#include "runt/storage/event_store.hpp"
#include "runt/storage/sqlite.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace runt::storage {
namespace {

using protocol::WireEvent;

// The columns of versions 1 and 2, and a table of another part of the file.
#define RUNT_OLD_EVENT_COLUMNS                                                                                     \
  "store_id TEXT NOT NULL, seq_num INTEGER NOT NULL, parent_seq_num INTEGER NOT NULL, name TEXT NOT NULL, args TEXT," \
  " created_at TEXT NOT NULL, client_id TEXT NOT NULL, session_id TEXT NOT NULL"
#define RUNT_USERS_TABLE                                                                                   \
  "CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;" \
  "INSERT INTO users VALUES ('bob', 'bob', 1);"

constexpr std::string_view kVersion1 =
    "CREATE TABLE events (" RUNT_OLD_EVENT_COLUMNS ", PRIMARY KEY (store_id, seq_num)) STRICT, WITHOUT ROWID;" RUNT_USERS_TABLE;

constexpr std::string_view kVersion2 =
    "CREATE TABLE schema_versions (part TEXT PRIMARY KEY, version INTEGER NOT NULL) STRICT;"
    "INSERT INTO schema_versions VALUES ('events', 2);"
    "CREATE TABLE events (id INTEGER PRIMARY KEY, " RUNT_OLD_EVENT_COLUMNS ") STRICT;"
    "CREATE UNIQUE INDEX events_by_log ON events (store_id, seq_num);" RUNT_USERS_TABLE;

// Rows as earlier versions stored them, inserted out of log order.
const std::vector<std::pair<std::string, StoredEvent>> kRows{
    {"nbB", {{"v1.CellCreated", R"({"id":"b1", "x": 1.50})", 1, 0, "cB", "sB"}, "2025-01-01T00:00:00.000Z"}},
    {"nbA", {{"v1.Debug", "null", 2, 1, "cA", "sA"}, "2025-01-01T00:00:02.000Z"}},
    {"nbA", {{"v1.NotebookTitleChanged", R"({"title":"caf\u00e9 ☕"})", 1, 0, "cA", "sA"}, "2025-01-01T00:00:01.000Z"}},
    {"nbA", {{"v1.AllExecutionsCancelled", std::nullopt, 3, 2, "cA", "sA"}, "2025-01-01T00:00:03.000Z"}},
    {"nbB", {{"v1.Debug", "{}", 2, 1, "cB", "sB2"}, "2025-01-01T00:00:04.000Z"}},
};

// A file laid out as `layout` (kVersion1 or kVersion2) holding kRows, in kRows' order.
void write_old_version(const std::filesystem::path& file, std::string_view layout) {
  sqlite::Database db(file, layout);
  sqlite::Statement insert(db, "INSERT INTO events (store_id, seq_num, parent_seq_num, name, args, created_at, client_id,"
                               " session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
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

void expect_migrated(std::string_view layout, const char* name) {
  runt::testing_support::TempDir dir{name};
  const auto file = dir.path() / "runt.sqlite";
  write_old_version(file, layout);
  {
    auto store = open_sqlite_store(file);
    expect_logs_intact(*store);
    const std::vector<WireEvent> next{{"v1.Debug", "{}", 4, 3, "c", "s"}};
    store->append(std::vector<Append>{{"nbA", next, "t"}});
    EXPECT_EQ(store->head("nbA"), 4);
    // A log the old file did not have gets its own id.
    const std::vector<WireEvent> first{{"v1.Debug", "{}", 1, 0, "c", "s"}};
    store->append(std::vector<Append>{{"nbC", first, "t"}});
  }
  EXPECT_EQ(events_version(file), 3);
  // Opening again migrates nothing and loses nothing; other tables in the file are untouched.
  auto store = open_sqlite_store(file);
  EXPECT_EQ(store->read("nbA", 3, 10).size(), 1u);
  EXPECT_EQ(store->read("nbB", 0, 10).size(), 2u);
  EXPECT_EQ(store->read("nbC", 0, 10).size(), 1u);
  EXPECT_EQ(store->store_ids(), (std::vector<std::string>{"nbA", "nbB", "nbC"}));
  sqlite::Database db(file, "");
  sqlite::Statement tables(db, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name)");
  ASSERT_TRUE(tables.step());
  EXPECT_EQ(tables.text(0), "event_logs,events,schema_versions,users");
  tables.reset();
  sqlite::Statement indexes(db, "SELECT sql FROM sqlite_schema WHERE name = 'events_by_log'");
  ASSERT_TRUE(indexes.step());
  EXPECT_EQ(indexes.text(0), "CREATE UNIQUE INDEX events_by_log ON events (log, seq_num)");
  indexes.reset();
}

TEST(EventsMigration, Version1LogsReadBackExactlyAndKeepGrowing) { expect_migrated(kVersion1, "runt-events-v1"); }

TEST(EventsMigration, Version2LogsReadBackExactlyAndKeepGrowing) { expect_migrated(kVersion2, "runt-events-v2"); }

TEST(EventsMigration, Version2KeepsInsertionOrder) {
  runt::testing_support::TempDir dir{"runt-events-v2-order"};
  const auto file = dir.path() / "runt.sqlite";
  write_old_version(file, kVersion2);
  { open_sqlite_store(file); }
  sqlite::Database db(file, "");
  sqlite::Statement rows(db, "SELECT l.store_id, e.seq_num FROM events e JOIN event_logs l ON l.id = e.log ORDER BY e.id");
  for (const auto& [store, s] : kRows) {
    ASSERT_TRUE(rows.step());
    EXPECT_EQ(rows.text(0), store);
    EXPECT_EQ(rows.integer(1), s.event.seqNum);
  }
  EXPECT_FALSE(rows.step());
  rows.reset();
}

TEST(EventsMigration, AnEmptyVersion1TableMigrates) {
  runt::testing_support::TempDir dir{"runt-events-v1-empty"};
  const auto file = dir.path() / "runt.sqlite";
  { sqlite::Database db(file, kVersion1); }
  auto store = open_sqlite_store(file);
  EXPECT_TRUE(store->store_ids().empty());
  EXPECT_EQ(events_version(file), 3);
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
