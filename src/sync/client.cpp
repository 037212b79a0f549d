#include "runt/sync/client.hpp"

#include "runt/base/endpoint.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <deque>

namespace runt::sync {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

using base::Endpoint;

// A push is at most 50 events and about 1 MiB; most are a few KiB. Bigger ones go in writes of
// this size.
constexpr std::size_t kWriteBufferBytes = 64 * 1024;

}  // namespace

struct SyncClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& context, ClientOptions o)
      : io(context), options(std::move(o)), endpoint(base::parse_endpoint(options.url)),
        replica(options.client_id, options.session_id), backoff(options.min_backoff), timer(context) {}

  void connect() {
    if (stopped) return;
    auto self = shared_from_this();
    ws = std::make_shared<websocket::stream<beast::tcp_stream>>(io);
    auto resolver = std::make_shared<tcp::resolver>(io);
    resolver->async_resolve(endpoint.host, endpoint.port, [self, resolver](beast::error_code ec, tcp::resolver::results_type results) {
      if (self->stopped) return;
      if (ec) return self->failed("cannot resolve " + self->endpoint.host + ": " + ec.message());
      beast::get_lowest_layer(*self->ws).expires_after(std::chrono::seconds(10));
      beast::get_lowest_layer(*self->ws).async_connect(results, [self](beast::error_code cec, const tcp::endpoint&) {
        if (self->stopped) return;
        if (cec) return self->failed("cannot connect to " + self->options.url + ": " + cec.message());
        self->handshake();
      });
    });
  }

  void handshake() {
    auto self = shared_from_this();
    beast::error_code ignored;
    beast::get_lowest_layer(*ws).socket().set_option(tcp::no_delay(true), ignored);
    const std::string target =
        endpoint.path + "/websocket?" + protocol::sync_query(options.store_id, schema::to_js_string(options.payload));
    response = std::make_shared<websocket::response_type>();
    ws->async_handshake(*response, endpoint.host + ":" + endpoint.port, target, [self](beast::error_code ec) {
      if (self->stopped) return;  // stop() came while connecting
      if (ec == websocket::error::upgrade_declined)
        return self->failed("refused: " + std::to_string(self->response->result_int()) + " " + self->response->body());
      if (ec) return self->failed("handshake failed: " + ec.message());
      beast::get_lowest_layer(*self->ws).expires_never();
      self->ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
      self->ws->text(true);
      self->ws->read_message_max(0);
      // One frame, masked in one buffer and sent in one write: Beast's defaults cut a push into
      // 4 KiB frames, each its own write (and a wakeup of the server) on a loopback socket.
      self->ws->auto_fragment(false);
      self->ws->write_buffer_bytes(kWriteBufferBytes);
      self->open = true;
      ++self->connects;
      self->backoff = self->options.min_backoff;
      self->options.log("connected to " + self->options.url + " for " + self->options.store_id);
      self->replica.on_connected();
      self->flush();
      self->read();
    });
  }

  void read() {
    auto self = shared_from_this();
    ws->async_read(buffer, [self, socket = ws](beast::error_code ec, std::size_t) {
      if (socket != self->ws) return;  // an old socket's late completion
      if (ec) return self->lost(ec);
      const std::string frame = beast::buffers_to_string(self->buffer.data());
      self->buffer.consume(self->buffer.size());
      self->replica.on_frame(frame);
      self->flush();
      self->watch_stall();
      self->read();
    });
  }

  // Pushing stopped for a reason time may cure: try again in a second.
  void watch_stall() {
    if (!replica.stalled() || stall_timer_armed) return;
    stall_timer_armed = true;
    stall_timer.expires_after(std::chrono::seconds(1));
    stall_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
      self->stall_timer_armed = false;
      if (ec || self->stopped || !self->open) return;
      if (self->replica.stalled()) self->replica.retry();
      self->flush();
      self->watch_stall();
    });
  }

  void flush() {
    for (auto& frame : replica.take_outgoing())
      if (open) queue.push_back(std::move(frame));
    if (open && !writing && !queue.empty()) write();
  }

  void write() {
    writing = true;
    auto self = shared_from_this();
    // The frame is owned by the write itself: clearing the queue (a lost connection) must not
    // free bytes an unfinished write still reads.
    auto frame = std::make_shared<std::string>(std::move(queue.front()));
    queue.pop_front();
    ws->async_write(asio::buffer(*frame), [self, socket = ws, frame](beast::error_code ec, std::size_t) {
      if (socket != self->ws) return;
      self->writing = false;
      if (ec) return self->lost(ec);
      if (!self->queue.empty()) self->write();
    });
  }

  void lost(beast::error_code ec) {
    if (!open) return;
    open = false;
    queue.clear();
    writing = false;
    replica.on_disconnected();
    if (!stopped) options.log("connection lost: " + ec.message());
    retry();
  }

  void failed(const std::string& why) {
    options.log(why);
    retry();
  }

  void retry() {
    if (stopped) return;
    beast::error_code ignored;
    if (ws) beast::get_lowest_layer(*ws).socket().close(ignored);
    timer.expires_after(backoff);
    backoff = std::min(backoff * 2, options.max_backoff);
    timer.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->connect();
    });
  }

  void stop() {
    stopped = true;
    timer.cancel();
    stall_timer.cancel();
    if (!ws) return;
    const bool was_open = open;
    if (open) {
      open = false;
      replica.on_disconnected();
    }
    if (was_open && !writing) {
      ws->async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
    } else {  // not open, or a write under way (Beast allows one writer): close the socket itself
      beast::error_code ignored;
      beast::get_lowest_layer(*ws).socket().close(ignored);
    }
  }

  asio::io_context& io;
  ClientOptions options;
  Endpoint endpoint;
  Replica replica;
  std::chrono::milliseconds backoff;
  asio::steady_timer timer;
  std::shared_ptr<websocket::stream<beast::tcp_stream>> ws;  // kept alive by its pending operations
  std::shared_ptr<websocket::response_type> response;
  beast::flat_buffer buffer;
  std::deque<std::string> queue;
  bool open = false, writing = false, stopped = false, flush_posted = false, stall_timer_armed = false;
  asio::steady_timer stall_timer{io};
  int connects = 0;
};

SyncClient::SyncClient(asio::io_context& io, ClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

SyncClient::~SyncClient() { impl_->stop(); }

void SyncClient::start() {
  impl_->stopped = false;
  impl_->connect();
}
void SyncClient::stop() { impl_->stop(); }

std::int64_t SyncClient::commit(const schema::Event& event) {
  const std::int64_t seq = impl_->replica.commit(event);
  // Pushed once the caller's handler returns: commits made together go in one push.
  if (!impl_->flush_posted) {
    impl_->flush_posted = true;
    asio::post(impl_->io, [self = impl_] {
      self->flush_posted = false;
      self->flush();
    });
  }
  return seq;
}

void SyncClient::subscribe(Replica::Listener listener) { impl_->replica.subscribe(std::move(listener)); }
const Replica& SyncClient::replica() const { return impl_->replica; }
bool SyncClient::connected() const { return impl_->open; }
int SyncClient::connections() const { return impl_->connects; }

}  // namespace runt::sync
