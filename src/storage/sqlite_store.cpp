#include "runt/storage/event_store.hpp"

#include "events_schema.hpp"
#include "runt/storage/sqlite.hpp"

#include <map>
#include <mutex>

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

class SqliteStore final : public EventStore {
 public:
  explicit SqliteStore(const std::filesystem::path& file) : db_(file, "") {}

  void append(std::span<const Append> appends) override {
    const std::lock_guard lock(mutex_);
    // Heads as this transaction leaves them: a group may hold several pushes to one log.
    std::map<std::string_view, std::int64_t, std::less<>> written;
    sqlite::Transaction transaction(db_);
    for (const auto& a : appends) {
      const auto it = written.find(a.store_id);
      std::int64_t expected = it != written.end() ? it->second : head_locked(a.store_id);
      for (const auto& e : a.events) {
        if (e.parentSeqNum != expected || e.seqNum != expected + 1)
          throw StorageError("append to " + a.store_id + ": e" + std::to_string(e.seqNum) + " (parent e" +
                             std::to_string(e.parentSeqNum) + ") does not continue the log at e" + std::to_string(expected));
        // The texts outlive the step: bound without a copy.
        Reset r{insert_};
        insert_.bind_unowned(1, a.store_id).bind(2, e.seqNum).bind(3, e.parentSeqNum).bind_unowned(4, e.name);
        if (e.args)
          insert_.bind_unowned(5, *e.args);
        else
          insert_.bind_null(5);
        insert_.bind_unowned(6, a.created_at).bind_unowned(7, e.clientId).bind_unowned(8, e.sessionId);
        insert_.step();
        expected = e.seqNum;
      }
      written[a.store_id] = expected;
    }
    transaction.commit();  // synchronous=FULL: durable once COMMIT returns
    for (const auto& [store_id, head] : written) heads_.insert_or_assign(std::string(store_id), head);
  }

  std::int64_t head(std::string_view store_id) override {
    const std::lock_guard lock(mutex_);
    return head_locked(store_id);
  }

  std::vector<StoredEvent> read(std::string_view store_id, std::int64_t after, size_t limit, size_t max_bytes) override {
    const std::lock_guard lock(mutex_);
    std::vector<StoredEvent> out;
    Reset r{read_};
    read_.bind(1, store_id).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
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
    Statement& query = name ? last_named_ : last_;
    Reset r{query};
    query.bind(1, store_id);
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
  std::int64_t head_locked(std::string_view store_id) {
    if (const auto it = heads_.find(store_id); it != heads_.end()) return it->second;
    Reset r{head_};
    head_.bind(1, store_id);
    const std::int64_t head = head_.step() ? head_.integer(0) : 0;
    heads_.emplace(std::string(store_id), head);
    return head;
  }

  std::mutex mutex_;  // one connection; calls are serialized
  std::map<std::string, std::int64_t, std::less<>> heads_;  // committed heads of the logs seen
  sqlite::Database db_;
  // Before the statements below are prepared: they need the current layout.
  struct Schema {
    explicit Schema(sqlite::Database& db) { ensure_events_schema(db); }
  } schema_{db_};
  Statement insert_{db_,
                    "INSERT INTO events (store_id, " RUNT_EVENT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"};
  Statement head_{db_, "SELECT coalesce(max(seq_num), 0) FROM events WHERE store_id = ?"};
  Statement read_{db_, "SELECT " RUNT_EVENT_COLUMNS " FROM events WHERE store_id = ? AND seq_num > ? ORDER BY seq_num LIMIT ?"};
  Statement last_{db_, "SELECT " RUNT_EVENT_COLUMNS " FROM events WHERE store_id = ? ORDER BY seq_num DESC LIMIT 1"};
  Statement last_named_{db_, "SELECT " RUNT_EVENT_COLUMNS
                             " FROM events WHERE store_id = ? AND name = ? ORDER BY seq_num DESC LIMIT 1"};
  Statement ids_{db_, "SELECT DISTINCT store_id FROM events ORDER BY store_id"};
};

}  // namespace

std::unique_ptr<EventStore> open_sqlite_store(const std::filesystem::path& file) {
  return std::make_unique<SqliteStore>(file);
}

}  // namespace runt::storage
