#pragma once
// A fresh database on the tests' PostgreSQL cluster (ctest's `postgres` fixture starts it with
// tests/support/pg_cluster.sh and names it in RUNT_TEST_POSTGRES), dropped afterwards.

#include "runt/storage/postgres.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <string>

namespace runt::testing_support {

// The cluster's URI (to its `postgres` database), or "" outside the fixture.
inline std::string postgres_cluster_uri() {
  const char* uri = std::getenv("RUNT_TEST_POSTGRES");
  return uri ? uri : "";
}

// `cluster_uri` with its database name replaced: postgresql:///postgres?host=... -> .../NAME?...
inline std::string with_database(const std::string& cluster_uri, const std::string& name) {
  const size_t path = cluster_uri.find('/', cluster_uri.find("://") + 3);
  const size_t query = cluster_uri.find('?', path);
  return cluster_uri.substr(0, path + 1) + name + (query == std::string::npos ? "" : cluster_uri.substr(query));
}

class PostgresDatabase {
 public:
  PostgresDatabase() : cluster_(postgres_cluster_uri()) {
    if (cluster_.empty()) throw std::runtime_error("RUNT_TEST_POSTGRES is not set: run this test through ctest (fixture postgres)");
    static std::atomic<int> counter{0};
    name_ = "runt_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
            std::to_string(std::random_device{}() % 100000);
    storage::pg::Connection admin(cluster_);
    admin.exec("CREATE DATABASE " + name_);
    uri_ = with_database(cluster_, name_);
  }
  ~PostgresDatabase() {
    try {
      storage::pg::Connection admin(cluster_);
      admin.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // The cluster is gone (the fixture stopped it): nothing to drop.
    }
  }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  const std::string& uri() const { return uri_; }
  const std::string& name() const { return name_; }

 private:
  std::string cluster_;
  std::string name_;
  std::string uri_;
};

}  // namespace runt::testing_support
