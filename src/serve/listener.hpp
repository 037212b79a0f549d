#pragma once
// Accepts TCP connections and hands each to a handler as a Stream holding its admission ticket.
// It never stops on its own: a failed accept (out of file descriptors, an aborted handshake)
// is logged once and retried after a short back-off; a connection over the limits is answered
// 503 and closed at once.

#include "admission.hpp"
#include "http.hpp"

#include <functional>

namespace runt::serve {

class Listener {
 public:
  using Handler = std::function<void(Stream)>;
  using Log = std::function<void(const std::string&)>;
  // Binds and listens; throws boost::system::system_error when it cannot.
  Listener(asio::io_context& io, const tcp::endpoint& endpoint, AdmissionLimits limits, Handler handler, Log log);

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::size_t open_connections() const { return admissions_.open(); }
  void start();
  void stop();

 private:
  void accept();
  void retry_later(const beast::error_code& ec);
  void refuse(tcp::socket socket, const std::string& address);

  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  Admissions admissions_;
  Handler handler_;
  Log log_;
  std::chrono::milliseconds backoff_{0};
  bool refusing_ = false;  // log the start of a run of refusals, not each one
  bool stopped_ = false;
};

}  // namespace runt::serve
