#include "runt/storage/event_store.hpp"

#include "events_schema.hpp"
#include "runt/storage/sqlite.hpp"

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace runt::storage {

namespace {

using sqlite::Reset;
using sqlite::Statement;

StoredEvent row_event(const Statement& row) {
  StoredEvent s;
  s.event.seqNum = row.integer(0);
  s.event.parentSeqNum = row.integer(1);
  s.event.name = row.text(2);
  if (!row.is_null(3)) s.event.args = row.text(3);
  s.createdAt = row.text(4);
  s.event.clientId = row.text(5);
  s.event.sessionId = row.text(6);
  return s;
}

#define RUNT_EVENT_COLUMNS "seq_num, parent_seq_num, name, args, created_at, client_id, session_id"

// What the store knows of one log: written by this store only, so kept after the first query.
struct Log {
  std::int64_t id = 0;    // event_logs.id; 0 until its first event is written
  std::int64_t head = 0;  // committed
  // Within the append under way (`txn` equal to the store's counter): the head and id as the
  // transaction leaves them.
  std::uint64_t txn = 0;
  std::int64_t txn_id = 0;
  std::int64_t txn_head = 0;
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

class SqliteStore final : public EventStore {
 public:
  explicit SqliteStore(const std::filesystem::path& file) : db_(file, "") {}

  AppendResult append(std::span<const Append> appends) override {
    const std::lock_guard lock(mutex_);
    const std::uint64_t txn = ++txn_;
    touched_.clear();
    sqlite::Transaction transaction(db_);
    for (const auto& a : appends) {
      Log& log = log_locked(a.store_id);
      if (log.txn != txn) {  // the first push to this log in the group
        log.txn = txn;
        log.txn_id = log.id;
        log.txn_head = log.head;
        touched_.push_back(&log);
      }
      std::int64_t expected = log.txn_head;
      if (log.txn_id == 0 && !a.events.empty()) log.txn_id = create_log(a.store_id);
      for (const auto& e : a.events) {
        if (e.parentSeqNum != expected || e.seqNum != expected + 1)
          throw StorageError("append to " + a.store_id + ": e" + std::to_string(e.seqNum) + " (parent e" +
                             std::to_string(e.parentSeqNum) + ") does not continue the log at e" + std::to_string(expected));
        // The texts outlive the step: bound without a copy.
        Reset r{insert_};
        insert_.bind(1, log.txn_id).bind(2, e.seqNum).bind(3, e.parentSeqNum).bind_unowned(4, e.name);
        if (e.args)
          insert_.bind_unowned(5, *e.args);
        else
          insert_.bind_null(5);
        insert_.bind_unowned(6, a.created_at).bind_unowned(7, e.clientId).bind_unowned(8, e.sessionId);
        insert_.step();
        expected = e.seqNum;
      }
      log.txn_head = expected;
    }
    transaction.commit();  // synchronous=FULL: durable once COMMIT returns
    for (Log* log : touched_) {
      log->id = log->txn_id;
      log->head = log->txn_head;
    }
    return {};
  }

  std::int64_t head(std::string_view store_id) override {
    const std::lock_guard lock(mutex_);
    return log_locked(store_id).head;
  }

  std::vector<StoredEvent> read(std::string_view store_id, std::int64_t after, size_t limit, size_t max_bytes) override {
    const std::lock_guard lock(mutex_);
    std::vector<StoredEvent> out;
    const Log& log = log_locked(store_id);
    if (log.id == 0) return out;
    Reset r{read_};
    read_.bind(1, log.id).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
    size_t bytes = 0;
    while (read_.step()) {
      // Measured before the row is copied: an event that does not fit stays in the database.
      size_t size = 0;
      for (int col = 2; col <= 6; ++col) size += read_.bytes(col);
      if (!out.empty() && bytes + size > max_bytes) break;
      bytes += size;
      out.push_back(row_event(read_));
    }
    return out;
  }

  std::optional<StoredEvent> last(std::string_view store_id, std::optional<std::string_view> name) override {
    const std::lock_guard lock(mutex_);
    const Log& log = log_locked(store_id);
    if (log.id == 0) return std::nullopt;
    Statement& query = name ? last_named_ : last_;
    Reset r{query};
    query.bind(1, log.id);
    if (name) query.bind(2, *name);
    if (!query.step()) return std::nullopt;
    return row_event(query);
  }

  std::vector<std::string> store_ids() override {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    Reset r{ids_};
    while (ids_.step()) out.push_back(ids_.text(0));
    return out;
  }

 private:
  // Queried once per log, then kept: this store is its logs' only writer.
  Log& log_locked(std::string_view store_id) {
    if (const auto it = logs_.find(store_id); it != logs_.end()) return it->second;
    Log log;
    Reset r{find_log_};
    find_log_.bind(1, store_id);
    if (find_log_.step()) {
      log.id = find_log_.integer(0);
      log.head = find_log_.integer(1);
    }
    return logs_.emplace(std::string(store_id), log).first->second;
  }

  // Inside the append's transaction: rolled back with it.
  std::int64_t create_log(std::string_view store_id) {
    Reset r{insert_log_};
    insert_log_.bind(1, store_id);
    insert_log_.step();
    return sqlite::last_insert_rowid(db_);
  }

  std::mutex mutex_;  // one connection; calls are serialized
  // Every log asked about (unordered_map: its elements stay where they are).
  std::unordered_map<std::string, Log, StringHash, std::equal_to<>> logs_;
  std::uint64_t txn_ = 0;      // appends so far
  std::vector<Log*> touched_;  // logs the append under way writes to
  sqlite::Database db_;
  // Before the statements below are prepared: they need the current layout.
  struct Schema {
    explicit Schema(sqlite::Database& db) { ensure_events_schema(db); }
  } schema_{db_};
  Statement insert_{db_, "INSERT INTO events (log, " RUNT_EVENT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"};
  Statement insert_log_{db_, "INSERT INTO event_logs (store_id) VALUES (?)"};
  Statement find_log_{db_,
                      "SELECT id, (SELECT coalesce(max(seq_num), 0) FROM events WHERE log = event_logs.id)"
                      " FROM event_logs WHERE store_id = ?"};
  Statement read_{db_, "SELECT " RUNT_EVENT_COLUMNS " FROM events WHERE log = ? AND seq_num > ? ORDER BY seq_num LIMIT ?"};
  Statement last_{db_, "SELECT " RUNT_EVENT_COLUMNS " FROM events WHERE log = ? ORDER BY seq_num DESC LIMIT 1"};
  Statement last_named_{db_, "SELECT " RUNT_EVENT_COLUMNS " FROM events WHERE log = ? AND name = ? ORDER BY seq_num DESC LIMIT 1"};
  // Every log has events: its row is written with its first.
  Statement ids_{db_, "SELECT store_id FROM event_logs ORDER BY store_id"};
};

}  // namespace

std::unique_ptr<EventStore> open_sqlite_store(const std::filesystem::path& file) {
  return std::make_unique<SqliteStore>(file);
}

}  // namespace runt::storage
