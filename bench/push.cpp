// bench/push: durable append throughput of runt's event store, next to a bare SQLite insert
// loop at the same durability (WAL, synchronous=FULL) measured in the same run.
//   batches of 1 and of 50 events for one notebook, and 100 notebooks committed as one group
//   (what group commit across concurrent pushes buys).
// Usage: push [EVENTS] [DIR]   (default 2000 events, in a fresh temporary directory)

#include "runt/storage/event_store.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using runt::protocol::WireEvent;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

const std::string kArgs = R"json({"id":"cell-1731600000000-4fzyo82mx9k","source":"import pandas as pd\ndf = pd.read_csv('sales.csv')\ndf.describe()","modifiedBy":"user_2f9a7c41"})json";

// The peer: the same row shape, one prepared INSERT, one transaction per batch.
double bare_sqlite(const fs::path& file, int events, int batch) {
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
  for (int i = 0; i < events;) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (int k = 0; k < batch && i < events; ++k, ++i) {
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
  return events / s;
}

double runt_store(const fs::path& file, int events, int batch, int notebooks) {
  auto store = runt::storage::open_sqlite_store(file);
  std::vector<std::int64_t> heads(static_cast<size_t>(notebooks), 0);
  const auto t0 = std::chrono::steady_clock::now();
  int written = 0;
  while (written < events) {
    // One group: `notebooks` pushes of `batch` events each, committed together.
    std::vector<std::vector<WireEvent>> pushes;
    std::vector<runt::storage::Append> group;
    for (int n = 0; n < notebooks && written < events; ++n) {
      std::vector<WireEvent> push;
      for (int k = 0; k < batch && written < events; ++k, ++written) {
        auto& head = heads[static_cast<size_t>(n)];
        push.push_back(WireEvent{"v1.CellSourceChanged", kArgs, head + 1, head, "c", "s"});
        ++head;
      }
      pushes.push_back(std::move(push));
    }
    for (size_t n = 0; n < pushes.size(); ++n) group.push_back({"nb" + std::to_string(n), pushes[n], "2025-06-23T03:44:09.014Z"});
    store->append(group);
  }
  return events / seconds_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  const int events = argc > 1 ? std::atoi(argv[1]) : 2000;
  const fs::path dir = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / ("runt-bench-push-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::printf("bench/push: %d events, WAL + synchronous=FULL, in %s\n", events, dir.c_str());
  int run = 0;
  const auto file = [&] { return dir / ("db" + std::to_string(run++) + ".sqlite"); };
  for (const int batch : {1, 50}) {
    const double peer = bare_sqlite(file(), events, batch);
    const double ours = runt_store(file(), events, batch, 1);
    std::printf("  1 notebook, batches of %-2d  runt %9.0f events/s   bare SQLite loop %9.0f events/s   ratio %.2f\n", batch,
                ours, peer, ours / peer);
  }
  const double peer = bare_sqlite(file(), events, 100);
  const double grouped = runt_store(file(), events, 1, 100);
  std::printf("  100 notebooks x 1 event, one group commit  runt %9.0f events/s   bare SQLite loop (100/txn) %9.0f events/s   ratio %.2f\n",
              grouped, peer, grouped / peer);
  fs::remove_all(dir);
  return 0;
}
