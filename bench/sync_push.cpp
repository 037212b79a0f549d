// bench/sync_push: acknowledged events per second through `runt serve` (in-process, real
// sockets, real SQLite at synchronous=FULL) from C++ sync clients, each on its own notebook,
// committing BATCH events and waiting until the server has confirmed them, over and over (as an
// agent streaming outputs does). Next to the bare SQLite loop at the same durability, measured
// in the same run: one transaction (one fsync) per batch.
// Usage: sync_push [SECONDS_PER_CASE] [BATCH]   (default 3 s; every case, or only those with
// batches of BATCH, e.g. to profile one)

#include "bare_sqlite.hpp"
#include "in_process_server.hpp"
#include "runt/sync/client.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <thread>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
namespace events = runt::schema::events;
namespace fs = std::filesystem;

double through_server(std::uint16_t port, int clients, int batch, double seconds, int round) {
  boost::asio::io_context io;
  std::vector<std::unique_ptr<runt::sync::SyncClient>> all;
  for (int i = 0; i < clients; ++i) {
    runt::sync::ClientOptions o;
    o.url = "ws://127.0.0.1:" + std::to_string(port) + "/livestore";
    o.store_id = "bench" + std::to_string(round) + "-" + std::to_string(i);
    o.payload = {{"authToken", "bench-token"}};
    o.client_id = "c" + std::to_string(i);
    o.session_id = "s";
    all.push_back(std::make_unique<runt::sync::SyncClient>(io, o));
    all.back()->start();
  }
  auto all_live = [&] {
    for (auto& c : all)
      if (!c->replica().synced()) return false;
    return true;
  };
  while (!all_live()) io.run_for(1ms);
  const events::CellSourceChanged event{"cell-1731600000000-4fzyo82mx9k",
                                        "import pandas as pd\ndf = pd.read_csv('sales.csv')\ndf.describe()", "user_2f9a7c41"};
  long confirmed = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (auto& c : all)
    for (int k = 0; k < batch; ++k) c->commit(event);
  // Each client commits its next batch as soon as the last one is confirmed.
  for (auto& c : all)
    c->subscribe([&, client = c.get()](const runt::sync::Change& change) {
      confirmed += static_cast<long>(change.confirmed.size());
      if (client->replica().pending() == 0 && runt::bench::seconds_since(t0) < seconds)
        for (int k = 0; k < batch; ++k) client->commit(event);
    });
  while (runt::bench::seconds_since(t0) < seconds || !all_live()) io.run_for(1ms);
  const double s = runt::bench::seconds_since(t0);
  for (auto& c : all) c->stop();
  io.run_for(50ms);
  return static_cast<double>(confirmed) / s;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  const int only_batch = argc > 2 ? std::atoi(argv[2]) : 0;
  runt::bench::InProcessServer server("sync");
  const fs::path& dir = server.dir();

  std::printf("bench/sync_push: acknowledged events/s, C++ sync clients -> runt serve -> SQLite (WAL, synchronous=FULL)\n");
  std::printf("  peer: bare SQLite insert loop, same durability, same run\n\n");
  struct Case {
    int clients, batch;
  };
  int round = 0;
  for (const Case c : {Case{1, 1}, Case{1, 50}, Case{10, 1}, Case{100, 1}}) {
    if (only_batch && c.batch != only_batch) continue;
    const double peer = runt::bench::bare_sqlite(dir / ("peer" + std::to_string(round) + ".sqlite"), c.batch == 1 ? 2000 : 50000, c.batch);
    const double runt_rate = through_server(server.port(), c.clients, c.batch, seconds, round++);
    std::printf("  %3d client(s), batches of %2d: runt serve %9.0f ev/s   bare SQLite (1 writer, batches of %2d) %9.0f ev/s   %.2fx\n",
                c.clients, c.batch, runt_rate, c.batch, peer, runt_rate / peer);
  }
  return 0;
}
