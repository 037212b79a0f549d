#pragma once
// LISTEN on a connection and thread of its own: how server nodes sharing one PostgreSQL
// database hear of each other's writes. A dropped connection is retried with backoff (100 ms
// doubling to 5 s); notifications sent while it was down are lost, so after every (re)connect
// `connected` runs first and its owner re-reads what it cares about.

#include "runt/storage/postgres.hpp"

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace runt::storage::pg {

class Listener {
 public:
  struct Handlers {
    std::function<void(const Connection::Notification&)> notification;
    std::function<void()> connected;                            // listening (again): catch up
    std::function<void(const std::string&)> log = [](const std::string&) {};  // connection lost, retrying
  };
  // Starts listening on `channels` (plain identifiers) at once; handlers run on the
  // listener's thread.
  Listener(std::string uri, std::vector<std::string> channels, Handlers handlers);
  ~Listener();  // stops within a poll and joins
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

 private:
  void run();
  bool wait_readable(int fd, int timeout_ms);  // false once stopping
  std::string uri_;
  std::vector<std::string> channels_;
  Handlers handlers_;
  int wake_[2] = {-1, -1};  // a pipe: written by the destructor to end a poll at once
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace runt::storage::pg
