#include "runt/storage/artifact_store.hpp"

#include "runt/storage/event_store.hpp"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
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

}  // namespace

ArtifactStore::ArtifactStore(std::filesystem::path dir) : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
}

std::string ArtifactStore::put(std::string_view bytes) {
  const std::string hash = sha256_hex(bytes);
  const auto target = dir_ / hash;
  if (std::filesystem::exists(target)) return hash;
  const auto temp = dir_ / (hash + ".tmp" + std::to_string(std::random_device{}()));
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

std::optional<std::string> ArtifactStore::get(std::string_view hash) const {
  if (!is_sha256_hex(hash)) return std::nullopt;
  std::ifstream in(dir_ / std::string(hash), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return std::move(content).str();
}

}  // namespace runt::storage
