#include "events_schema.hpp"

#include <string>

namespace runt::storage {

namespace {

// Version 3: the rows of version 2 (below) name their log by a small integer, given by the
// `event_logs` table, instead of repeating its store id. The unique index on (log, seq_num)
// then holds a few bytes per event instead of the id's text: more logs' tails share a leaf, so
// a group commit of many notebooks dirties fewer index pages (fewer WAL frames, fewer
// checkpoint writes), and every comparison is of integers.
//
// Version 2: a rowid table appended in insertion order, found by a unique index on
// (store_id, seq_num). A group commit of N notebooks dirties the table's last page or two and
// the index leaves holding the N logs' tails; version 1 (clustered WITHOUT ROWID on that key)
// dirtied one leaf of ~16 rows per notebook. Reading one log visits a row page per event where
// its events are interleaved with others'.
constexpr int kVersion = 3;

constexpr std::string_view kTables = R"(
    CREATE TABLE event_logs (
      id INTEGER PRIMARY KEY,
      store_id TEXT NOT NULL UNIQUE
    ) STRICT;
    CREATE TABLE events (
      id INTEGER PRIMARY KEY,  -- insertion order: appends land on the table's last page
      log INTEGER NOT NULL,    -- event_logs.id
      seq_num INTEGER NOT NULL,
      parent_seq_num INTEGER NOT NULL,
      name TEXT NOT NULL,
      args TEXT,            -- exact JSON text as pushed; NULL when the event had no args
      created_at TEXT NOT NULL,
      client_id TEXT NOT NULL,
      session_id TEXT NOT NULL
    ) STRICT;
)";
constexpr std::string_view kIndex = "CREATE UNIQUE INDEX events_by_log ON events (log, seq_num)";

// Copies an older `events` table (renamed `old_table`, with a store_id column) into the
// current layout, rows in `order`, and builds the index once they are all in.
//   Version 1: CREATE TABLE events (store_id, seq_num, parent_seq_num, name, args, created_at,
//     client_id, session_id, PRIMARY KEY (store_id, seq_num)) STRICT, WITHOUT ROWID;
//     copied log by log, so that migrated logs are stored contiguously.
//   Version 2: the same columns after `id INTEGER PRIMARY KEY`, UNIQUE INDEX events_by_log ON
//     (store_id, seq_num); copied in insertion order.
void migrate(sqlite::Database& db, const std::string& old_table, const std::string& order) {
  db.exec("DROP INDEX IF EXISTS events_by_log");  // version 2's, which the new index is named after
  db.exec("ALTER TABLE events RENAME TO " + old_table);
  db.exec(kTables);
  db.exec("INSERT INTO event_logs (store_id) SELECT DISTINCT store_id FROM " + old_table + " ORDER BY store_id");
  db.exec(
      "INSERT INTO events (log, seq_num, parent_seq_num, name, args, created_at, client_id, session_id)"
      " SELECT l.id, e.seq_num, e.parent_seq_num, e.name, e.args, e.created_at, e.client_id, e.session_id"
      " FROM " + old_table + " e JOIN event_logs l ON l.store_id = e.store_id ORDER BY " + order);
  db.exec("DROP TABLE " + old_table);
  db.exec(kIndex);
}

// The file is shared with the account tables, so versions are kept per part, not in
// PRAGMA user_version.
constexpr std::string_view kVersions =
    "CREATE TABLE IF NOT EXISTS schema_versions (part TEXT PRIMARY KEY, version INTEGER NOT NULL) STRICT";

bool table_exists(sqlite::Database& db, const char* name) {
  sqlite::Statement q(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
  q.bind(1, std::string_view(name));
  const bool found = q.step();
  q.reset();
  return found;
}

}  // namespace

void ensure_events_schema(sqlite::Database& db) {
  sqlite::Transaction transaction(db);  // BEGIN IMMEDIATE: one migrator at a time
  db.exec(kVersions);
  int version = 0;
  {
    sqlite::Statement q(db, "SELECT version FROM schema_versions WHERE part = 'events'");
    if (q.step()) version = static_cast<int>(q.integer(0));
    q.reset();
  }
  if (version > kVersion)
    throw StorageError("events table is version " + std::to_string(version) + ", newer than this runt (" +
                       std::to_string(kVersion) + ")");
  if (version == kVersion) return;  // nothing to do: the transaction rolls back, writing nothing
  // Before versions were recorded there was only version 1.
  if (version == 2) {
    migrate(db, "events_v2", "e.id");
  } else if (table_exists(db, "events")) {
    migrate(db, "events_v1", "e.store_id, e.seq_num");
  } else {
    db.exec(kTables);
    db.exec(kIndex);
  }
  db.exec("INSERT OR REPLACE INTO schema_versions VALUES ('events', " + std::to_string(kVersion) + ")");
  transaction.commit();
}

}  // namespace runt::storage
