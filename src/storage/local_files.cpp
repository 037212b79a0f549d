#include "local_files.hpp"

#include "runt/base/ids.hpp"
#include "runt/storage/event_store.hpp"  // StorageError

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace runt::storage::local {

namespace {

// Distinct from content files (64 hex digits) and from their temporaries.
constexpr std::string_view kStagingPrefix = "staging-";

[[noreturn]] void fail(std::string_view what, const std::filesystem::path& path) {
  throw StorageError("cannot " + std::string(what) + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

void prepare_staging_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw StorageError("cannot create " + dir.string() + ": " + ec.message());
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(kStagingPrefix) || name.find(".tmp") != std::string::npos) std::filesystem::remove(entry.path(), ec);
  }
}

std::filesystem::path new_staging_path(const std::filesystem::path& dir) {
  return dir / (std::string(kStagingPrefix) + base::random_hex(16));
}

InputFile::InputFile(const std::filesystem::path& path) : path_(path), fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
  if (fd_ < 0) fail("open", path_);
}

InputFile::~InputFile() { ::close(fd_); }

std::string_view InputFile::read(std::string& buffer) {
  size_t filled = 0;
  while (filled < buffer.size()) {
    const ssize_t n = ::read(fd_, buffer.data() + filled, buffer.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("read", path_);
    if (n == 0) break;
    filled += static_cast<size_t>(n);
  }
  return {buffer.data(), filled};
}

void InputFile::fsync() {
  if (::fsync(fd_) != 0) fail("fsync", path_);
}

OutputFile::OutputFile(const std::filesystem::path& path)
    : path_(path), fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) {
  if (fd_ < 0) fail("create", path_);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void OutputFile::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write", path_);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void OutputFile::finish() {
  if (::fsync(fd_) != 0) fail("fsync", path_);
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) fail("close", path_);
}

void sync_dir(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) fail("fsync", dir);
}

void rename(const std::filesystem::path& from, const std::filesystem::path& to, std::string_view what) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec) throw StorageError("cannot store " + std::string(what) + ": " + ec.message());
}

}  // namespace runt::storage::local
