#include "runt/storage/event_store.hpp"

#include "runt/storage/postgres.hpp"
#include "runt/storage/postgres_fences.hpp"
#include "runt/storage/postgres_schema.hpp"
#include "runt/storage/postgres_listener.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace runt::storage {

namespace {

// One notification per log a commit moved carries "head store_id": a pointer to the rows, never
// the events (NOTIFY payloads stop at 8000 bytes; store ids are short, see is_valid_store_id).
constexpr std::string_view kChannel = "runt_events";

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

std::string_view view_of(std::string_view s) { return s; }
std::string_view view_of(const std::optional<std::string_view>& s) { return s ? *s : std::string_view(); }
bool is_null(std::string_view) { return false; }
bool is_null(const std::optional<std::string_view>& s) { return !s; }

// A text[] literal: {"a","b",NULL} with " and \ escaped.
template <class Item>
std::string text_array(const std::vector<Item>& items) {
  size_t size = 2;
  for (const auto& item : items) size += 3 + view_of(item).size() + view_of(item).size() / 8;
  std::string out;
  out.reserve(size);
  out += '{';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    if (is_null(items[i])) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (const char c : view_of(items[i])) {
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
    ensure_fences(db_);
  }

  AppendResult append(std::span<const Append> appends) override { return append_under(appends, nullptr); }

  AppendResult append_if(std::span<const Append> appends, const Fence& fence) override {
    return append_under(appends, &fence);
  }

  bool shared() const override { return true; }

  std::unique_ptr<ChangeFeed> watch(ChangeHandlers handlers) override {
    return std::make_unique<ChangeListener>(db_.uri(), std::move(handlers));
  }

  std::int64_t head(std::string_view store_id) override {
    const std::lock_guard lock(mutex_);
    const auto r = db_.query("SELECT head FROM event_logs WHERE store_id = $1", {store_id}, {.prepared = true});
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
        {*log, after, static_cast<std::int64_t>(std::min<size_t>(limit, 1u << 30)), capped}, {.prepared = true});
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
  AppendResult append_under(std::span<const Append> appends, const Fence* fence) {
    const std::lock_guard lock(mutex_);
    AppendResult result;
    // Per log, the head the group expects to find and the one it leaves: the pushes of one log
    // in a group continue each other (the Hub chains them), so a log is written whole or not.
    struct Plan {
      std::int64_t expected = 0;
      std::int64_t new_head = 0;
      std::vector<size_t> pushes;
    };
    std::map<std::string_view, Plan> plans;
    for (size_t i = 0; i < appends.size(); ++i) {
      const Append& a = appends[i];
      if (a.events.empty()) continue;
      const auto [it, first] = plans.try_emplace(a.store_id);
      Plan& plan = it->second;
      if (first) plan.expected = plan.new_head = a.events.front().parentSeqNum;
      std::int64_t expected = plan.new_head;
      for (const auto& e : a.events) {
        if (e.parentSeqNum != expected || e.seqNum != expected + 1)
          throw StorageError("append to " + a.store_id + ": e" + std::to_string(e.seqNum) + " (parent e" +
                             std::to_string(e.parentSeqNum) + ") does not continue the log at e" +
                             std::to_string(expected));
        expected = e.seqNum;
      }
      plan.new_head = expected;
      plan.pushes.push_back(i);
    }
    if (plans.empty()) return result;

    // A log's row is made by a statement of its own (the append below sees one snapshot, which
    // a row inserted in it would not be in). Rows are never deleted: a row this store has seen
    // committed is not inserted again.
    std::vector<std::string_view> unknown;
    for (const auto& [store_id, plan] : plans)
      if (!ids_.contains(std::string(store_id))) unknown.push_back(store_id);
    if (!unknown.empty())
      db_.query("INSERT INTO event_logs (store_id) SELECT unnest($1::text[]) ON CONFLICT (store_id) DO NOTHING",
                {text_array(unknown)});

    std::vector<std::string_view> log_ids;
    std::vector<std::int64_t> expected, new_heads;
    for (const auto& [store_id, plan] : plans) {
      log_ids.push_back(store_id);
      expected.push_back(plan.expected);
      new_heads.push_back(plan.new_head);
    }
    std::vector<std::string_view> event_logs, names, created, clients, sessions;
    std::vector<std::optional<std::string_view>> args;
    std::vector<std::int64_t> seqs, parents;
    for (const auto& a : appends)
      for (const auto& e : a.events) {
        event_logs.push_back(a.store_id);
        seqs.push_back(e.seqNum);
        parents.push_back(e.parentSeqNum);
        names.push_back(e.name);
        args.push_back(e.args ? std::optional<std::string_view>(*e.args) : std::nullopt);
        created.push_back(a.created_at);
        clients.push_back(e.clientId);
        sessions.push_back(e.sessionId);
      }
    // One statement, so one round trip and its own transaction, committed (synchronous_commit
    // on: on the database's disk) before it answers. The rows of the logs are locked in id
    // order (no deadlock between nodes); a log's head moves only if it is still where the
    // group expects it (after waiting for a lock, PostgreSQL re-checks that on the row as the
    // other writer left it), and only those logs' events are inserted. The notifications are
    // delivered to every listening node when (and only if) the statement commits. Under a
    // fence nothing moves unless it holds the caller's value; the one row with a null id then
    // says whether it did.
    const auto moved = db_.query(
        "WITH fence AS (SELECT $13::text IS NULL"
        "   OR coalesce((SELECT value FROM runt_fences WHERE name = $13::text), 0) = $14::bigint AS holds),"
        " locked AS (SELECT id FROM event_logs WHERE store_id = ANY($1::text[]) ORDER BY id FOR UPDATE),"
        " moved AS (UPDATE event_logs AS l SET head = v.new_head"
        "  FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS v(store_id, expected, new_head)"
        "  WHERE l.store_id = v.store_id AND l.head = v.expected AND l.id IN (SELECT id FROM locked)"
        "   AND (SELECT holds FROM fence)"
        "  RETURNING l.id, l.store_id, l.head),"
        " written AS (INSERT INTO events (log, " RUNT_PG_EVENT_COLUMNS ")"
        "  SELECT m.id, e.seq_num, e.parent_seq_num, e.name, e.args, e.created_at, e.client_id, e.session_id"
        "  FROM unnest($4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[],"
        "   $11::text[]) AS e(store_id, seq_num, parent_seq_num, name, args, created_at, client_id, session_id)"
        "  JOIN moved m ON m.store_id = e.store_id)"
        " SELECT m.id, m.store_id, pg_notify($12, m.head || ' ' || m.store_id), NULL FROM moved m"
        " UNION ALL SELECT NULL, NULL, NULL, holds FROM fence",
        {text_array(log_ids), integer_array(expected), integer_array(new_heads), text_array(event_logs),
         integer_array(seqs), integer_array(parents), text_array(names), text_array(args), text_array(created),
         text_array(clients), text_array(sessions), kChannel,
         fence ? pg::Param(fence->name) : pg::Param(std::nullopt), static_cast<std::int64_t>(fence ? fence->value : 0)},
        {.prepared = true});
    std::set<std::string_view> written;
    for (int row = 0; row < moved.rows(); ++row) {
      if (moved.is_null(row, 0)) {
        result.fenced = moved.text(row, 3) != "t";
        continue;
      }
      ids_.emplace(std::string(moved.text(row, 1)), moved.integer(row, 0));
      written.insert(plans.find(moved.text(row, 1))->first);
    }
    if (result.fenced) return result;
    for (const auto& [store_id, plan] : plans)
      if (!written.contains(store_id))  // another writer got there first
        result.conflicts.insert(result.conflicts.end(), plan.pushes.begin(), plan.pushes.end());
    std::sort(result.conflicts.begin(), result.conflicts.end());
    return result;
  }

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
