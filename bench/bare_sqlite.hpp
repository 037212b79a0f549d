#pragma once
// The peer of the push benchmarks: a bare SQLite insert loop at runt's durability (WAL,
// synchronous=FULL), the same row shape, one prepared INSERT, one transaction per batch.

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <string>

namespace runt::bench {

namespace fs = std::filesystem;

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline const std::string kArgs = R"json({"id":"cell-1731600000000-4fzyo82mx9k","source":"import pandas as pd\ndf = pd.read_csv('sales.csv')\ndf.describe()","modifiedBy":"user_2f9a7c41"})json";

// Events per second: `events` inserted, or as many as fit in `seconds` when that is given (so
// that the peer writes for as long as, and about as much as, what it is compared with; a short
// run on a small file flatters it and is at the mercy of a moment's disk noise).
inline double bare_sqlite(const fs::path& file, int events, int batch, double seconds = 0) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                   "CREATE TABLE events (store_id TEXT NOT NULL, seq_num INTEGER NOT NULL, parent_seq_num INTEGER NOT NULL,"
                   " name TEXT NOT NULL, args TEXT, created_at TEXT NOT NULL, client_id TEXT NOT NULL, session_id TEXT NOT NULL,"
                   " PRIMARY KEY (store_id, seq_num)) STRICT, WITHOUT ROWID;",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO events VALUES ('nb', ?, ?, 'v1.CellSourceChanged', ?, '2025-06-23T03:44:09.014Z', 'c', 's')", -1, &insert, nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  const bool timed = seconds > 0;
  int i = 0;
  while (timed ? seconds_since(t0) < seconds : i < events) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (int k = 0; k < batch && (timed || i < events); ++k, ++i) {
      sqlite3_bind_int64(insert, 1, i + 1);
      sqlite3_bind_int64(insert, 2, i);
      sqlite3_bind_text(insert, 3, kArgs.data(), static_cast<int>(kArgs.size()), SQLITE_STATIC);
      sqlite3_step(insert);
      sqlite3_reset(insert);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  const double s = seconds_since(t0);
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return i / s;
}

}  // namespace runt::bench
