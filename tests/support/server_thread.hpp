#pragma once
// A real `runt serve` (in-process, on a real socket and SQLite) on its own thread, with the
// given operator token. The tests and the benchmarks both use it.

#include "runt/serve/server.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

namespace runt::testing_support {

class ServerThread {
 public:
  // `web_dir` empty: the build's web UI.
  explicit ServerThread(const std::filesystem::path& data, std::uint16_t port = 0, std::string token = "operator-token",
                        const std::filesystem::path& web_dir = {}) {
    serve::Options options;
    options.port = port;
    options.data_dir = data;
    options.token = std::move(token);
    if (!web_dir.empty()) options.web_dir = web_dir;
    server_ = std::make_unique<serve::Server>(options);
    thread_ = std::thread([this] { server_->run(); });
  }
  ~ServerThread() {
    server_->stop();
    thread_.join();
  }
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;
  std::uint16_t port() const { return server_->port(); }

 private:
  std::unique_ptr<serve::Server> server_;
  std::thread thread_;
};

}  // namespace runt::testing_support
