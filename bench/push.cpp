// bench/push: durable append throughput of runt's event store, next to a bare SQLite insert
// loop at the same durability (WAL, synchronous=FULL) measured in the same run.
//   batches of 1 and of 50 events for one notebook, and 100 notebooks committed as one group
//   (what group commit across concurrent pushes buys).
// Usage: push [EVENTS] [DIR]   (default 20000 events, in a fresh temporary directory)

#include "bare_sqlite.hpp"
#include "runt/storage/event_store.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using runt::protocol::WireEvent;
using runt::bench::bare_sqlite;
using runt::bench::kArgs;
using runt::bench::seconds_since;

namespace {


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
  const int events = argc > 1 ? std::atoi(argv[1]) : 20000;
  const fs::path dir = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / ("runt-bench-push-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::printf("bench/push: %d events, WAL + synchronous=FULL, in %s\n", events, dir.c_str());
  int run = 0;
  const auto file = [&] { return dir / ("db" + std::to_string(run++) + ".sqlite"); };
  // The peer runs before and after runt, and the mean is what runt is compared with: a run of
  // a few dozen commits swings with the disk's mood, and both should see the same.
  const auto peer_around = [&](int count, int batch, const auto& measure) {
    const double before = bare_sqlite(file(), count, batch);
    const double ours = measure();
    const double after = bare_sqlite(file(), count, batch);
    return std::pair{ours, (before + after) / 2};
  };
  for (const int batch : {1, 50}) {
    const int count = batch == 1 ? std::min(events, 2000) : events;  // one fsync each: enough to measure
    const auto [ours, peer] = peer_around(count, batch, [&] { return runt_store(file(), count, batch, 1); });
    std::printf("  1 notebook, batches of %-2d  runt %9.0f events/s   bare SQLite loop %9.0f events/s   ratio %.2f\n", batch,
                ours, peer, ours / peer);
  }
  const auto [grouped, peer] = peer_around(events, 100, [&] { return runt_store(file(), events, 1, 100); });
  std::printf("  100 notebooks x 1 event, one group commit  runt %9.0f events/s   bare SQLite loop (100/txn) %9.0f events/s   ratio %.2f\n",
              grouped, peer, grouped / peer);
  fs::remove_all(dir);
  return 0;
}
