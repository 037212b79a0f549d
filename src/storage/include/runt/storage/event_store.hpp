#pragma once
// Where notebook logs live. One small interface so that SQLite (one file, the default) and
// PostgreSQL (many server nodes sharing one database) are interchangeable behind the sync
// server.

#include "runt/protocol/frames.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace runt::storage {

class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StoredEvent {
  protocol::WireEvent event;
  std::string createdAt;  // server time of the append, ISO-8601
};

// One push to append: its events continue `store_id`'s log (already checked by the caller).
struct Append {
  std::string store_id;
  std::span<const protocol::WireEvent> events;
  std::string created_at;
};

// What an append wrote. A shared store's logs may have moved on under another writer (a server
// node on the same database): the pushes that no longer continue their log are left out.
struct AppendResult {
  std::vector<size_t> conflicts;  // indexes into the appends that were not written, ascending
  bool fenced = false;            // append_if: the fence had moved, and nothing was written
};

// A shared store's named counter that other writers advance (storage/postgres_fences.hpp; the
// accounts advance "revocations" whenever credentials are revoked). Never advanced: 0.
struct Fence {
  std::string name;
  std::uint64_t value = 0;
};

// How a shared store reports other writers' appends (see EventStore::watch). Both run on the
// feed's own thread.
struct ChangeHandlers {
  // `store_id`'s log now ends at `head` (or further). May repeat, and may report this store's own
  // appends: receivers compare with what they know.
  std::function<void(const std::string& store_id, std::int64_t head)> appended;
  // Reports may have been missed (the feed reconnected): re-read the heads that matter.
  std::function<void()> resync;
  std::function<void(const std::string&)> log = [](const std::string&) {};
};

// Reports until destroyed.
class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
};

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Appends several pushes, possibly to different logs, in one durable transaction (group
  // commit): when this returns every written event is on stable storage; on an error (thrown)
  // nothing is written. A store with one writer requires each push to start at its log's head
  // (checked again here; StorageError otherwise); a shared store leaves out the pushes another
  // writer got ahead of and returns them.
  virtual AppendResult append(std::span<const Append> appends) = 0;
  // append() only while `fence` still holds its value, checked in the same transaction: a
  // writer that has acted on everything up to that value (e.g. ended the sockets of revoked
  // credentials) writes nothing that a later change should have stopped, and needs no round
  // trip of its own to find out. A store with one writer keeps no fences (nothing else moves
  // them) and appends as append() does.
  virtual AppendResult append_if(std::span<const Append> appends, const Fence& fence) {
    (void)fence;
    return append(appends);
  }

  // Whether other writers append to the same logs (PostgreSQL, many server nodes): head() is
  // then read afresh, and watch() reports their appends.
  virtual bool shared() const { return false; }
  // nullptr for a store with one writer.
  virtual std::unique_ptr<ChangeFeed> watch(ChangeHandlers handlers) {
    (void)handlers;
    return nullptr;
  }

  // The last seqNum of the log; 0 for an empty or unknown log.
  virtual std::int64_t head(std::string_view store_id) = 0;

  // Events with seqNum > after, ascending, at most `limit`, and no more than `max_bytes` of text
  // (name, args, ids, createdAt) unless the first event alone is bigger: a reader's memory is
  // bounded however large the events are.
  virtual std::vector<StoredEvent> read(std::string_view store_id, std::int64_t after, size_t limit, size_t max_bytes) = 0;
  std::vector<StoredEvent> read(std::string_view store_id, std::int64_t after, size_t limit) {
    return read(store_id, after, limit, std::numeric_limits<size_t>::max());
  }

  // The log's last event, or its last event called `name`.
  virtual std::optional<StoredEvent> last(std::string_view store_id, std::optional<std::string_view> name = {}) = 0;

  // Ids of every log with at least one event.
  virtual std::vector<std::string> store_ids() = 0;
};

// SQLite in WAL mode with synchronous=FULL: a returned append survives a crash or power loss.
// Creates the file (and its directory) when missing.
std::unique_ptr<EventStore> open_sqlite_store(const std::filesystem::path& file);

// PostgreSQL at a libpq URI, creating or upgrading runt's tables (versioned, under an advisory
// lock so that nodes starting together do not race). Commits are synchronous (durable on the
// database's disk before append() returns); the order of each log is decided by a row lock on
// its head. Throws StorageError when the database cannot be reached or is newer than this runt.
std::unique_ptr<EventStore> open_postgres_store(const std::string& uri);

}  // namespace runt::storage
