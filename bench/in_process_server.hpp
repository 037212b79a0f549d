#pragma once
// `runt serve` inside a benchmark: a fresh data directory under /tmp, port 0, token
// "bench-token", served on its own thread until destroyed (which removes the directory).

#include "runt/serve/server.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>

namespace runt::bench {

class InProcessServer {
 public:
  explicit InProcessServer(const std::string& name) {
    std::string pattern = "/tmp/runt-bench-" + name + "-XXXXXX";
    dir_ = mkdtemp(pattern.data());
    serve::Options options;
    options.port = 0;
    options.data_dir = dir_ / "server";
    options.token = "bench-token";
    server_ = std::make_unique<serve::Server>(options);
    thread_ = std::thread([this] { server_->run(); });
  }
  ~InProcessServer() {
    server_->stop();
    thread_.join();
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
  std::filesystem::path dir_;
  std::unique_ptr<serve::Server> server_;
  std::thread thread_;
};

}  // namespace runt::bench
