#pragma once
// Thin RAII over the SQLite C API, shared by the event store and the account tables.

#include "runt/storage/event_store.hpp"  // StorageError

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace runt::storage::sqlite {

// One connection in WAL mode with synchronous=FULL and a 5 s busy timeout (other processes,
// such as `runt token create`, may write the same file). Creates the file and its directory.
class Database {
 public:
  Database(const std::filesystem::path& file, std::string_view schema_sql);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  void exec(std::string_view sql);  // statements without results
  sqlite3* handle() const { return db_; }
  // Transaction control, prepared once: a store that commits thousands of times a second
  // should not parse "COMMIT" each time.
  void begin_immediate();
  void commit();
  void rollback();

 private:
  void run_prepared(sqlite3_stmt* statement);
  sqlite3* db_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* rollback_ = nullptr;
};

// Rows changed by the connection's last INSERT, UPDATE or DELETE.
int changes(const Database& db);
// The rowid of the connection's last successful INSERT.
std::int64_t last_insert_rowid(const Database& db);

// One prepared statement; reset after every use (see Reset) so it can be run again.
class Statement {
 public:
  Statement(const Database& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::string_view text);
  // Binds `text` without copying it: it must stay alive and unchanged until the statement is reset.
  Statement& bind_unowned(int i, std::string_view text);
  Statement& bind(int i, std::int64_t value);
  Statement& bind_null(int i);
  bool step();  // true while there is a row
  void reset();
  std::int64_t integer(int col) const;
  bool is_null(int col) const;
  std::string text(int col) const;
  size_t bytes(int col) const;  // the size of a text column's value
  // Runs a statement that returns no rows.
  void run() {
    step();
    reset();
  }

 private:
  void check(int rc) const;
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement however the scope is left.
struct Reset {
  Statement& statement;
  ~Reset() { statement.reset(); }
};

// A transaction (BEGIN IMMEDIATE) rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) { db_.begin_immediate(); }
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.commit();
    done_ = true;
  }

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace runt::storage::sqlite
