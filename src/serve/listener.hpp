#pragma once
// Accepts TCP connections and hands each to a handler.

#include "http.hpp"

#include <functional>

namespace runt::serve {

class Listener {
 public:
  using Handler = std::function<void(tcp::socket)>;
  // Binds and listens; throws boost::system::system_error when it cannot.
  Listener(asio::io_context& io, const tcp::endpoint& endpoint, Handler handler, std::function<void(const std::string&)> log);

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void start();
  void stop();

 private:
  void accept();

  tcp::acceptor acceptor_;
  Handler handler_;
  std::function<void(const std::string&)> log_;
};

}  // namespace runt::serve
