// bench/sync_push: acknowledged events per second through `runt serve` (in-process, real
// sockets, real SQLite at synchronous=FULL) from C++ sync clients, each on its own notebook.
// Lockstep and streaming commits: see sync_clients.hpp.
// Next to the bare SQLite loop at the same durability, measured in the same run for as long:
// one transaction (one fsync) per batch.
// Usage: sync_push [SECONDS_PER_CASE] [BATCH]   (default 3 s; every case, or only those with
// batches of BATCH, e.g. to profile one)

#include "bare_sqlite.hpp"
#include "in_process_server.hpp"
#include "sync_clients.hpp"

#include <cstdio>
#include <cstdlib>

namespace {

namespace fs = std::filesystem;
using runt::bench::ClientCase;
using runt::bench::Committing;
using runt::bench::through_server;

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  const int only_batch = argc > 2 ? std::atoi(argv[2]) : 0;
  runt::bench::InProcessServer server("sync");
  const fs::path& dir = server.dir();

  std::printf("bench/sync_push: acknowledged events/s, C++ sync clients -> runt serve -> SQLite (WAL, synchronous=FULL)\n");
  std::printf("  peer: bare SQLite insert loop, same durability, same run\n\n");
  int round = 0;
  for (const ClientCase c : {ClientCase{1, 1}, ClientCase{1, 50}, ClientCase{1, 50, Committing::stream}, ClientCase{10, 1}, ClientCase{100, 1}}) {
    if (only_batch && c.batch != only_batch) continue;
    // The peer writes for as long as runt does, once before and once after it: the disk's mood
    // drifts over seconds, and both sides should see the same drift.
    const auto peer_file = [&](const char* when) { return dir / ("peer" + std::to_string(round) + when + ".sqlite"); };
    const double peer_before = runt::bench::bare_sqlite(peer_file("a"), 0, c.batch, seconds / 2);
    const double runt_rate = through_server(server.port(), c, seconds, round);
    const double peer_after = runt::bench::bare_sqlite(peer_file("b"), 0, c.batch, seconds / 2);
    const double peer = (peer_before + peer_after) / 2;
    ++round;
    std::printf("  %3d client(s), %-9s batches of %2d: runt serve %9.0f ev/s   bare SQLite (1 writer, batches of %2d) %9.0f ev/s   %.2fx\n",
                c.clients, c.committing == Committing::lockstep ? "lockstep," : "stream,", c.batch, runt_rate, c.batch, peer,
                runt_rate / peer);
  }
  return 0;
}
