#include "runt/storage/event_store.hpp"

#include <sqlite3.h>

#include <mutex>

namespace runt::storage {

namespace {

// Owns one prepared statement; reset after every use so it can be run again.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
      throw StorageError(std::string("sqlite: cannot prepare statement: ") + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::string_view text) {
    check(sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  Statement& bind_null(int i) {
    check(sqlite3_bind_null(stmt_, i));
    return *this;
  }
  // Steps once: true while there is a row.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StorageError(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw StorageError(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement however the scope is left.
struct Reset {
  Statement& s;
  ~Reset() { s.reset(); }
};

sqlite3* open_database(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw StorageError("cannot open " + file.string() + ": " + why);
  }
  const char* setup = R"(
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    PRAGMA busy_timeout = 5000;
    CREATE TABLE IF NOT EXISTS events (
      store_id TEXT NOT NULL,
      seq_num INTEGER NOT NULL,
      parent_seq_num INTEGER NOT NULL,
      name TEXT NOT NULL,
      args TEXT,            -- exact JSON text as pushed; NULL when the event had no args
      created_at TEXT NOT NULL,
      client_id TEXT NOT NULL,
      session_id TEXT NOT NULL,
      PRIMARY KEY (store_id, seq_num)
    ) STRICT, WITHOUT ROWID;
  )";
  char* error = nullptr;
  if (sqlite3_exec(db, setup, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error ? error : "unknown error";
    sqlite3_free(error);
    sqlite3_close(db);
    throw StorageError("cannot set up " + file.string() + ": " + why);
  }
  return db;
}

class SqliteStore final : public EventStore {
 public:
  explicit SqliteStore(const std::filesystem::path& file) : db_(open_database(file)) {}
  ~SqliteStore() override {
    begin_.reset();
    commit_.reset();
    rollback_.reset();
    insert_.reset();
    head_.reset();
    read_.reset();
    ids_.reset();
    sqlite3_close(db_);
  }

  void append(std::span<const Append> appends) override {
    const std::lock_guard lock(mutex_);
    run(*begin_);
    try {
      for (const auto& a : appends) {
        std::int64_t expected = head_locked(a.store_id);
        for (const auto& e : a.events) {
          if (e.parentSeqNum != expected || e.seqNum != expected + 1)
            throw StorageError("append to " + a.store_id + ": e" + std::to_string(e.seqNum) + " (parent e" +
                               std::to_string(e.parentSeqNum) + ") does not continue the log at e" + std::to_string(expected));
          Reset r{*insert_};
          insert_->bind(1, a.store_id).bind(2, e.seqNum).bind(3, e.parentSeqNum).bind(4, e.name);
          if (e.args)
            insert_->bind(5, *e.args);
          else
            insert_->bind_null(5);
          insert_->bind(6, a.created_at).bind(7, e.clientId).bind(8, e.sessionId);
          insert_->step();
          expected = e.seqNum;
        }
      }
      run(*commit_);  // synchronous=FULL: durable once COMMIT returns
    } catch (...) {
      run(*rollback_);
      throw;
    }
  }

  std::int64_t head(std::string_view store_id) override {
    const std::lock_guard lock(mutex_);
    return head_locked(store_id);
  }

  std::vector<StoredEvent> read(std::string_view store_id, std::int64_t after, size_t limit) override {
    const std::lock_guard lock(mutex_);
    std::vector<StoredEvent> out;
    Reset r{*read_};
    read_->bind(1, store_id).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
    while (read_->step()) {
      StoredEvent s;
      s.event.seqNum = read_->integer(0);
      s.event.parentSeqNum = read_->integer(1);
      s.event.name = read_->text(2);
      if (!read_->is_null(3)) s.event.args = read_->text(3);
      s.createdAt = read_->text(4);
      s.event.clientId = read_->text(5);
      s.event.sessionId = read_->text(6);
      out.push_back(std::move(s));
    }
    return out;
  }

  std::vector<std::string> store_ids() override {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    Reset r{*ids_};
    while (ids_->step()) out.push_back(ids_->text(0));
    return out;
  }

 private:
  static void run(Statement& s) {
    Reset r{s};
    s.step();
  }
  std::int64_t head_locked(std::string_view store_id) {
    Reset r{*head_};
    head_->bind(1, store_id);
    return head_->step() ? head_->integer(0) : 0;
  }

  std::mutex mutex_;  // one connection; calls are serialized
  sqlite3* db_;
  std::unique_ptr<Statement> begin_ = std::make_unique<Statement>(db_, "BEGIN IMMEDIATE");
  std::unique_ptr<Statement> commit_ = std::make_unique<Statement>(db_, "COMMIT");
  std::unique_ptr<Statement> rollback_ = std::make_unique<Statement>(db_, "ROLLBACK");
  std::unique_ptr<Statement> insert_ = std::make_unique<Statement>(
      db_, "INSERT INTO events (store_id, seq_num, parent_seq_num, name, args, created_at, client_id, session_id) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  std::unique_ptr<Statement> head_ =
      std::make_unique<Statement>(db_, "SELECT coalesce(max(seq_num), 0) FROM events WHERE store_id = ?");
  std::unique_ptr<Statement> read_ = std::make_unique<Statement>(
      db_, "SELECT seq_num, parent_seq_num, name, args, created_at, client_id, session_id FROM events "
           "WHERE store_id = ? AND seq_num > ? ORDER BY seq_num LIMIT ?");
  std::unique_ptr<Statement> ids_ = std::make_unique<Statement>(db_, "SELECT DISTINCT store_id FROM events ORDER BY store_id");
};

}  // namespace

std::unique_ptr<EventStore> open_sqlite_store(const std::filesystem::path& file) {
  return std::make_unique<SqliteStore>(file);
}

}  // namespace runt::storage
