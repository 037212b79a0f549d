#include "runt/storage/sqlite.hpp"

#include <sqlite3.h>

namespace runt::storage::sqlite {

Database::Database(const std::filesystem::path& file, std::string_view schema_sql) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw StorageError("cannot open " + file.string() + ": " + why);
  }
  try {
    // busy_timeout first: journal_mode needs a lock another process may hold.
    exec("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    exec(schema_sql);
    for (auto [sql, statement] : {std::pair{"BEGIN IMMEDIATE", &begin_}, {"COMMIT", &commit_}, {"ROLLBACK", &rollback_}})
      if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, statement, nullptr) != SQLITE_OK)
        throw StorageError(std::string("sqlite: cannot prepare ") + sql + ": " + sqlite3_errmsg(db_));
  } catch (const StorageError& e) {
    for (auto* statement : {begin_, commit_, rollback_}) sqlite3_finalize(statement);
    sqlite3_close(db_);
    throw StorageError("cannot set up " + file.string() + ": " + e.what());
  }
}

Database::~Database() {
  for (auto* statement : {begin_, commit_, rollback_}) sqlite3_finalize(statement);
  sqlite3_close(db_);
}

void Database::run_prepared(sqlite3_stmt* statement) {
  const int rc = sqlite3_step(statement);
  const std::string why = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
  sqlite3_reset(statement);
  if (rc != SQLITE_DONE) throw StorageError("sqlite: " + why);
}

void Database::begin_immediate() { run_prepared(begin_); }
void Database::commit() { run_prepared(commit_); }
void Database::rollback() { run_prepared(rollback_); }

void Database::exec(std::string_view sql) {
  char* error = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw StorageError("sqlite: " + why);
  }
}

int changes(const Database& db) { return sqlite3_changes(db.handle()); }
std::int64_t last_insert_rowid(const Database& db) { return sqlite3_last_insert_rowid(db.handle()); }

Statement::Statement(const Database& db, const char* sql) : db_(db.handle()) {
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
    throw StorageError(std::string("sqlite: cannot prepare statement: ") + sqlite3_errmsg(db_));
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int i, std::string_view text) {
  check(sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
  return *this;
}
Statement& Statement::bind_unowned(int i, std::string_view text) {
  check(sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC));
  return *this;
}
Statement& Statement::bind(int i, std::int64_t value) {
  check(sqlite3_bind_int64(stmt_, i, value));
  return *this;
}
Statement& Statement::bind_null(int i) {
  check(sqlite3_bind_null(stmt_, i));
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw StorageError(std::string("sqlite: ") + sqlite3_errmsg(db_));
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::integer(int col) const { return sqlite3_column_int64(stmt_, col); }
bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::string Statement::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

size_t Statement::bytes(int col) const { return static_cast<size_t>(sqlite3_column_bytes(stmt_, col)); }

void Statement::check(int rc) const {
  if (rc != SQLITE_OK) throw StorageError(std::string("sqlite: ") + sqlite3_errmsg(db_));
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.rollback();
  } catch (const StorageError&) {  // nothing more to undo
  }
}

}  // namespace runt::storage::sqlite
