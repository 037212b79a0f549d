#include "runt/storage/event_store.hpp"

#include "runt/storage/postgres.hpp"
#include "runt/storage/postgres_schema.hpp"
#include "runt/storage/postgres_listener.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace runt::storage {

namespace {

// One notification carries "head store_id" lines for the logs a commit moved: a pointer to
// the rows, never the events (NOTIFY payloads stop at 8000 bytes).
constexpr std::string_view kChannel = "runt_events";
constexpr size_t kMaxPayload = 7000;

// Version 1: each log's head is kept in its row, which appends lock (the order of a log is
// decided there); events are clustered by (log, seq_num) through the primary key.
constexpr std::string_view kEventsV1 = R"(
  CREATE TABLE event_logs (
    id bigserial PRIMARY KEY,
    store_id text NOT NULL UNIQUE,
    head bigint NOT NULL DEFAULT 0
  );
  CREATE TABLE events (
    log bigint NOT NULL REFERENCES event_logs (id),
    seq_num bigint NOT NULL,
    parent_seq_num bigint NOT NULL,
    name text NOT NULL,
    args text,  -- exact JSON text as pushed; NULL when the event had no args
    created_at text NOT NULL,
    client_id text NOT NULL,
    session_id text NOT NULL,
    PRIMARY KEY (log, seq_num)
  );
)";
constexpr std::string_view kEventsMigrations[] = {kEventsV1};

StoredEvent row_event(const pg::Result& r, int row) {
  StoredEvent s;
  s.event.seqNum = r.integer(row, 0);
  s.event.parentSeqNum = r.integer(row, 1);
  s.event.name = r.text(row, 2);
  if (!r.is_null(row, 3)) s.event.args = std::string(r.text(row, 3));
  s.createdAt = r.text(row, 4);
  s.event.clientId = r.text(row, 5);
  s.event.sessionId = r.text(row, 6);
  return s;
}

#define RUNT_PG_EVENT_COLUMNS "seq_num, parent_seq_num, name, args, created_at, client_id, session_id"

// A text[] literal: {"a","b"} with " and \ escaped.
std::string text_array(const std::vector<std::string_view>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (const char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string integer_array(const std::vector<std::int64_t>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(items[i]);
  }
  out += '}';
  return out;
}

class ChangeListener final : public ChangeFeed {
 public:
  ChangeListener(const std::string& uri, ChangeHandlers handlers)
      : handlers_(std::move(handlers)),
        listener_(uri, {std::string(kChannel)},
                  pg::Listener::Handlers{[this](const pg::Connection::Notification& n) { on_notification(n.payload); },
                                         [this] { handlers_.resync(); }, handlers_.log}) {}

 private:
  void on_notification(std::string_view payload) {
    while (!payload.empty()) {
      const size_t end = std::min(payload.find('\n'), payload.size());
      const std::string_view line = payload.substr(0, end);
      payload.remove_prefix(std::min(end + 1, payload.size()));
      const size_t space = line.find(' ');
      if (space == std::string_view::npos) continue;
      std::int64_t head = 0;
      const auto [ptr, ec] = std::from_chars(line.data(), line.data() + space, head);
      if (ec != std::errc{}) continue;
      handlers_.appended(std::string(line.substr(space + 1)), head);
    }
  }

  ChangeHandlers handlers_;
  pg::Listener listener_;  // last: its thread uses the handlers
};

class PostgresStore final : public EventStore {
 public:
  explicit PostgresStore(const std::string& uri) : db_(uri) {
    db_.set_session("SET synchronous_commit = on");  // whatever the server's default: no ack before the disk
    ensure_schema(db_, "events", kEventsMigrations);
  }

  AppendResult append(std::span<const Append> appends) override {
    const std::lock_guard lock(mutex_);
    AppendResult result;
    if (appends.empty()) return result;
    std::vector<std::string_view> ids;
    for (const auto& a : appends)
      if (std::find(ids.begin(), ids.end(), a.store_id) == ids.end()) ids.push_back(a.store_id);
    const std::string id_array = text_array(ids);

    pg::Transaction transaction(db_);
    // Every round trip is paid per push: a log whose row this store has seen committed is not
    // inserted again (rows are never deleted). Should one be missing all the same, it is.
    const auto create_logs = [&] {
      db_.query("INSERT INTO event_logs (store_id) SELECT unnest($1::text[]) ON CONFLICT (store_id) DO NOTHING",
                {id_array});
    };
    // Row locks in id order (no deadlock between nodes): until COMMIT no one else appends to
    // these logs, and each push is checked against the head as it is now.
    const auto lock_logs = [&] {
      return db_.query("SELECT id, store_id, head FROM event_logs WHERE store_id = ANY($1::text[]) ORDER BY id FOR UPDATE",
                       {id_array});
    };
    const auto locked = [&] {
      if (std::all_of(ids.begin(), ids.end(), [&](std::string_view id) { return ids_.contains(std::string(id)); })) {
        auto known = lock_logs();
        if (known.rows() == static_cast<int>(ids.size())) return known;
      }
      create_logs();
      return lock_logs();
    }();
    struct Log {
      std::int64_t id;
      std::int64_t head;
      bool moved = false;
      bool conflicted = false;  // a push of this group was left out: later ones built on it
    };
    std::map<std::string, Log, std::less<>> logs;
    for (int row = 0; row < locked.rows(); ++row)
      logs.emplace(std::string(locked.text(row, 1)), Log{locked.integer(row, 0), locked.integer(row, 2)});

    std::string rows;
    for (size_t i = 0; i < appends.size(); ++i) {
      const Append& a = appends[i];
      Log& log = logs.at(a.store_id);
      if (a.events.empty()) continue;
      if (log.conflicted || a.events.front().parentSeqNum != log.head) {  // another writer got there first
        log.conflicted = true;
        result.conflicts.push_back(i);
        continue;
      }
      std::int64_t expected = log.head;
      for (const auto& e : a.events) {
        if (e.parentSeqNum != expected || e.seqNum != expected + 1)
          throw StorageError("append to " + a.store_id + ": e" + std::to_string(e.seqNum) + " (parent e" +
                             std::to_string(e.parentSeqNum) + ") does not continue the log at e" +
                             std::to_string(expected));
        rows += std::to_string(log.id);
        rows += '\t';
        rows += std::to_string(e.seqNum);
        rows += '\t';
        rows += std::to_string(e.parentSeqNum);
        rows += '\t';
        pg::copy_escape(rows, e.name);
        rows += '\t';
        if (e.args)
          pg::copy_escape(rows, *e.args);
        else
          rows += "\\N";
        rows += '\t';
        pg::copy_escape(rows, a.created_at);
        rows += '\t';
        pg::copy_escape(rows, e.clientId);
        rows += '\t';
        pg::copy_escape(rows, e.sessionId);
        rows += '\n';
        expected = e.seqNum;
      }
      log.head = expected;
      log.moved = true;
    }
    // Ids are kept only once their rows are committed (a rolled-back INSERT leaves none).
    const auto remember_ids = [&] {
      for (const auto& [store_id, log] : logs) ids_.emplace(store_id, log.id);
    };
    if (rows.empty()) {
      transaction.commit();
      remember_ids();
      return result;
    }
    db_.copy_in("COPY events (log, " RUNT_PG_EVENT_COLUMNS ") FROM STDIN", rows);

    std::vector<std::int64_t> moved_ids, moved_heads;
    std::vector<std::string> payloads(1);
    for (const auto& [store_id, log] : logs) {
      if (!log.moved) continue;
      moved_ids.push_back(log.id);
      moved_heads.push_back(log.head);
      std::string line = std::to_string(log.head) + ' ' + store_id + '\n';
      if (payloads.back().size() + line.size() > kMaxPayload) payloads.emplace_back();
      payloads.back() += line;
    }
    // One statement (one round trip) moves the heads and queues the notifications, which are
    // delivered to every listening node when (and only if) the transaction commits.
    const std::vector<std::string_view> payload_views(payloads.begin(), payloads.end());
    db_.query(
        "WITH moved AS (UPDATE event_logs AS l SET head = v.head FROM unnest($1::bigint[], $2::bigint[]) AS v(id, head)"
        " WHERE l.id = v.id) SELECT pg_notify($3, p) FROM unnest($4::text[]) WITH ORDINALITY AS n(p, i) ORDER BY i",
        {integer_array(moved_ids), integer_array(moved_heads), kChannel, text_array(payload_views)});
    transaction.commit();  // synchronous_commit=on: on the database's disk when this returns
    remember_ids();
    return result;
  }

  bool shared() const override { return true; }

  std::unique_ptr<ChangeFeed> watch(ChangeHandlers handlers) override {
    return std::make_unique<ChangeListener>(db_.uri(), std::move(handlers));
  }

  std::int64_t head(std::string_view store_id) override {
    const std::lock_guard lock(mutex_);
    const auto r = db_.query("SELECT head FROM event_logs WHERE store_id = $1", {store_id});
    return r.empty() ? 0 : r.integer(0, 0);
  }

  std::vector<StoredEvent> read(std::string_view store_id, std::int64_t after, size_t limit, size_t max_bytes) override {
    const std::lock_guard lock(mutex_);
    std::vector<StoredEvent> out;
    const auto log = log_id(store_id);
    if (!log) return out;
    // The byte limit is applied by the database, from the values' stored sizes: an event that
    // does not fit is never sent here.
    const auto capped = static_cast<std::int64_t>(std::min<size_t>(max_bytes, std::numeric_limits<std::int64_t>::max()));
    const auto r = db_.query(
        "SELECT " RUNT_PG_EVENT_COLUMNS " FROM ("
        " SELECT " RUNT_PG_EVENT_COLUMNS ", row_number() OVER w AS n,"
        "  sum(octet_length(name) + coalesce(octet_length(args), 0) + octet_length(created_at)"
        "      + octet_length(client_id) + octet_length(session_id)) OVER w AS running"
        " FROM (SELECT * FROM events WHERE log = $1 AND seq_num > $2 ORDER BY seq_num LIMIT $3) e"
        " WINDOW w AS (ORDER BY seq_num)) page"
        " WHERE n = 1 OR running <= $4 ORDER BY seq_num",
        {*log, after, static_cast<std::int64_t>(std::min<size_t>(limit, 1u << 30)), capped});
    out.reserve(static_cast<size_t>(r.rows()));
    for (int row = 0; row < r.rows(); ++row) out.push_back(row_event(r, row));
    return out;
  }

  std::optional<StoredEvent> last(std::string_view store_id, std::optional<std::string_view> name) override {
    const std::lock_guard lock(mutex_);
    const auto log = log_id(store_id);
    if (!log) return std::nullopt;
    const auto r =
        name ? db_.query("SELECT " RUNT_PG_EVENT_COLUMNS
                         " FROM events WHERE log = $1 AND name = $2 ORDER BY seq_num DESC LIMIT 1",
                         {*log, *name})
             : db_.query("SELECT " RUNT_PG_EVENT_COLUMNS " FROM events WHERE log = $1 ORDER BY seq_num DESC LIMIT 1",
                         {*log});
    if (r.empty()) return std::nullopt;
    return row_event(r, 0);
  }

  std::vector<std::string> store_ids() override {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    const auto r = db_.query("SELECT store_id FROM event_logs WHERE head > 0 ORDER BY store_id");
    for (int row = 0; row < r.rows(); ++row) out.emplace_back(r.text(row, 0));
    return out;
  }

 private:
  // A log's id never changes once it exists; its absence is not kept (another node may create it).
  std::optional<std::int64_t> log_id(std::string_view store_id) {
    if (const auto it = ids_.find(std::string(store_id)); it != ids_.end()) return it->second;
    const auto r = db_.query("SELECT id FROM event_logs WHERE store_id = $1", {store_id});
    if (r.empty()) return std::nullopt;
    return ids_.emplace(std::string(store_id), r.integer(0, 0)).first->second;
  }

  std::mutex mutex_;  // one connection; calls are serialized
  pg::Connection db_;
  std::unordered_map<std::string, std::int64_t> ids_;
};

}  // namespace

std::unique_ptr<EventStore> open_postgres_store(const std::string& uri) { return std::make_unique<PostgresStore>(uri); }

}  // namespace runt::storage
