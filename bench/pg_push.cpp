// bench/pg_push: durable append throughput of runt's PostgreSQL event store, next to a bare libpq
// insert loop at the same durability (fsync=on, synchronous_commit=on) measured in the same run,
// and runt's SQLite store (WAL, synchronous=FULL) on the same cases:
//   batches of 1 and of 50 events for one notebook (one append, one commit, per batch), and 100
//   notebooks x 1 event committed as one group (what group commit across concurrent pushes buys).
// The peer inserts the same rows into the same tables (event_logs + events, runt's schema v1)
// with one prepared INSERT per row and BEGIN ... COMMIT per batch (100 rows for the group case).
// Every run gets a fresh database. The peer runs before and after runt; runt is compared with
// the mean (the disk's mood drifts over a run; both sides should see the same drift).
// Then the same through `runt serve` (in-process, real sockets, on a fresh database) from C++
// sync clients in lockstep (sync_clients.hpp): 1 client with batches of 1 and of 50, and 100
// clients each on its own notebook; next to the bare libpq loop writing for as long (half
// before, half after), one writer with the clients' batch size, as bench/sync_push does.
// Usage: pg_push [EVENTS] [SECONDS] [URI]   (default 20000 events per store case, 3 s per server
// case; without URI, a throwaway cluster of its own in a temporary directory, started and
// stopped with tests/support/pg_cluster.sh; with one, databases runt_bench_* are created on
// that cluster and dropped)

#include "bare_sqlite.hpp"  // kArgs, seconds_since
#include "runt/serve/server.hpp"
#include "runt/storage/event_store.hpp"
#include "server_thread.hpp"
#include "sync_clients.hpp"
#include "throwaway_cluster.hpp"

#include <libpq-fe.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using runt::bench::kArgs;
using runt::bench::seconds_since;
using runt::protocol::WireEvent;

namespace {

constexpr const char* kCreatedAt = "2025-06-23T03:44:09.014Z";


struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;

PgConn connect(const std::string& uri) {
  PgConn c(PQconnectdb(uri.c_str()));
  if (PQstatus(c.get()) != CONNECTION_OK) throw std::runtime_error(std::string("connect: ") + PQerrorMessage(c.get()));
  return c;
}

void exec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  const auto status = PQresultStatus(r);
  const std::string error = PQresultErrorMessage(r);
  PQclear(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(sql + ": " + error);
}

// `cluster_uri` naming another database: postgresql:///postgres?host=... -> .../NAME?host=...
std::string with_database(const std::string& cluster_uri, const std::string& name) {
  const size_t path = cluster_uri.find('/', cluster_uri.find("://") + 3);
  const size_t query = cluster_uri.find('?', path);
  return cluster_uri.substr(0, path + 1) + name + (query == std::string::npos ? "" : cluster_uri.substr(query));
}

// A fresh database per run, dropped afterwards: every run starts on empty tables.
class Database {
 public:
  Database(const std::string& cluster_uri, int number)
      : cluster_(cluster_uri), name_("runt_bench_" + std::to_string(::getpid()) + "_" + std::to_string(number)) {
    exec(connect(cluster_).get(), "CREATE DATABASE " + name_);
    uri_ = with_database(cluster_, name_);
  }
  ~Database() {
    try {
      exec(connect(cluster_).get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pg_push: %s\n", e.what());
    }
  }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  const std::string& uri() const { return uri_; }

 private:
  std::string cluster_, name_, uri_;
};

// runt's schema v1 (src/storage/postgres_store.cpp), so that the peer writes the same rows into
// the same indexes.
constexpr const char* kSchema = R"(
  CREATE TABLE event_logs (id bigserial PRIMARY KEY, store_id text NOT NULL UNIQUE, head bigint NOT NULL DEFAULT 0);
  CREATE TABLE events (
    log bigint NOT NULL REFERENCES event_logs (id), seq_num bigint NOT NULL, parent_seq_num bigint NOT NULL,
    name text NOT NULL, args text, created_at text NOT NULL, client_id text NOT NULL, session_id text NOT NULL,
    PRIMARY KEY (log, seq_num));
)";

// The peer: `events` rows into `notebooks` logs, `batch` rows (round-robin over the logs) per
// transaction, one prepared INSERT per row; or as many as fit in `seconds` when that is given.
double bare_libpq(const std::string& uri, int events, int batch, int notebooks, double seconds = 0) {
  const PgConn c = connect(uri);
  exec(c.get(), "SET synchronous_commit = on");
  exec(c.get(), kSchema);
  exec(c.get(), "INSERT INTO event_logs (store_id) SELECT 'nb' || n FROM generate_series(0, " + std::to_string(notebooks - 1) + ") n");
  PGresult* prepared = PQprepare(c.get(), "insert",
                                 "INSERT INTO events VALUES ($1, $2, $3, 'v1.CellSourceChanged', $4, '2025-06-23T03:44:09.014Z', 'c', 's')",
                                 4, nullptr);
  if (PQresultStatus(prepared) != PGRES_COMMAND_OK) throw std::runtime_error(PQresultErrorMessage(prepared));
  PQclear(prepared);
  std::vector<std::int64_t> heads(static_cast<size_t>(notebooks), 0);
  const auto t0 = std::chrono::steady_clock::now();
  const bool timed = seconds > 0;
  int written = 0, log = 0;
  while (timed ? seconds_since(t0) < seconds : written < events) {
    exec(c.get(), "BEGIN");
    for (int k = 0; k < batch && (timed || written < events); ++k, ++written) {
      auto& head = heads[static_cast<size_t>(log)];
      const std::string id = std::to_string(log + 1), seq = std::to_string(head + 1), parent = std::to_string(head);
      const char* values[] = {id.c_str(), seq.c_str(), parent.c_str(), kArgs.c_str()};
      PGresult* r = PQexecPrepared(c.get(), "insert", 4, values, nullptr, nullptr, 0);
      if (PQresultStatus(r) != PGRES_COMMAND_OK) throw std::runtime_error(PQresultErrorMessage(r));
      PQclear(r);
      ++head;
      log = (log + 1) % notebooks;
    }
    exec(c.get(), "COMMIT");
  }
  return written / seconds_since(t0);
}

// runt's store: `notebooks` pushes of `batch` events each per append (one transaction).
double runt_store(runt::storage::EventStore& store, int events, int batch, int notebooks) {
  std::vector<std::int64_t> heads(static_cast<size_t>(notebooks), 0);
  const auto t0 = std::chrono::steady_clock::now();
  int written = 0;
  while (written < events) {
    std::vector<std::vector<WireEvent>> pushes;
    for (int n = 0; n < notebooks && written < events; ++n) {
      std::vector<WireEvent> push;
      for (int k = 0; k < batch && written < events; ++k, ++written) {
        auto& head = heads[static_cast<size_t>(n)];
        push.push_back(WireEvent{"v1.CellSourceChanged", kArgs, head + 1, head, "c", "s"});
        ++head;
      }
      pushes.push_back(std::move(push));
    }
    std::vector<runt::storage::Append> group;
    for (size_t n = 0; n < pushes.size(); ++n) group.push_back({"nb" + std::to_string(n), pushes[n], kCreatedAt});
    store.append(group);
  }
  return events / seconds_since(t0);
}

struct Case {
  const char* label;
  int batch;      // events per push
  int notebooks;  // pushes per append (group commit)
};

}  // namespace

int main(int argc, char** argv) try {
  const int events = argc > 1 ? std::atoi(argv[1]) : 20000;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 3.0;
  std::unique_ptr<runt::testing_support::ThrowawayCluster> own;
  std::string cluster = argc > 3 ? argv[3] : "";
  if (cluster.empty()) {
    own = std::make_unique<runt::testing_support::ThrowawayCluster>();
    cluster = own->uri();
  }
  const PgConn probe = connect(cluster);
  PGresult* fsync = PQexec(probe.get(), "SHOW fsync");
  std::printf("bench/pg_push: %d events, PostgreSQL %s (fsync=%s, synchronous_commit=on) on %s\n", events,
              PQparameterStatus(probe.get(), "server_version"), PQgetvalue(fsync, 0, 0),
              own ? "a throwaway cluster" : "the given cluster");
  PQclear(fsync);
  std::printf("  peer: bare libpq loop, same rows and tables, one prepared INSERT per row, BEGIN/COMMIT per batch\n");
  std::printf("  also: runt's SQLite store (WAL, synchronous=FULL) on the same case, in the same run\n\n");

  std::string scratch = "/tmp/runt-bench-pg-push-XXXXXX";
  if (!::mkdtemp(scratch.data())) throw std::runtime_error("mkdtemp failed");
  int database = 0;
  const auto fresh = [&] { return std::make_unique<Database>(cluster, database++); };
  for (const Case c : {Case{"1 notebook, batches of 1 ", 1, 1}, Case{"1 notebook, batches of 50", 50, 1},
                       Case{"100 notebooks x 1 event, one group", 1, 100}}) {
    const int count = c.batch * c.notebooks == 1 ? std::min(events, 2000) : events;  // one fsync each: enough to measure
    const int peer_batch = c.batch * c.notebooks;
    double before = 0, ours = 0, after = 0;
    {
      const auto db = fresh();
      before = bare_libpq(db->uri(), count, peer_batch, c.notebooks);
    }
    {
      const auto db = fresh();
      auto store = runt::storage::open_postgres_store(db->uri());
      ours = runt_store(*store, count, c.batch, c.notebooks);
    }
    {
      const auto db = fresh();
      after = bare_libpq(db->uri(), count, peer_batch, c.notebooks);
    }
    double sqlite = 0;
    {
      auto store = runt::storage::open_sqlite_store(fs::path(scratch) / ("db" + std::to_string(database) + ".sqlite"));
      sqlite = runt_store(*store, count, c.batch, c.notebooks);
    }
    const double peer = (before + after) / 2;
    std::printf("  %-35s runt PG %8.0f ev/s   bare libpq %8.0f ev/s (%.0f, %.0f)   ratio %.2f   | runt SQLite %8.0f ev/s\n",
                c.label, ours, peer, before, after, ours / peer, sqlite);
    std::fflush(stdout);
  }

  std::printf("\n  through runt serve (in-process) on PostgreSQL, C++ sync clients in lockstep:\n");
  {
    const auto db = fresh();
    runt::serve::Options options;
    options.port = 0;
    options.data_dir = fs::path(scratch) / "server";
    options.token = "bench-token";
    options.store = db->uri();
    runt::testing_support::ServerThread server(std::move(options));
    int round = 0;
    for (const runt::bench::ClientCase c : {runt::bench::ClientCase{1, 1}, runt::bench::ClientCase{1, 50}, runt::bench::ClientCase{100, 1}}) {
      double before = 0, after = 0;
      {
        const auto peer_db = fresh();
        before = bare_libpq(peer_db->uri(), 0, c.batch, 1, seconds / 2);
      }
      const double ours = runt::bench::through_server(server.port(), c, seconds, round++);
      {
        const auto peer_db = fresh();
        after = bare_libpq(peer_db->uri(), 0, c.batch, 1, seconds / 2);
      }
      const double peer = (before + after) / 2;
      std::printf("  %3d client(s), batches of %2d           runt serve %8.0f ev/s   bare libpq (1 writer, batches of %2d) %8.0f ev/s   ratio %.2f\n",
                  c.clients, c.batch, ours, c.batch, peer, ours / peer);
      std::fflush(stdout);
    }
  }
  fs::remove_all(scratch);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "pg_push: %s\n", e.what());
  return 1;
}
