#include "listener.hpp"

namespace runt::serve {

Listener::Listener(asio::io_context& io, const tcp::endpoint& endpoint, Handler handler,
                   std::function<void(const std::string&)> log)
    : acceptor_(io), handler_(std::move(handler)), log_(std::move(log)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
}

void Listener::start() { accept(); }

void Listener::stop() {
  beast::error_code ignored;
  acceptor_.close(ignored);
}

void Listener::accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec) return;
    // Small frames, answered at once: Nagle plus delayed ACKs would add ~40 ms to each.
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    handler_(std::move(socket));
    accept();
  });
}

}  // namespace runt::serve
