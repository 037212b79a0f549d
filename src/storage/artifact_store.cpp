#include "runt/storage/artifact_store.hpp"

#include "runt/base/ids.hpp"

#include "runt/storage/event_store.hpp"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <vector>
#include <random>
#include <sstream>
#include <unistd.h>

namespace runt::storage {

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1)
    throw StorageError("sha256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

namespace {

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (const char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw StorageError("cannot write " + path.string() + ": " + std::strerror(errno));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void sync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw StorageError("cannot open " + path.string() + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw StorageError("cannot fsync " + path.string() + ": " + std::strerror(errno));
}

// Distinct from content files (64 hex digits) and from put()'s temporaries.
constexpr std::string_view kStagingPrefix = "staging-";

}  // namespace

ArtifactStore::ArtifactStore(std::filesystem::path dir) : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
  for (const auto& entry : std::filesystem::directory_iterator(dir_))
    if (entry.path().filename().string().starts_with(kStagingPrefix)) std::filesystem::remove(entry.path());
}

std::string ArtifactStore::put(std::string_view bytes) {
  const std::string hash = sha256_hex(bytes);
  const auto target = dir_ / hash;
  if (std::filesystem::exists(target)) return hash;
  const auto temp = dir_ / (hash + ".tmp" + base::random_hex(8));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw StorageError("cannot create " + temp.string() + ": " + std::strerror(errno));
  try {
    write_all(fd, bytes, temp);
    if (::fsync(fd) != 0) throw StorageError("cannot fsync " + temp.string() + ": " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    std::filesystem::remove(temp);
    throw;
  }
  ::close(fd);
  std::error_code ec;
  std::filesystem::rename(temp, target, ec);
  if (ec) {
    std::filesystem::remove(temp);
    throw StorageError("cannot store artifact " + hash + ": " + ec.message());
  }
  sync_path(dir_, O_RDONLY | O_DIRECTORY);  // the rename itself must survive a crash
  return hash;
}

std::filesystem::path ArtifactStore::new_staging_file() const {
  return dir_ / (std::string(kStagingPrefix) + base::random_hex(16));
}

ArtifactStore::Adopted ArtifactStore::adopt(const std::filesystem::path& staging) {
  struct Cleanup {
    const std::filesystem::path& file;
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove(file, ignored);
    }
  } cleanup{staging};
  const int fd = ::open(staging.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw StorageError("cannot open " + staging.string() + ": " + std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr);
  std::vector<char> chunk(1u << 20);
  Adopted out;
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      throw StorageError("cannot read " + staging.string() + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    EVP_DigestUpdate(context.get(), chunk.data(), static_cast<size_t>(n));
    out.size += static_cast<std::uintmax_t>(n);
  }
  const int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) throw StorageError("cannot fsync " + staging.string() + ": " + std::strerror(errno));
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(context.get(), digest.data(), &size);
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned i = 0; i < size; ++i) {
    out.hash.push_back(kHex[digest[i] >> 4]);
    out.hash.push_back(kHex[digest[i] & 15]);
  }
  const auto target = dir_ / out.hash;
  if (std::filesystem::exists(target)) return out;
  std::error_code ec;
  std::filesystem::rename(staging, target, ec);
  if (ec) throw StorageError("cannot store artifact " + out.hash + ": " + ec.message());
  sync_path(dir_, O_RDONLY | O_DIRECTORY);
  return out;
}

std::optional<std::filesystem::path> ArtifactStore::file_of(std::string_view hash) const {
  if (!is_sha256_hex(hash)) return std::nullopt;
  auto file = dir_ / std::string(hash);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

std::optional<std::string> ArtifactStore::get(std::string_view hash) const {
  if (!is_sha256_hex(hash)) return std::nullopt;
  std::ifstream in(dir_ / std::string(hash), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return std::move(content).str();
}

}  // namespace runt::storage
