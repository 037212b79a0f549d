#include "runt/migrate/migrate.hpp"

#include "accounts_copy.hpp"

#include "runt/base/ids.hpp"
#include "runt/storage/artifact_store.hpp"
#include "runt/storage/event_store.hpp"
#include "runt/storage/postgres.hpp"

#include <algorithm>
#include <memory>
#include <set>

namespace runt::migrate {

namespace {

using storage::StoredEvent;

// Pages bound the memory a log of any length takes.
constexpr size_t kPageEvents = 1000;
constexpr size_t kPageBytes = 16u << 20;

// Events after `after` up to `up_to`, at most a page.
std::vector<StoredEvent> page_of(storage::EventStore& store, const std::string& id, std::int64_t after, std::int64_t up_to) {
  auto page = store.read(id, after, kPageEvents, kPageBytes);
  while (!page.empty() && page.back().event.seqNum > up_to) page.pop_back();
  return page;
}

// What differs between two events of one seqNum, for the refusal.
std::string difference(const StoredEvent& a, const StoredEvent& b) {
  const auto& x = a.event;
  const auto& y = b.event;
  if (x.name != y.name) return "name " + x.name + " here, " + y.name + " there";
  if (x.args != y.args) return "the args of " + x.name + " differ";
  if (x.parentSeqNum != y.parentSeqNum) return "parentSeqNum differs";
  if (x.clientId != y.clientId) return "clientId " + x.clientId + " here, " + y.clientId + " there";
  if (x.sessionId != y.sessionId) return "sessionId " + x.sessionId + " here, " + y.sessionId + " there";
  return "createdAt " + a.createdAt + " here, " + b.createdAt + " there";
}

bool same(const StoredEvent& a, const StoredEvent& b) { return a.event == b.event && a.createdAt == b.createdAt; }

// Compares the events 1..up_to of a log on both sides; returns how many there are. Throws
// Diverged at the first difference.
std::int64_t compare(storage::EventStore& source, storage::EventStore& target, const std::string& id, std::int64_t up_to,
                     const Options& options) {
  std::int64_t after = 0, count = 0;
  while (after < up_to) {
    const auto a = page_of(source, id, after, up_to);
    const auto b = page_of(target, id, after, up_to);
    const size_t n = std::min(a.size(), b.size());
    if (n == 0)
      throw Diverged("log " + id + " in " + storage::pg::redact(options.to) + " differs from " + options.from.string() +
                     " after seqNum " + std::to_string(after) + ": " + (a.empty() ? "the source" : "PostgreSQL") +
                     " has no more events");
    for (size_t i = 0; i < n; ++i)
      if (a[i].event.seqNum != b[i].event.seqNum || !same(a[i], b[i]))
        throw Diverged("log " + id + " in " + storage::pg::redact(options.to) + " differs from " + options.from.string() +
                       " at seqNum " + std::to_string(std::min(a[i].event.seqNum, b[i].event.seqNum)) + " (" +
                       (a[i].event.seqNum != b[i].event.seqNum ? std::string("a gap") : difference(a[i], b[i])) +
                       "): refusing to migrate into it");
    after = a[n - 1].event.seqNum;
    count += static_cast<std::int64_t>(n);
  }
  return count;
}

// Copies the events after the target's head, a page per transaction; each run of events with
// one createdAt is one append, as it was one push (a store keeps one createdAt per push).
std::int64_t copy_events(storage::EventStore& source, storage::EventStore& target, const std::string& id, std::int64_t from,
                         std::int64_t up_to) {
  std::int64_t after = from, copied = 0;
  while (after < up_to) {
    const auto page = page_of(source, id, after, up_to);
    if (page.empty()) break;
    std::vector<protocol::WireEvent> events;
    events.reserve(page.size());
    for (const auto& stored : page) events.push_back(stored.event);
    std::vector<storage::Append> appends;
    for (size_t begin = 0; begin < page.size();) {
      size_t end = begin + 1;
      while (end < page.size() && page[end].createdAt == page[begin].createdAt) ++end;
      appends.push_back(storage::Append{id, std::span(events).subspan(begin, end - begin), page[begin].createdAt});
      begin = end;
    }
    if (!target.append(appends).conflicts.empty())
      throw Diverged("log " + id + " moved on in PostgreSQL during the migration: stop the runt serve nodes writing to it and run again");
    after = page.back().event.seqNum;
    copied += static_cast<std::int64_t>(page.size());
  }
  return copied;
}

// A directory of its own for the target artifact store's staging files, gone afterwards.
class ScratchDir {
 public:
  ScratchDir() : path_(std::filesystem::temp_directory_path() / ("runt-migrate-" + base::random_hex(8))) {}
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct ArtifactCounts {
  std::int64_t total = 0;
  std::int64_t copied = 0;
};

ArtifactCounts copy_artifacts(const Options& options) {
  const auto dir = options.from / "artifacts";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return {};
  auto source = storage::open_file_artifact_store(dir);
  const ScratchDir scratch;
  auto target = storage::open_postgres_artifact_store(options.to, scratch.path());
  const auto present = target->hashes();
  const std::set<std::string> there(present.begin(), present.end());
  ArtifactCounts counts;
  for (const auto& hash : source->hashes()) {
    ++counts.total;
    if (there.contains(hash)) continue;
    // adopt() consumes its file: a copy of the source's, hashed again as it is stored.
    const auto staging = target->new_staging_file();
    std::filesystem::copy_file(dir / hash, staging, ec);
    if (ec) throw storage::StorageError("cannot copy artifact " + (dir / hash).string() + ": " + ec.message());
    const auto adopted = target->adopt(staging);
    if (adopted.hash != hash)
      throw storage::StorageError("artifact " + (dir / hash).string() + " does not hold the content its name says (its SHA-256 is " +
                                  adopted.hash + "): the source is damaged");
    ++counts.copied;
  }
  const auto after = target->hashes();
  const std::set<std::string> now(after.begin(), after.end());
  for (const auto& hash : source->hashes())
    if (!now.contains(hash)) throw storage::StorageError("artifact " + hash + " is missing in PostgreSQL after the migration");
  return counts;
}

}  // namespace

std::int64_t Summary::events() const {
  std::int64_t n = 0;
  for (const auto& log : logs) n += log.events;
  return n;
}

std::int64_t Summary::events_copied() const {
  std::int64_t n = 0;
  for (const auto& log : logs) n += log.copied;
  return n;
}

Summary run(const Options& options) {
  if (!storage::pg::is_postgres_uri(options.to))
    throw std::invalid_argument("the target must be a PostgreSQL URI (postgresql://...), not " + options.to);
  std::error_code ec;
  if (!std::filesystem::is_directory(options.from, ec)) throw BadSource("no data directory at " + options.from.string());
  const auto sqlite_file = options.from / "runt.sqlite";
  if (!std::filesystem::is_regular_file(sqlite_file, ec))
    throw BadSource(options.from.string() + " is not a runt data directory: it has no runt.sqlite");
  std::unique_ptr<storage::EventStore> source;
  try {
    source = storage::open_sqlite_store(sqlite_file);
  } catch (const storage::StorageError& e) {
    throw BadSource("cannot read " + sqlite_file.string() + ": " + e.what());
  }
  auto target = storage::open_postgres_store(options.to);

  // Everything checked before anything is written: a refused target is left as it was.
  struct Plan {
    std::string id;
    std::int64_t source_head = 0;
    std::int64_t target_head = 0;
  };
  std::vector<Plan> plans;
  auto ids = source->store_ids();
  std::sort(ids.begin(), ids.end());
  for (const auto& id : ids) {
    Plan plan{id, source->head(id), target->head(id)};
    if (plan.target_head > plan.source_head)
      throw Diverged("log " + id + " in " + storage::pg::redact(options.to) + " is ahead of " + options.from.string() + " (seqNum " +
                     std::to_string(plan.target_head) + " there, " + std::to_string(plan.source_head) +
                     " here): refusing to migrate into it");
    if (plan.target_head > 0) compare(*source, *target, id, plan.target_head, options);
    plans.push_back(std::move(plan));
  }
  options.log("checked " + std::to_string(plans.size()) + " logs against " + storage::pg::redact(options.to));

  Summary summary;
  for (const auto& plan : plans) {
    LogSummary log{plan.id};
    log.copied = copy_events(*source, *target, plan.id, plan.target_head, plan.source_head);
    if (log.copied > 0) options.log("copied " + std::to_string(log.copied) + " events of " + plan.id);
    summary.logs.push_back(std::move(log));
  }

  const auto artifacts = copy_artifacts(options);
  summary.artifacts = artifacts.total;
  summary.artifacts_copied = artifacts.copied;
  const auto accounts = copy_accounts(sqlite_file, options.to);
  summary.account_rows = accounts.rows;
  summary.account_rows_copied = accounts.copied;

  // Verified on both sides as they are now: every log's head, and its events one by one.
  for (auto& log : summary.logs) {
    const std::int64_t head = source->head(log.store_id);
    if (target->head(log.store_id) != head)
      throw Diverged("log " + log.store_id + " ends at seqNum " + std::to_string(target->head(log.store_id)) +
                     " in PostgreSQL but at " + std::to_string(head) + " in the source after the migration");
    log.events = compare(*source, *target, log.store_id, head, options);
  }
  return summary;
}

std::string describe(const Summary& summary) {
  return std::to_string(summary.logs.size()) + " logs with " + std::to_string(summary.events()) + " events (" +
         std::to_string(summary.events_copied()) + " copied now, the rest already there) and " + std::to_string(summary.artifacts) +
         " artifacts (" + std::to_string(summary.artifacts_copied) +
         " copied now) and " + std::to_string(summary.account_rows) + " account rows (" +
         std::to_string(summary.account_rows_copied) + " copied now); verified: every log has the same events and head on both sides, every artifact is in PostgreSQL";
}

}  // namespace runt::migrate
