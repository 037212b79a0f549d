#include "runt/serve/server.hpp"

#include "runt/schema/json.hpp"
#include "runt/storage/event_store.hpp"
#include "runt/sync/hub.hpp"
#include "runt/sync/push_rules.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <charconv>
#include <chrono>
#include <deque>
#include <map>

namespace runt::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '%') {
      const int hi = i + 1 < text.size() ? hex(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? hex(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) throw std::invalid_argument("malformed percent escape");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string decode_payload_parameter(std::string_view query_value) {
  // URLSearchParams decoding, then decodeURIComponent.
  return percent_decode(percent_decode(query_value, true), false);
}

namespace {

std::map<std::string, std::string> parse_query(std::string_view target) {
  std::map<std::string, std::string> out;
  const auto q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    const std::string key = percent_decode(pair.substr(0, eq), true);
    const std::string value = eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));  // raw: decoded by its user
    out.emplace(key, value);
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

bool same_token(std::string_view a, std::string_view b) {
  // Constant time in the length of the expected token.
  unsigned diff = a.size() != b.size();
  for (size_t i = 0; i < b.size(); ++i) diff |= static_cast<unsigned>(i < a.size() ? a[i] ^ b[i] : b[i]);
  return diff == 0;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

struct Server::Impl {
  explicit Impl(Options o)
      : options(std::move(o)),
        store(storage::open_sqlite_store(options.data_dir / "runt.sqlite")),
        hub(*store, now_ms, /*group_commit=*/true),
        acceptor(io) {
    const tcp::endpoint endpoint(asio::ip::make_address(options.host), options.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen();
  }

  // One WebSocket client. Frames it sends go to the Hub; frames the Hub sends are queued and
  // written one at a time.
  class Session final : public sync::Connection, public std::enable_shared_from_this<Session> {
   public:
    Session(Impl& server, websocket::stream<beast::tcp_stream> ws, std::string store_id)
        : server_(server), ws_(std::move(ws)), store_id_(std::move(store_id)) {}

    void start() {
      id_ = server_.hub.attach(store_id_, *this);
      ws_.text(true);
      ws_.read_message_max(0);  // no Beast limit: read() enforces max_frame_bytes with an Error frame
      read();
    }
    void send(std::string frame) override {
      if (!detached_ && !dropped_) enqueue(std::move(frame));
    }

   private:
    void enqueue(std::string frame) {
      if (server_.options.trace_frames) server_.options.log("#" + std::to_string(id_) + " <- " + frame.substr(0, 300));
      queued_bytes_ += frame.size();
      queue_.push_back(std::move(frame));
      if (queued_bytes_ > server_.options.max_queued_bytes) return drop_slow();
      if (queue_.size() == 1) write();
    }

    // Reads a message piece by piece so that an oversized one can be refused with a
    // WSMessage.Error (and a 1009 close) instead of a bare close.
    void read() {
      ws_.async_read_some(buffer_, 64 * 1024, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->close(ec);
        if (self->buffer_.size() > self->server_.options.max_frame_bytes) return self->refuse_oversized();
        if (!self->ws_.is_message_done()) return self->read();
        const std::string frame = beast::buffers_to_string(self->buffer_.data());
        self->buffer_.consume(self->buffer_.size());
        if (self->server_.options.trace_frames) self->server_.options.log("#" + std::to_string(self->id_) + " -> " + frame.substr(0, 300));
        self->server_.hub.on_frame(self->id_, frame);
        self->server_.schedule_flush();
        self->read();
      });
    }
    void refuse_oversized() {
      const std::string limit = std::to_string(server_.options.max_frame_bytes);
      server_.options.log("refused a frame of more than " + limit + " bytes for " + store_id_);
      buffer_.consume(buffer_.size());
      detach();  // no more broadcasts: only the error is still to go out
      enqueue(protocol::encode(protocol::ServerMessage{
          protocol::Error{"", "Frame refused: larger than " + limit + " bytes"}}));
      closing_ = true;  // close once the error is written
    }
    // A subscriber that does not read would make the server hold every broadcast for it.
    void drop_slow() {
      server_.options.log("dropped a slow subscriber of " + store_id_ + " (" + std::to_string(queued_bytes_) +
                          " bytes waiting)");
      // We are inside a Hub broadcast: leave the Hub once it is done, not under its feet.
      dropped_ = true;
      asio::post(server_.io, [self = shared_from_this()] { self->detach(); });
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(ws_).socket().close(ignored);
    }
    void detach() {
      if (detached_) return;
      detached_ = true;
      server_.hub.detach(id_);
    }
    void write() {
      ws_.async_write(asio::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->close(ec);
        self->queued_bytes_ -= self->queue_.front().size();
        self->queue_.pop_front();
        if (!self->queue_.empty()) return self->write();
        if (self->closing_)
          self->ws_.async_close(websocket::close_code::too_big, [self](beast::error_code) { self->close({}); });
      });
    }
    void close(beast::error_code ec) {
      if (closed_) return;
      closed_ = true;
      detach();
      if (ec && ec != websocket::error::closed) server_.options.log("connection to " + store_id_ + " ended: " + ec.message());
    }

    Impl& server_;
    websocket::stream<beast::tcp_stream> ws_;
    std::string store_id_;
    sync::Hub::ConnectionId id_ = 0;
    beast::flat_buffer buffer_;
    std::deque<std::string> queue_;
    std::size_t queued_bytes_ = 0;
    bool closed_ = false;
    bool closing_ = false;
    bool detached_ = false;
    bool dropped_ = false;
  };

  // Pushes wait in the Hub until the frames already at hand are handled; then one transaction
  // (one fsync) writes them all.
  void schedule_flush() {
    if (flush_scheduled) return;
    flush_scheduled = true;
    asio::post(io, [this] {
      flush_scheduled = false;
      hub.flush();
    });
  }

  void tick() {
    timer.expires_after(std::chrono::milliseconds(500));
    timer.async_wait([this](beast::error_code ec) {
      if (ec) return;
      hub.tick();
      tick();
    });
  }

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      // Small frames, answered at once: Nagle plus delayed ACKs would add ~40 ms to each.
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      stream->expires_after(std::chrono::seconds(30));  // a client gets 30 s to send its request
      auto buffer = std::make_shared<beast::flat_buffer>();
      auto request = std::make_shared<http::request<http::string_body>>();
      http::async_read(*stream, *buffer, *request, [this, stream, buffer, request](beast::error_code rec, std::size_t) {
        if (!rec) handle(std::move(*stream), std::move(*request));
      });
      accept();
    });
  }

  void respond(beast::tcp_stream stream, const http::request<http::string_body>& request, http::status status,
               std::string body, const char* content_type = "text/plain; charset=utf-8") {
    auto response = std::make_shared<http::response<http::string_body>>(status, request.version());
    response->set(http::field::content_type, content_type);
    response->keep_alive(false);
    response->body() = std::move(body);
    response->prepare_payload();
    auto s = std::make_shared<beast::tcp_stream>(std::move(stream));
    http::async_write(*s, *response, [s, response](beast::error_code, std::size_t) {
      beast::error_code ignored;
      s->socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  // REST, JSON, `Authorization: Bearer <token>`. So far: the event log of a notebook as JSON
  // lines, the format `runt replay` reads.
  void api(beast::tcp_stream stream, const http::request<http::string_body>& request, const std::string& target,
           const std::string& path) {
    const std::string_view authorization = request[http::field::authorization];
    if (!authorization.starts_with("Bearer ") || !same_token(authorization.substr(7), options.token))
      return respond(std::move(stream), request, http::status::unauthorized, R"({"error":"Missing or invalid bearer token"})",
                     "application/json");
    static constexpr std::string_view kPrefix = "/api/notebooks/";
    static constexpr std::string_view kSuffix = "/events";
    if (request.method() != http::verb::get || !path.starts_with(kPrefix) || !path.ends_with(kSuffix) ||
        path.size() <= kPrefix.size() + kSuffix.size())
      return respond(std::move(stream), request, http::status::not_found, R"({"error":"Not found"})", "application/json");
    const std::string store_id = percent_decode(std::string_view(path).substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size()), false);
    if (!sync::is_valid_store_id(store_id))
      return respond(std::move(stream), request, http::status::bad_request, R"({"error":"Invalid notebook id"})", "application/json");
    std::int64_t after = 0;
    const auto query = parse_query(target);
    if (const auto it = query.find("after"); it != query.end()) {
      const std::string& text = it->second;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), after);
      if (ec != std::errc() || end != text.data() + text.size() || after < 0)
        return respond(std::move(stream), request, http::status::bad_request, R"({"error":"after must be a sequence number"})",
                       "application/json");
    }
    std::string body;
    for (;;) {
      const auto page = store->read(store_id, after, 1000);
      for (const auto& stored : page) {
        body += protocol::encode_event(stored.event);
        body += '\n';
      }
      if (page.size() < 1000) break;
      after = page.back().event.seqNum;
    }
    respond(std::move(stream), request, http::status::ok, std::move(body), "application/x-ndjson");
  }

  void handle(beast::tcp_stream stream, http::request<http::string_body> request) {
    const std::string target(request.target());
    const std::string path = target.substr(0, target.find('?'));
    if (path == "/api/health") return respond(std::move(stream), request, http::status::ok, R"({"ok":true})", "application/json");
    if (path.rfind("/api/", 0) == 0) return api(std::move(stream), request, target, path);
    if (path.rfind("/livestore", 0) != 0) return respond(std::move(stream), request, http::status::not_found, "Not found");
    if (!websocket::is_upgrade(request))
      return respond(std::move(stream), request, http::status::upgrade_required, "Expected Upgrade: websocket");

    std::string store_id;
    try {
      const auto query = parse_query(target);
      const auto id = query.find("storeId");
      if (id == query.end()) throw std::invalid_argument("Invalid search params: storeId is missing");
      store_id = percent_decode(id->second, true);
      if (!sync::is_valid_store_id(store_id))
        throw std::invalid_argument("Invalid storeId: use 1 to 64 characters from A-Z a-z 0-9 _ -");
      const auto payload = query.find("payload");
      if (payload == query.end()) throw std::invalid_argument("Invalid payload: authToken is missing");
      const schema::Json json = schema::parse_json(decode_payload_parameter(payload->second));
      const auto token = json.is_object() ? json.find("authToken") : json.end();
      if (!json.is_object() || token == json.end() || !token->is_string())
        throw std::invalid_argument("Invalid payload: authToken is missing");
      if (!same_token(token->get_ref<const std::string&>(), options.token)) throw std::invalid_argument("Invalid auth token");
    } catch (const std::invalid_argument& e) {  // JsonSyntaxError included
      options.log("refused a sync connection: " + std::string(e.what()));
      return respond(std::move(stream), request, http::status::bad_request, e.what());
    }

    stream.expires_never();  // the WebSocket layer has its own timeouts and keep-alive pings
    auto ws = std::make_shared<websocket::stream<beast::tcp_stream>>(std::move(stream));
    ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws->async_accept(request, [this, ws, store_id](beast::error_code ec) {
      if (ec) return;
      options.log("sync connection for " + store_id);
      std::make_shared<Session>(*this, std::move(*ws), store_id)->start();
    });
  }

  Options options;
  std::unique_ptr<storage::EventStore> store;
  sync::Hub hub;
  asio::io_context io{1};
  tcp::acceptor acceptor;
  asio::steady_timer timer{io};
  bool flush_scheduled = false;
};

Server::Server(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Server::~Server() = default;

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::run() {
  asio::signal_set signals(impl_->io, SIGINT, SIGTERM);
  signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) stop();
  });
  impl_->accept();
  impl_->tick();
  impl_->io.run();
}

void Server::stop() {
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->timer.cancel();
    impl_->io.stop();
  });
}

}  // namespace runt::serve
