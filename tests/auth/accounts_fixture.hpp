#pragma once
// Accounts under test on either of the places they are kept: SQLite in a temp directory, or a
// fresh database on the tests' PostgreSQL cluster (ctest fixture postgres). The contract tests
// (accounts_test.cpp) run on both; accounts_sqlite_test.cpp and accounts_postgres_test.cpp
// instantiate them and add what only one backend has.

#include "runt/auth/accounts.hpp"
#include "runt/storage/postgres.hpp"
#include "runt/storage/sqlite.hpp"

#include "postgres_database.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <ostream>
#include <string>

namespace runt::auth {

enum class Backend { sqlite, postgres };
inline void PrintTo(Backend backend, std::ostream* os) { *os << (backend == Backend::sqlite ? "sqlite" : "postgres"); }

inline std::string backend_name(const testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "sqlite" : "postgres";
}

class AccountsTest : public testing::TestWithParam<Backend> {
 protected:
  AccountsTest()
      : pg_(GetParam() == Backend::postgres ? std::make_unique<testing_support::PostgresDatabase>() : nullptr) {}

  // Where `runt serve --store` would point: "" for SQLite in dir_.
  std::string store() const { return pg_ ? pg_->uri() : ""; }
  // Another Accounts on the same records (a restart, `runt token`, another node).
  Accounts open(std::string server_token) { return Accounts::open(store(), dir_.path(), std::move(server_token)); }

  // Straight to the tables, past Accounts: the same SQL on both.
  void exec(const std::string& sql) {
    if (pg_) {
      storage::pg::Connection(pg_->uri()).exec(sql);
    } else {
      storage::sqlite::Database(dir_.path() / "runt.sqlite", "").exec(sql);
    }
  }
  std::int64_t integer(const std::string& sql) {
    if (pg_) return storage::pg::Connection(pg_->uri()).query(sql).integer(0, 0);
    storage::sqlite::Database db(dir_.path() / "runt.sqlite", "");
    storage::sqlite::Statement q(db, sql.c_str());
    EXPECT_TRUE(q.step()) << sql;
    const std::int64_t value = q.integer(0);
    q.reset();
    return value;
  }
  // Everything the accounts keep, as bytes or text: to show a secret is not among them.
  std::string stored() {
    if (pg_) {
      const auto r = storage::pg::Connection(pg_->uri())
                         .query("SELECT coalesce(string_agg(row, ' '), '') FROM ("
                                " SELECT t::text AS row FROM users t UNION ALL SELECT t::text FROM api_keys t"
                                " UNION ALL SELECT t::text FROM sessions t) rows");
      return std::string(r.text(0, 0));
    }
    std::ifstream file(dir_.path() / "runt.sqlite", std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(file)), {});
  }

  testing_support::TempDir dir_{"runt-accounts"};
  std::unique_ptr<testing_support::PostgresDatabase> pg_;
  Accounts accounts_ = open("server-token");

  User user(const std::string& name) {
    const auto u = accounts_.authenticate(accounts_.create_key(name));
    EXPECT_TRUE(u);
    return *u;
  }
};

}  // namespace runt::auth
