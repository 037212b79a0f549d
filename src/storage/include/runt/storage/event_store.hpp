#pragma once
// Where notebook logs live. One small interface so that SQLite (one file, the default) and
// PostgreSQL (many server nodes) are interchangeable behind the sync server.

#include "runt/protocol/frames.hpp"

#include <cstdint>
#include <filesystem>
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

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Appends several pushes, possibly to different logs, in one durable transaction (group
  // commit): when this returns every event is on stable storage; on any error nothing is
  // written. Each push must start at its log's head (checked again here).
  virtual void append(std::span<const Append> appends) = 0;

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

}  // namespace runt::storage
