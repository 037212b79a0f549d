#pragma once
// Content-addressed blobs (large outputs: images, long streams) on the local file system:
// one file per SHA-256, written durably before it is reported stored.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace runt::storage {

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

class ArtifactStore {
 public:
  // Creates `dir` when missing.
  explicit ArtifactStore(std::filesystem::path dir);
  // Stores `bytes` (a no-op when the same content is there) and returns its SHA-256 hex.
  // Durable when it returns: written to a temporary file, fsynced, renamed, directory fsynced.
  // Throws StorageError.
  std::string put(std::string_view bytes);
  // The content of a hash, or nullopt when unknown or `hash` is not a SHA-256 hex digest.
  std::optional<std::string> get(std::string_view hash) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace runt::storage
