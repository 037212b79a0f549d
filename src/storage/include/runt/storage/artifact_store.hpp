#pragma once
// Content-addressed blobs (large outputs: images, long streams), one per SHA-256, stored
// durably before they are reported stored. One small interface so that files in the data
// directory (one server) and PostgreSQL (many server nodes: an upload to one node is served by
// any other) are interchangeable behind `runt serve`. Errors are StorageError.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runt::storage {

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);
// Whether `text` is a lower-case hex SHA-256 (the only names a store answers to).
bool is_sha256_hex(std::string_view text);

class ArtifactStore {
 public:
  virtual ~ArtifactStore() = default;

  // Stores `bytes` (a no-op when the same content is there) and returns its SHA-256 hex.
  // Durable when it returns.
  virtual std::string put(std::string_view bytes) = 0;
  // The content of a hash, or nullopt when unknown or `hash` is not a SHA-256 hex digest.
  virtual std::optional<std::string> get(std::string_view hash) = 0;
  // A local file holding a hash's content (to stream it), or nullopt as get(). May fetch the
  // content first (PostgreSQL): call it off the event loop when the store is shared().
  virtual std::optional<std::filesystem::path> file_of(std::string_view hash) = 0;

  // Large contents arrive in pieces: written to a new staging file (a local path of the
  // store's), then adopted. Staging files left by a crash are removed when the store opens.
  virtual std::filesystem::path new_staging_file() = 0;
  // Adopts a finished staging file as content, hashing it as it is read; the staging file is
  // gone afterwards, also on failure. Returns its SHA-256 hex and size. Durable when it
  // returns. Safe to call from another thread than the store's other users.
  struct Adopted {
    std::string hash;
    std::uintmax_t size = 0;
  };
  virtual Adopted adopt(const std::filesystem::path& staging_file) = 0;

  // Every stored hash, ascending (for `runt migrate` and its checks).
  virtual std::vector<std::string> hashes() = 0;

  // Whether other processes (server nodes) store into the same place.
  virtual bool shared() const { return false; }
};

// Files in `dir` (created when missing), one per hash, each written to a temporary file,
// fsynced, renamed, and the directory fsynced.
std::unique_ptr<ArtifactStore> open_file_artifact_store(const std::filesystem::path& dir);

// PostgreSQL at a libpq URI (tables created or upgraded as component "artifacts"), contents in
// bytea pieces of a few MiB so that neither side ever holds a whole large artifact, committed
// synchronously. `local_dir` (created when missing) holds staging files and a cache of
// contents fetched for file_of(): safe to share or lose, since a hash names one content.
// Throws StorageError when the database cannot be reached.
std::unique_ptr<ArtifactStore> open_postgres_artifact_store(const std::string& uri, const std::filesystem::path& local_dir);

}  // namespace runt::storage
