#include "listener.hpp"

#include <algorithm>

namespace runt::serve {

Listener::Listener(asio::io_context& io, const tcp::endpoint& endpoint, AdmissionLimits limits, Handler handler, Log log)
    : acceptor_(io), retry_(io), admissions_(limits), handler_(std::move(handler)), log_(std::move(log)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
}

void Listener::start() { accept(); }

void Listener::stop() {
  stopped_ = true;
  beast::error_code ignored;
  acceptor_.close(ignored);
  retry_.cancel();
}

void Listener::accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (stopped_ || ec == asio::error::operation_aborted) return;
    if (ec) return retry_later(ec);
    if (backoff_.count() > 0) log_("accepting connections again");
    backoff_ = std::chrono::milliseconds(0);
    beast::error_code peer_error;
    const auto peer = socket.remote_endpoint(peer_error);
    if (peer_error) return accept();  // it left already
    const std::string address = peer.address().to_string();
    if (auto ticket = admissions_.admit(address)) {
      refusing_ = false;
      // Small frames, answered at once: Nagle plus delayed ACKs would add ~40 ms to each.
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      handler_(Stream(AdmittedPolicy(std::move(ticket)), std::move(socket)));
    } else {
      refuse(std::move(socket), address);
    }
    accept();
  });
}

// EMFILE, ENFILE, ENOBUFS, ECONNABORTED...: the listening socket is fine, the moment is not.
// The pending connection stays in the backlog, so retrying at once would spin.
void Listener::retry_later(const beast::error_code& ec) {
  if (backoff_.count() == 0) log_("accept failed: " + ec.message() + "; retrying until it works");
  backoff_ = std::clamp(backoff_ * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  retry_.expires_after(backoff_);
  retry_.async_wait([this](beast::error_code wait_error) {
    if (!wait_error && !stopped_) accept();
  });
}

// One non-blocking write of a fixed answer: a refused client costs no memory and no waiting.
void Listener::refuse(tcp::socket socket, const std::string& address) {
  if (!refusing_)
    log_("refusing connections from " + address + ": " + std::to_string(admissions_.open()) + " open (limits " +
         std::to_string(admissions_.limits().total) + " in all, " + std::to_string(admissions_.limits().per_address) +
         " per address)");
  refusing_ = true;
  static constexpr std::string_view kBusy =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 36\r\nRetry-After: 5\r\n"
      "Connection: close\r\n\r\nToo many connections; try again soon";
  beast::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(kBusy.data(), kBusy.size()), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

}  // namespace runt::serve
