#include "runt/sync/client.hpp"

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

struct Endpoint {
  std::string host, port, path;
};

Endpoint parse_url(const std::string& url) {
  std::string_view rest = url;
  if (rest.starts_with("ws://"))
    rest.remove_prefix(5);
  else if (rest.starts_with("http://"))
    rest.remove_prefix(7);
  else
    throw std::invalid_argument("sync URL must start with ws:// or http:// (wss: put a TLS proxy in front): " + url);
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string path(slash == std::string_view::npos ? "" : rest.substr(slash));
  while (path.ends_with('/')) path.pop_back();
  const auto colon = authority.rfind(':');
  Endpoint e{std::string(authority.substr(0, colon)), colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1)),
             path};
  if (e.host.empty() || e.port.empty()) throw std::invalid_argument("sync URL has no host: " + url);
  return e;
}

}  // namespace

struct SyncClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& context, ClientOptions o)
      : io(context), options(std::move(o)), endpoint(parse_url(options.url)),
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

HttpResponse http_request(const std::string& base_url, const std::string& method, const std::string& target,
                          const std::string& bearer_token, const std::string& body, const std::string& content_type,
                          const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string url = base_url;
  if (url.starts_with("ws://")) url = "http://" + url.substr(5);
  const Endpoint e = parse_url(url);
  const std::string where = e.host + ":" + e.port;
  http::request<http::string_body> request(http::string_to_verb(method), target, 11);
  request.set(http::field::host, where);
  request.set(http::field::user_agent, "runt/0.1");
  if (!bearer_token.empty()) request.set(http::field::authorization, "Bearer " + bearer_token);
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == "POST") {
    request.set(http::field::content_type, content_type);
    request.body() = body;
  }
  request.prepare_payload();

  // Asynchronous operations, so that the stream's deadline applies to each step (Beast's
  // synchronous calls ignore it and could wait forever on a silent server).
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1ull << 32);
  std::string failure;
  const auto deadline = std::chrono::seconds(60);
  stream.expires_after(deadline);
  tcp::resolver resolver(io);
  resolver.async_resolve(e.host, e.port, [&](beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return void(failure = "cannot resolve " + e.host + ": " + ec.message());
    stream.async_connect(results, [&](beast::error_code cec, const tcp::endpoint&) {
      if (cec) return void(failure = "cannot reach " + where + ": " + cec.message());
      stream.expires_after(deadline);
      http::async_write(stream, request, [&](beast::error_code wec, std::size_t) {
        if (wec) return void(failure = "request to " + where + " failed: " + wec.message());
        stream.expires_after(deadline);
        http::async_read(stream, buffer, parser, [&](beast::error_code rec, std::size_t) {
          if (rec) failure = "no answer from " + where + ": " + rec.message();
        });
      });
    });
  });
  io.run();
  if (!failure.empty()) throw std::runtime_error(failure);
  return HttpResponse{static_cast<int>(parser.get().result_int()), parser.get().body()};
}

std::string http_base_of(const std::string& sync_url) {
  const Endpoint e = parse_url(sync_url);
  return "http://" + e.host + ":" + e.port;
}

std::string sync_url_of(const std::string& base_url) {
  std::string url = base_url;
  while (url.ends_with('/')) url.pop_back();
  if (url.starts_with("http://")) url = "ws://" + url.substr(7);
  if (!url.ends_with("/livestore")) url += "/livestore";
  return url;
}

}  // namespace runt::sync
