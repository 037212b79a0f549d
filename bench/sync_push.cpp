// bench/sync_push: acknowledged events per second through `runt serve` (in-process, real
// sockets, real SQLite at synchronous=FULL) from C++ sync clients, each on its own notebook.
// Two ways of committing:
//   lockstep  commit BATCH events, wait until the server has confirmed them (they came back in
//             a pull), commit the next BATCH: one round trip per batch, nothing overlaps;
//   stream    keep committing, as an agent streaming outputs does: the client pushes up to 50
//             pending events as soon as its previous push is acknowledged.
// Next to the bare SQLite loop at the same durability, measured in the same run for as long:
// one transaction (one fsync) per batch.
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

enum class Committing { lockstep, stream };

struct Case {
  int clients = 1;
  int batch = 1;
  Committing committing = Committing::lockstep;
};

double through_server(std::uint16_t port, const Case& setup, double seconds, int round) {
  const int clients = setup.clients, batch = setup.batch;
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
  bool topping_up = false;  // commit() notifies subscribers: no re-entry while committing
  for (auto& client : all)
    client->subscribe([&, client = client.get()](const runt::sync::Change& change) {
      confirmed += static_cast<long>(change.confirmed.size());
      if (topping_up || runt::bench::seconds_since(t0) >= seconds) return;
      topping_up = true;
      if (setup.committing == Committing::lockstep) {
        if (client->replica().pending() == 0)
          for (int k = 0; k < batch; ++k) client->commit(event);
      } else {
        while (client->replica().pending() < 2 * static_cast<std::size_t>(batch)) client->commit(event);
      }
      topping_up = false;
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
  int round = 0;
  for (const Case c : {Case{1, 1}, Case{1, 50}, Case{1, 50, Committing::stream}, Case{10, 1}, Case{100, 1}}) {
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
