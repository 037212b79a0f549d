#pragma once
// `runt migrate`: moves a SQLite data directory (what `runt serve --data DIR` keeps) into
// PostgreSQL (what `runt serve --store postgresql://...` keeps), for a server that grows from
// one machine to many nodes.
//
// Event logs are copied byte for byte: every event's name, exact args text, seqNum,
// parentSeqNum, clientId, sessionId and createdAt. Artifacts are copied by content. The
// account tables (users, API keys, logins, notebooks, grants, runtime grants, artifact
// records, the revocation count) row by row; a row whose key the target has is left as it is.
//
// Idempotent: per log only the events after the target's head are copied, once the events
// the target has already are found identical to the source's; artifacts the target has are
// skipped. Every log is checked before anything is written, so a target that differs from
// the source (another deployment's database, a log that moved on) is refused whole. At the
// end, every log's count and head and the artifact count are compared on both sides.
//
// Errors are exceptions: BadSource for a data directory that is missing or is not runt's,
// Diverged for a target that disagrees with the source, storage::StorageError for either
// database.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace runt::migrate {

class BadSource : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Diverged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Options {
  std::filesystem::path from;  // a data directory (runt.sqlite, artifacts/)
  std::string to;              // a libpq URI
  // Progress, a line at a time.
  std::function<void(const std::string&)> log = [](const std::string&) {};
};

struct LogSummary {
  std::string store_id;
  std::int64_t events = 0;  // in the log, on both sides after the move
  std::int64_t copied = 0;  // of those, copied by this run
};

struct Summary {
  std::vector<LogSummary> logs;  // by store id
  std::int64_t artifacts = 0;    // in the source, all present in the target after the move
  std::int64_t artifacts_copied = 0;
  std::int64_t account_rows = 0;  // users, keys, logins, notebooks, grants, artifact records
  std::int64_t account_rows_copied = 0;
  std::int64_t events() const;
  std::int64_t events_copied() const;
};

Summary run(const Options& options);

// One paragraph for people: what was there, what was copied, that it was verified.
std::string describe(const Summary& summary);

}  // namespace runt::migrate
