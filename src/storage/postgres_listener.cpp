#include "runt/storage/postgres_listener.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

namespace runt::storage::pg {

Listener::Listener(std::string uri, std::vector<std::string> channels, Handlers handlers)
    : uri_(std::move(uri)), channels_(std::move(channels)), handlers_(std::move(handlers)) {
  if (::pipe(wake_) != 0) throw StorageError("cannot create a pipe for the PostgreSQL listener");
  thread_ = std::thread([this] { run(); });
}

Listener::~Listener() {
  stopping_ = true;
  const char byte = 0;
  [[maybe_unused]] const auto n = ::write(wake_[1], &byte, 1);
  thread_.join();
  ::close(wake_[0]);
  ::close(wake_[1]);
}

bool Listener::wait_readable(int fd, int timeout_ms) {
  pollfd fds[2] = {{wake_[0], POLLIN, 0}, {fd, POLLIN, 0}};
  ::poll(fds, fd >= 0 ? 2 : 1, timeout_ms);
  return !stopping_;
}

void Listener::run() {
  int backoff_ms = 100;
  bool reported = false;
  while (!stopping_) {
    std::unique_ptr<Connection> connection;
    try {
      connection = std::make_unique<Connection>(uri_);
      for (const auto& channel : channels_) connection->exec("LISTEN " + channel);
    } catch (const StorageError& e) {
      if (!reported) handlers_.log(std::string(e.what()) + " (listening for other nodes' writes; retrying)");
      reported = true;
      wait_readable(-1, backoff_ms);
      backoff_ms = std::min(backoff_ms * 2, 5000);
      continue;
    }
    if (reported) handlers_.log("listening for other nodes' writes again");
    reported = false;
    backoff_ms = 100;
    // Before any notification of this connection: whatever was missed is re-read.
    handlers_.connected();
    while (!stopping_) {
      for (const auto& n : connection->take_notifications()) handlers_.notification(n);
      if (connection->broken()) break;
      if (!wait_readable(connection->socket(), 1000)) break;
    }
    if (!stopping_) {
      handlers_.log("lost the PostgreSQL connection listening for other nodes' writes; reconnecting");
      reported = true;
    }
  }
}

}  // namespace runt::storage::pg
