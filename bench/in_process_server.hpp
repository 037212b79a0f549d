#pragma once
// `runt serve` inside a benchmark: ServerThread on a fresh data directory under $TMPDIR (default
// /tmp; TMPDIR=/dev/shm takes fsync out of the figures and leaves the CPU's work), token
// "bench-token"; destroying it stops the server and removes the directory.

#include "server_thread.hpp"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

namespace runt::bench {

class InProcessServer {
 public:
  explicit InProcessServer(const std::string& name) : dir_(make_dir(name)) {
    server_ = std::make_unique<testing_support::ServerThread>(dir_ / "server", 0, "bench-token");
  }
  ~InProcessServer() {
    server_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  std::uint16_t port() const { return server_->port(); }
  std::string sync_url() const { return "ws://127.0.0.1:" + std::to_string(port()) + "/livestore"; }
  const std::filesystem::path& dir() const { return dir_; }  // scratch space next to the server's data

 private:
  static std::filesystem::path make_dir(const std::string& name) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/runt-bench-" + name + "-XXXXXX";
    return mkdtemp(pattern.data());
  }
  std::filesystem::path dir_;
  std::unique_ptr<testing_support::ServerThread> server_;
};

}  // namespace runt::bench
