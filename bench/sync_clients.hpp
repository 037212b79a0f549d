#pragma once
// The clients of the push benchmarks through a server: C++ sync clients, each on its own
// notebook of a running `runt serve`, committing for `seconds`. Two ways of committing:
//   lockstep  commit BATCH events, wait until the server has confirmed them (they came back in
//             a pull), commit the next BATCH: one round trip per batch, nothing overlaps;
//   stream    keep committing, as an agent streaming outputs does: the client pushes up to 50
//             pending events as soon as its previous push is acknowledged.

#include "bare_sqlite.hpp"  // seconds_since
#include "runt/sync/client.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace runt::bench {

enum class Committing { lockstep, stream };

struct ClientCase {
  int clients = 1;
  int batch = 1;
  Committing committing = Committing::lockstep;
};

// Events confirmed per second. `round` keeps each call's notebooks apart on one server.
inline double through_server(std::uint16_t port, const ClientCase& setup, double seconds, int round) {
  using namespace std::chrono_literals;
  const int clients = setup.clients, batch = setup.batch;
  boost::asio::io_context io;
  std::vector<std::unique_ptr<sync::SyncClient>> all;
  for (int i = 0; i < clients; ++i) {
    sync::ClientOptions o;
    o.url = "ws://127.0.0.1:" + std::to_string(port) + "/livestore";
    o.store_id = "bench" + std::to_string(round) + "-" + std::to_string(i);
    o.payload = {{"authToken", "bench-token"}};
    o.client_id = "c" + std::to_string(i);
    o.session_id = "s";
    all.push_back(std::make_unique<sync::SyncClient>(io, o));
    all.back()->start();
  }
  auto all_live = [&] {
    for (auto& c : all)
      if (!c->replica().synced()) return false;
    return true;
  };
  while (!all_live()) io.run_for(1ms);
  const schema::events::CellSourceChanged event{"cell-1731600000000-4fzyo82mx9k",
                                                "import pandas as pd\ndf = pd.read_csv('sales.csv')\ndf.describe()", "user_2f9a7c41"};
  long confirmed = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (auto& c : all)
    for (int k = 0; k < batch; ++k) c->commit(event);
  bool topping_up = false;  // commit() notifies subscribers: no re-entry while committing
  for (auto& client : all)
    client->subscribe([&, client = client.get()](const sync::Change& change) {
      confirmed += static_cast<long>(change.confirmed.size());
      if (topping_up || seconds_since(t0) >= seconds) return;
      topping_up = true;
      if (setup.committing == Committing::lockstep) {
        if (client->replica().pending() == 0)
          for (int k = 0; k < batch; ++k) client->commit(event);
      } else {
        while (client->replica().pending() < 2 * static_cast<std::size_t>(batch)) client->commit(event);
      }
      topping_up = false;
    });
  while (seconds_since(t0) < seconds || !all_live()) io.run_for(1ms);
  const double s = seconds_since(t0);
  for (auto& c : all) c->stop();
  io.run_for(50ms);
  return static_cast<double>(confirmed) / s;
}

}  // namespace runt::bench
