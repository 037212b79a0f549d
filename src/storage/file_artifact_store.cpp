#include "runt/storage/artifact_store.hpp"

#include "local_files.hpp"
#include "sha256.hpp"

#include "runt/base/ids.hpp"
#include "runt/storage/event_store.hpp"  // StorageError

#include <algorithm>
#include <fstream>
#include <sstream>

namespace runt::storage {

namespace {

class FileArtifactStore final : public ArtifactStore {
 public:
  // Staging files live in the store's own directory, so that adopting one is an atomic rename.
  explicit FileArtifactStore(std::filesystem::path dir) : dir_(std::move(dir)) { local::prepare_staging_dir(dir_); }

  std::string put(std::string_view bytes) override {
    const std::string hash = sha256_hex(bytes);
    const auto target = dir_ / hash;
    if (std::filesystem::exists(target)) return hash;
    const auto temp = dir_ / (hash + ".tmp" + base::random_hex(8));
    local::RemoveOnExit cleanup{temp};
    local::OutputFile out(temp);
    out.write(bytes);
    out.finish();
    local::rename(temp, target, "artifact " + hash);
    local::sync_dir(dir_);  // the rename itself must survive a crash
    return hash;
  }

  std::optional<std::string> get(std::string_view hash) override {
    if (!is_sha256_hex(hash)) return std::nullopt;
    std::ifstream in(dir_ / std::string(hash), std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream content;
    content << in.rdbuf();
    return std::move(content).str();
  }

  std::optional<std::filesystem::path> file_of(std::string_view hash) override {
    if (!is_sha256_hex(hash)) return std::nullopt;
    auto file = dir_ / std::string(hash);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
    return file;
  }

  std::filesystem::path new_staging_file() override { return local::new_staging_path(dir_); }

  Adopted adopt(const std::filesystem::path& staging) override {
    local::RemoveOnExit cleanup{staging};
    Adopted out;
    {
      local::InputFile in(staging);
      Sha256 hash;
      std::string buffer(1u << 20, '\0');
      for (std::string_view piece; !(piece = in.read(buffer)).empty();) {
        hash.update(piece);
        out.size += piece.size();
      }
      in.fsync();
      out.hash = hash.finish();
    }
    const auto target = dir_ / out.hash;
    if (std::filesystem::exists(target)) return out;
    local::rename(staging, target, "artifact " + out.hash);
    local::sync_dir(dir_);
    return out;
  }

  std::vector<std::string> hashes() override {
    std::vector<std::string> out;
    try {
      for (const auto& entry : std::filesystem::directory_iterator(dir_))
        if (auto name = entry.path().filename().string(); is_sha256_hex(name) && entry.is_regular_file()) out.push_back(std::move(name));
    } catch (const std::filesystem::filesystem_error& e) {
      throw StorageError("cannot list the artifacts in " + dir_.string() + ": " + e.what());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<ArtifactStore> open_file_artifact_store(const std::filesystem::path& dir) {
  return std::make_unique<FileArtifactStore>(dir);
}

}  // namespace runt::storage
