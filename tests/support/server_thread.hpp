#pragma once
// A real `runt serve` (in-process, on a real socket and SQLite) on its own thread, with the
// given operator token. The tests and the benchmarks both use it.
// With RUNT_TEST_SERVE_STORE set to a PostgreSQL cluster's URI (the postgres fixture's), the
// server keeps its notebooks in PostgreSQL instead: one database per data directory, so a
// server restarted on the same directory finds what it stored (ctest runs suites so a second
// time: see RUNT_SERVE_ON_POSTGRES in tests/CMakeLists.txt).

#include "runt/auth/accounts.hpp"
#include "runt/serve/server.hpp"
#include "runt/storage/postgres.hpp"

#include "postgres_database.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

namespace runt::testing_support {

class ServerThread {
 public:
  // `web_dir` empty: the build's web UI.
  explicit ServerThread(const std::filesystem::path& data, std::uint16_t port = 0, std::string token = "operator-token",
                        const std::filesystem::path& web_dir = {}) {
    serve::Options options;
    options.port = port;
    options.data_dir = data;
    options.token = std::move(token);
    if (!web_dir.empty()) options.web_dir = web_dir;
    options.store = test_store_for(data);
    start(std::move(options));
  }
  // A server with exactly these options (several nodes on one PostgreSQL store, say).
  explicit ServerThread(serve::Options options) { start(std::move(options)); }
  ~ServerThread() {
    server_->stop();
    thread_.join();
  }
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;
  std::uint16_t port() const { return server_->port(); }

  // "" (SQLite in `data`), or the PostgreSQL database kept for `data` when the tests run on
  // PostgreSQL (created on first use; the fixture's cluster goes with everything at the end).
  static std::string test_store_for(const std::filesystem::path& data) {
    const char* cluster_uri = std::getenv("RUNT_TEST_SERVE_STORE");
    if (!cluster_uri || !*cluster_uri) return "";
    const std::string cluster = cluster_uri;
    const std::string name = "runt_serve_" + std::to_string(std::hash<std::string>{}(std::filesystem::absolute(data).string()) % 1000000007);
    storage::pg::Connection admin(cluster);
    if (admin.query("SELECT 1 FROM pg_database WHERE datname = $1", {name}).empty()) admin.exec("CREATE DATABASE " + name);
    return with_database(cluster, name);
  }

  // The accounts of the server on `data` (in its SQLite file, or its PostgreSQL database), as
  // `runt token` opens them.
  static auth::Accounts accounts_for(const std::filesystem::path& data, std::string token = "") {
    return auth::Accounts::open(test_store_for(data), data, std::move(token));
  }

 private:
  void start(serve::Options options) {
    server_ = std::make_unique<serve::Server>(std::move(options));
    thread_ = std::thread([this] { server_->run(); });
  }
  std::unique_ptr<serve::Server> server_;
  std::thread thread_;
};

}  // namespace runt::testing_support
