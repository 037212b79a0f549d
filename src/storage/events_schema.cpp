#include "events_schema.hpp"

namespace runt::storage {

namespace {

// Version 2: a rowid table appended in insertion order, found by a unique index on
// (store_id, seq_num). A group commit of N notebooks dirties the table's last page or two and
// the index leaves holding the N logs' tails; version 1 (clustered WITHOUT ROWID on that key)
// dirtied one leaf of ~16 rows per notebook. Index entries are ~10x smaller than rows, so their
// tails share leaves far longer: fewer 4 KiB WAL frames per commit, fewer checkpoint writes.
// Reading one log now visits a row page per event where its events are interleaved with others'.
constexpr int kVersion = 2;

constexpr std::string_view kTable = R"(
    CREATE TABLE events (
      id INTEGER PRIMARY KEY,  -- insertion order: appends land on the table's last page
      store_id TEXT NOT NULL,
      seq_num INTEGER NOT NULL,
      parent_seq_num INTEGER NOT NULL,
      name TEXT NOT NULL,
      args TEXT,            -- exact JSON text as pushed; NULL when the event had no args
      created_at TEXT NOT NULL,
      client_id TEXT NOT NULL,
      session_id TEXT NOT NULL
    ) STRICT;
)";
constexpr std::string_view kIndex = "CREATE UNIQUE INDEX events_by_log ON events (store_id, seq_num)";

// Version 1 (until this layout):
//   CREATE TABLE events (store_id, seq_num, parent_seq_num, name, args, created_at, client_id,
//     session_id, PRIMARY KEY (store_id, seq_num)) STRICT, WITHOUT ROWID;
// Its rows are copied log by log, so that migrated logs are stored contiguously, and the index
// is built once they are all in.
void migrate_from_version_1(sqlite::Database& db) {
  db.exec("ALTER TABLE events RENAME TO events_v1");
  db.exec(kTable);
  db.exec(
      "INSERT INTO events (store_id, seq_num, parent_seq_num, name, args, created_at, client_id, session_id)"
      " SELECT store_id, seq_num, parent_seq_num, name, args, created_at, client_id, session_id"
      " FROM events_v1 ORDER BY store_id, seq_num");
  db.exec("DROP TABLE events_v1");
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
  if (table_exists(db, "events")) {
    migrate_from_version_1(db);
  } else {
    db.exec(kTable);
    db.exec(kIndex);
  }
  db.exec("INSERT OR REPLACE INTO schema_versions VALUES ('events', " + std::to_string(kVersion) + ")");
  transaction.commit();
}

}  // namespace runt::storage
