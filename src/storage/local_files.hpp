#pragma once
// The file handling both artifact stores share: staging files in a local directory, files read
// in pieces, and writes made durable (fsync) before they are trusted.

#include <filesystem>
#include <string>
#include <string_view>

namespace runt::storage::local {

// Creates `dir` when missing and removes the staging and temporary files ("*.tmp*") a crash
// left there.
void prepare_staging_dir(const std::filesystem::path& dir);
// A fresh staging file name in `dir` (not created).
std::filesystem::path new_staging_path(const std::filesystem::path& dir);

// Removes a file when it goes out of scope (a staging file is gone after adopt, also on failure).
struct RemoveOnExit {
  const std::filesystem::path& file;
  ~RemoveOnExit() {
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
  }
};

// A file opened for reading in pieces. Throws StorageError.
class InputFile {
 public:
  explicit InputFile(const std::filesystem::path& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  // The next `buffer.size()` bytes, fewer only at the end (empty there).
  std::string_view read(std::string& buffer);
  void fsync();

 private:
  std::filesystem::path path_;
  int fd_;
};

// A new file (it must not exist) written in pieces. Throws StorageError.
class OutputFile {
 public:
  explicit OutputFile(const std::filesystem::path& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  void write(std::string_view bytes);
  // fsync and close.
  void finish();

 private:
  std::filesystem::path path_;
  int fd_;
};

// fsync of a directory: a rename into it survives a crash.
void sync_dir(const std::filesystem::path& dir);
// Renames `from` to `to`; throws StorageError naming `what`.
void rename(const std::filesystem::path& from, const std::filesystem::path& to, std::string_view what);

}  // namespace runt::storage::local
