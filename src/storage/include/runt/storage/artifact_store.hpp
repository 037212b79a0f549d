#pragma once
// Content-addressed blobs (large outputs: images, long streams) on the local file system:
// one file per SHA-256, written durably before it is reported stored.

#include <cstdint>
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
  // The file holding a hash's content (to stream it), or nullopt as get().
  std::optional<std::filesystem::path> file_of(std::string_view hash) const;

  // Large contents arrive in pieces: written to a new staging file (in the store's directory,
  // so the final rename is atomic), then adopted. Staging files left by a crash are removed
  // when the store opens.
  std::filesystem::path new_staging_file() const;
  // Adopts a finished staging file as content (hashing it as it is read, fsync, rename; the
  // staging file is gone afterwards, also on failure). Returns its SHA-256 hex and size.
  // Safe to call from another thread than the store's other users.
  struct Adopted {
    std::string hash;
    std::uintmax_t size = 0;
  };
  Adopted adopt(const std::filesystem::path& staging_file);

 private:
  std::filesystem::path dir_;
};

}  // namespace runt::storage
