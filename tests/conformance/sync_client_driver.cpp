// The C++ sync client as a process, for the conformance scripts: it commits ROUNDS cells (a
// v2.CellCreated and a v1.CellSourceChanged each, one round every PACE_MS) to STORE, riding out
// disconnects, until its confirmed log reaches TOTAL events with nothing pending. Then it prints
// the notebook's cells as JSON (id, fractionalIndex, cellType, source) and exits 0; after 60 s
// it exits 1.
// Usage: sync_client_driver URL STORE TOKEN NAME ROUNDS PACE_MS TOTAL
#include "runt/schema/queries.hpp"
#include "runt/sync/client.hpp"

#include <boost/asio.hpp>

#include <iostream>

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  if (argc != 8) {
    std::cerr << "usage: sync_client_driver URL STORE TOKEN NAME ROUNDS PACE_MS TOTAL\n";
    return 2;
  }
  const std::string name = argv[4];
  const int rounds = std::stoi(argv[5]);
  const auto pace = std::chrono::milliseconds(std::stoi(argv[6]));
  const std::int64_t total = std::stoll(argv[7]);

  boost::asio::io_context io;
  runt::sync::ClientOptions options;
  options.url = argv[1];
  options.store_id = argv[2];
  options.payload = {{"authToken", argv[3]}};
  options.client_id = name;
  options.session_id = name + "-session";
  options.min_backoff = 50ms;
  options.max_backoff = 500ms;
  options.log = [&](const std::string& line) { std::cerr << name << ": " << line << "\n"; };
  runt::sync::SyncClient client(io, options);
  int rebases = 0;
  client.subscribe([&](const runt::sync::Change& change) {
    rebases += change.rebased;
    if (!change.error.empty()) std::cerr << name << ": " << change.error << "\n";
  });
  client.start();

  int committed = 0;
  boost::asio::steady_timer pacer(io);
  std::function<void()> next = [&] {
    if (committed == rounds) return;
    const std::string id = name + "-" + std::to_string(committed);
    client.commit(runt::schema::events::CellCreatedV2{id, "k-" + id, runt::schema::CellType::code, name});
    client.commit(runt::schema::events::CellSourceChanged{id, "print(" + std::to_string(committed) + ")", name});
    ++committed;
    pacer.expires_after(pace);
    pacer.async_wait([&](boost::system::error_code ec) {
      if (!ec) next();
    });
  };
  next();

  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!(committed == rounds && client.replica().synced() && client.replica().head() >= total)) {
    if (std::chrono::steady_clock::now() > deadline) {
      std::cerr << name << ": gave up at head " << client.replica().head() << " with " << client.replica().pending()
                << " pending\n";
      return 1;
    }
    io.run_for(10ms);
    io.restart();
  }
  runt::schema::Json cells = runt::schema::Json::array();
  for (const auto* cell : runt::schema::cells_in_order(client.replica().state()))
    cells.push_back({{"id", cell->id},
                     {"fractionalIndex", cell->fractionalIndex.value_or("")},
                     {"cellType", std::string(runt::schema::to_string(cell->cellType))},
                     {"source", cell->source}});
  std::cout << runt::schema::to_js_string(cells) << std::endl;
  std::cerr << name << ": converged at e" << client.replica().head() << " after " << client.connections()
            << " connection(s) and " << rebases << " rebase(s)\n";
  client.stop();
  io.run_for(100ms);
  return 0;
}
