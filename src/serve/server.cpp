#include "runt/serve/server.hpp"

#include "web.hpp"

#include "runt/auth/accounts.hpp"
#include "runt/ipynb/ipynb.hpp"
#include "runt/schema/codec.hpp"
#include "runt/schema/fractional_index.hpp"
#include "runt/schema/json.hpp"
#include "runt/schema/materialize.hpp"
#include "runt/schema/queries.hpp"
#include "runt/storage/artifact_store.hpp"
#include "runt/storage/event_store.hpp"
#include "runt/sync/hub.hpp"
#include "runt/sync/push_rules.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <deque>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

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

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::optional<std::string> read_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

bool is_safe_method(http::verb method) { return method == http::verb::get || method == http::verb::head; }

}  // namespace

std::filesystem::path default_web_dir() { return web::default_web_dir(); }

struct Server::Impl {
  explicit Impl(Options o)
      : options(std::move(o)),
        store(storage::open_sqlite_store(options.data_dir / "runt.sqlite")),
        accounts(options.data_dir / "runt.sqlite", options.token),
        artifacts(options.data_dir / "artifacts"),
        hub(*store, now_ms, /*group_commit=*/true),
        acceptor(io) {
    const tcp::endpoint endpoint(asio::ip::make_address(options.host), options.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen();
    cookie_name = web::cookie_name(acceptor.local_endpoint().port());
    hub.set_log(options.log);
    // Logs written before notebooks had owners belong to the operator, not to whoever opens
    // them first.
    const auto operator_user = *accounts.find_user(auth::kOperatorId);
    for (const auto& id : store->store_ids()) accounts.create_notebook(operator_user, id);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(options.web_dir / "index.html", ec))
      options.log("no web UI in " + options.web_dir.string() + " (no index.html): pages answer 404");
  }

  // One WebSocket client. Frames it sends go to the Hub; frames the Hub sends are queued and
  // written one at a time.
  class Session final : public sync::Connection, public std::enable_shared_from_this<Session> {
   public:
    Session(Impl& server, websocket::stream<beast::tcp_stream> ws, std::string store_id, std::string user_id,
            bool may_push)
        : server_(server), ws_(std::move(ws)), store_id_(std::move(store_id)), user_id_(std::move(user_id)), may_push_(may_push) {}

    void start() {
      id_ = server_.hub.attach(store_id_, *this, may_push_);
      server_.sessions[id_] = weak_from_this();
      ws_.text(true);
      ws_.read_message_max(0);  // no Beast limit: read() enforces max_frame_bytes with an Error frame
      read();
    }
    void deliver(sync::Frame frame) override {
      if (!detached_ && !dropped_) enqueue(std::move(frame));
    }

    const std::string& store_id() const { return store_id_; }
    const std::string& user_id() const { return user_id_; }
    // Ends the connection now (its access changed); the client reconnects and is authorized again.
    void terminate() {
      detach();
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(ws_).socket().close(ignored);
    }

   private:
    void enqueue(sync::Frame frame) {
      if (server_.options.trace_frames) server_.options.log("#" + std::to_string(id_) + " <- " + frame->substr(0, 300));
      queued_bytes_ += frame->size();
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
      enqueue(std::make_shared<const std::string>(protocol::encode(protocol::ServerMessage{
          protocol::Error{"", "Frame refused: larger than " + limit + " bytes"}})));
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
      server_.sessions.erase(id_);
    }
    void write() {
      ws_.async_write(asio::buffer(*queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->close(ec);
        self->queued_bytes_ -= self->queue_.front()->size();
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
    std::string user_id_;
    bool may_push_;
    sync::Hub::ConnectionId id_ = 0;
    beast::flat_buffer buffer_;
    std::deque<sync::Frame> queue_;
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
      stream->expires_after(std::chrono::seconds(30));  // a client gets 30 s to send its headers...
      auto buffer = std::make_shared<beast::flat_buffer>();
      auto parser = std::make_shared<http::request_parser<http::string_body>>();
      parser->body_limit(options.max_upload_bytes);
      http::async_read_header(*stream, *buffer, *parser, [this, stream, buffer, parser](beast::error_code hec, std::size_t) {
        if (hec == http::error::body_limit)  // a Content-Length over the limit is known from the headers
          return respond(std::move(*stream), parser->get(), http::status::payload_too_large,
                         error_json("Body larger than " + std::to_string(options.max_upload_bytes) + " bytes"), "application/json");
        if (hec) return;
        // ...and then 10 minutes for a body (an upload of hundreds of megabytes on a slow link).
        stream->expires_after(std::chrono::minutes(10));
        http::async_read(*stream, *buffer, *parser, [this, stream, buffer, parser](beast::error_code rec, std::size_t) {
          if (rec == http::error::body_limit)
            return respond(std::move(*stream), parser->get(), http::status::payload_too_large,
                           error_json("Body larger than " + std::to_string(options.max_upload_bytes) + " bytes"),
                           "application/json");
          if (!rec) handle(std::move(*stream), parser->release());
        });
      });
      accept();
    });
  }

  using Request = http::request<http::string_body>;
  using Headers = std::vector<std::pair<std::string_view, std::string_view>>;

  void respond(beast::tcp_stream stream, const Request& request, http::status status, std::string body,
               std::string_view content_type = "text/plain; charset=utf-8", const Headers& headers = {}) {
    auto response = std::make_shared<http::response<http::string_body>>(status, request.version());
    response->set(http::field::content_type, content_type);
    response->set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : headers) response->set(name, value);
    response->keep_alive(false);
    response->body() = std::move(body);
    response->prepare_payload();
    if (request.method() == http::verb::head && !response->body().empty()) {  // a GET's headers, no body
      const auto size = response->body().size();
      response->body().clear();
      response->content_length(size);
    }
    auto s = std::make_shared<beast::tcp_stream>(std::move(stream));
    s->expires_after(std::chrono::minutes(10));  // a large artifact to a slow reader
    http::async_write(*s, *response, [s, response](beast::error_code ec, std::size_t) {
      beast::error_code ignored;
      s->socket().shutdown(tcp::socket::shutdown_send, ignored);
      if (!ec) drain(s);
    });
  }

  // A lingering close: read and drop what the client still sends (e.g. the rest of a refused
  // upload) until it closes, for at most 5 s. Closing with unread data would reset the
  // connection, and the client could lose the response.
  static void drain(const std::shared_ptr<beast::tcp_stream>& s) {
    s->expires_after(std::chrono::seconds(5));
    auto sink = std::make_shared<std::array<char, 65536>>();
    s->async_read_some(asio::buffer(*sink), [s, sink](beast::error_code ec, std::size_t) {
      if (!ec) drain(s);
    });
  }

  static std::string error_json(std::string_view message) {
    return schema::to_js_string(schema::Json{{"error", std::string(message)}});
  }
  void reply_json(beast::tcp_stream stream, const Request& request, http::status status, const schema::Json& body) {
    respond(std::move(stream), request, status, schema::to_js_string(body), "application/json");
  }
  void reply_error(beast::tcp_stream stream, const Request& request, http::status status, std::string_view message) {
    respond(std::move(stream), request, status, error_json(message), "application/json");
  }

  // What GET /api/notebooks shows of a log; recomputed only when the log has grown.
  struct Summary {
    std::int64_t head = -1;
    std::string title = "Untitled";  // what anode's readers show when no title was set
    std::optional<std::string> updated_at;
  };
  const Summary& summary(const std::string& store_id) {
    Summary& s = summaries[store_id];
    const std::int64_t head = store->head(store_id);
    if (s.head == head) return s;
    s = Summary{head};
    std::optional<storage::StoredEvent> titled;
    for (const char* name : {"v1.NotebookTitleChanged", "v1.NotebookInitialized"}) {
      auto e = store->last(store_id, name);
      if (e && (!titled || e->event.seqNum > titled->event.seqNum)) titled = std::move(e);
    }
    if (titled && titled->event.args) {
      try {
        const auto args = schema::parse_json(*titled->event.args);
        if (const auto t = args.find("title"); args.is_object() && t != args.end() && t->is_string()) s.title = t->get<std::string>();
      } catch (const schema::JsonSyntaxError&) {  // args are checked before they are stored
      }
    }
    if (const auto last = store->last(store_id)) s.updated_at = last->createdAt;
    return s;
  }

  static std::string new_notebook_id() {
    std::random_device random;
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string id = "nb-";
    for (int i = 0; i < 16; ++i) id.push_back(kAlphabet[random() % 36]);
    return id;
  }

  // Drops live sockets of `user_id` on a notebook whose access changed: they reconnect and are
  // authorized afresh.
  void end_sessions(const std::string& store_id, const std::string& user_id) {
    std::vector<std::shared_ptr<Session>> ending;
    for (const auto& [id, weak] : sessions)
      if (auto s = weak.lock(); s && s->store_id() == store_id && s->user_id() == user_id) ending.push_back(std::move(s));
    for (const auto& s : ending) s->terminate();
  }

  // Who sent a request: `Authorization: Bearer <token>` (the server token or an API key) when
  // there is one, else the login cookie of a browser.
  struct Caller {
    auth::User user;
    bool by_cookie = false;
  };
  std::optional<Caller> caller_of(const Request& request) {
    const std::string_view authorization = request[http::field::authorization];
    if (!authorization.starts_with("Bearer ")) return cookie_caller(request);
    auto user = accounts.authenticate(authorization.substr(7));
    if (!user) return std::nullopt;
    return Caller{std::move(*user), false};
  }
  std::optional<Caller> cookie_caller(const Request& request) {
    const auto token = web::cookie_value(request[http::field::cookie], cookie_name);
    auto user = token ? accounts.authenticate(*token) : std::nullopt;
    if (!user) return std::nullopt;
    return Caller{std::move(*user), true};
  }
  // SameSite=Strict keeps other sites' requests from carrying the cookie, but another port of
  // this host is the same site: a request that changes something (or opens a sync socket) on
  // the strength of the cookie must come from one of this server's own pages.
  static std::optional<std::string> cross_site_problem(const Request& request) {
    const std::string_view origin = request[http::field::origin];
    const std::string_view host = request[http::field::host];
    if (web::same_origin(origin, host)) return std::nullopt;
    return "Cross-site request refused: a request authenticated by the login cookie must come from this server's "
           "own pages (Origin " + (origin.empty() ? std::string("missing") : std::string(origin)) + ", Host " +
           std::string(host) + "); other clients send Authorization: Bearer TOKEN";
  }

  // REST, JSON, `Authorization: Bearer <token>` or the login cookie.
  void api(beast::tcp_stream stream, const Request& request, const std::string& target, const std::string& path) {
    const auto caller = caller_of(request);
    if (!caller)
      return reply_error(std::move(stream), request, http::status::unauthorized,
                         "Missing or invalid token: send Authorization: Bearer TOKEN (or log in with ?token=TOKEN)");
    if (caller->by_cookie && !is_safe_method(request.method())) {
      if (const auto problem = cross_site_problem(request))
        return reply_error(std::move(stream), request, http::status::forbidden, *problem);
      // What an HTML form can send (a form planted in content of this origin would pass the
      // Origin check); the app's own calls say what they send.
      if (web::is_form_content_type(request[http::field::content_type]))
        return reply_error(std::move(stream), request, http::status::unsupported_media_type,
                           "Send JSON (Content-Type: application/json): form submissions are not accepted");
    }
    const auth::User* user = &caller->user;
    const auto method = request.method();
    std::vector<std::string> parts;  // path segments after /api/
    for (std::string_view rest = std::string_view(path).substr(5); !rest.empty();) {
      const auto slash = rest.find('/');
      parts.push_back(percent_decode(rest.substr(0, slash), false));
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
    const auto not_found = [&] { reply_error(std::move(stream), request, http::status::not_found, "Not found"); };
    const auto wrong_method = [&] {
      reply_error(std::move(stream), request, http::status::method_not_allowed, "Method not allowed");
    };
    try {
      if (parts.size() == 1 && parts[0] == "me") {
        if (method != http::verb::get) return wrong_method();
        return reply_json(std::move(stream), request, http::status::ok, {{"id", user->id}, {"name", user->name}});
      }
      if (!parts.empty() && parts[0] == "notebooks") return notebooks_api(stream, request, target, parts, *user);
      if (!parts.empty() && parts[0] == "artifacts") return artifacts_api(stream, request, parts, *user);
      return not_found();
    } catch (const std::invalid_argument& e) {  // bad request bodies, JsonSyntaxError included
      return reply_error(std::move(stream), request, http::status::bad_request, e.what());
    } catch (const auth::AccessDenied& e) {
      return reply_error(std::move(stream), request, http::status::forbidden, e.what());
    } catch (const storage::StorageError& e) {
      options.log("storage error: " + std::string(e.what()));
      return reply_error(std::move(stream), request, http::status::internal_server_error, e.what());
    }
  }

  // Handlers take the stream by reference: when they throw, api() answers on it.
  void notebooks_api(beast::tcp_stream& stream, const Request& request, const std::string& target,
                     const std::vector<std::string>& parts, const auth::User& user) {
    const auto method = request.method();
    if (parts.size() == 1 && method == http::verb::get) {
      schema::Json list = schema::Json::array();
      std::vector<auth::NotebookAccess> notebooks = accounts.notebooks(user);
      for (const auto& n : notebooks) {
        const Summary& s = summary(n.id);
        list.push_back({{"id", n.id},
                        {"title", s.title},
                        {"updatedAt", s.updated_at ? schema::Json(*s.updated_at) : schema::Json(nullptr)},
                        {"ownerId", n.owner_id},
                        {"role", std::string(auth::role_name(n.role))}});
      }
      return reply_json(std::move(stream), request, http::status::ok, list);
    }
    if (parts.size() == 1 && method == http::verb::post) {
      std::string id;
      if (!request.body().empty()) {
        const auto body = schema::parse_json(request.body());
        if (!body.is_object()) throw std::invalid_argument("Expected a JSON object");
        if (const auto it = body.find("id"); it != body.end()) {
          if (!it->is_string()) throw std::invalid_argument("id must be a string");
          id = it->get<std::string>();
        }
      }
      if (id.empty()) id = new_notebook_id();
      if (!sync::is_valid_store_id(id)) throw std::invalid_argument("Invalid notebook id: use 1 to 64 characters from A-Z a-z 0-9 _ -");
      if (!accounts.create_notebook(user, id))
        return reply_error(std::move(stream), request, http::status::conflict, "Notebook " + id + " exists");
      options.log(user.id + " created notebook " + id);
      return reply_json(std::move(stream), request, http::status::created, {{"id", id}});
    }
    if (parts.size() < 2) return reply_error(std::move(stream), request, http::status::method_not_allowed, "Method not allowed");
    const std::string& id = parts[1];
    // A notebook the user may not read does not exist for them.
    if (!sync::is_valid_store_id(id)) throw std::invalid_argument("Invalid notebook id");
    const auto role = accounts.role(user, id);
    if (role == auth::Role::none) return reply_error(std::move(stream), request, http::status::not_found, "No notebook " + id);
    if (parts.size() == 2 && method == http::verb::get) {
      const Summary& s = summary(id);
      return reply_json(std::move(stream), request, http::status::ok,
                        {{"id", id},
                         {"title", s.title},
                         {"updatedAt", s.updated_at ? schema::Json(*s.updated_at) : schema::Json(nullptr)},
                         {"head", s.head},
                         {"role", std::string(auth::role_name(role))}});
    }
    if (parts.size() == 3 && parts[2] == "events" && method == http::verb::get) {
      std::int64_t after = 0;
      const auto query = parse_query(target);
      if (const auto it = query.find("after"); it != query.end()) {
        const std::string& text = it->second;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), after);
        if (ec != std::errc() || end != text.data() + text.size() || after < 0)
          throw std::invalid_argument("after must be a sequence number");
      }
      std::string body;
      for (;;) {
        const auto page = store->read(id, after, 1000);
        for (const auto& stored : page) {
          body += protocol::encode_event(stored.event);
          body += '\n';
        }
        if (page.size() < 1000) break;
        after = page.back().event.seqNum;
      }
      return respond(std::move(stream), request, http::status::ok, std::move(body), "application/x-ndjson");
    }
    if (parts.size() == 3 && parts[2] == "access" && method == http::verb::post) {
      const auto body = schema::parse_json(request.body());
      const auto user_id = body.is_object() ? body.find("userId") : body.end();
      const auto role_field = body.is_object() ? body.find("role") : body.end();
      if (user_id == body.end() || !user_id->is_string() || role_field == body.end() || !role_field->is_string())
        throw std::invalid_argument(R"(Expected {"userId": string, "role": "writer" | "reader" | "none"})");
      const auto new_role = auth::parse_role(role_field->get<std::string>());
      if (!new_role) throw std::invalid_argument("role must be writer, reader or none");
      const std::string to = user_id->get<std::string>();
      accounts.grant(user, id, to, *new_role);
      options.log(user.id + " set " + to + " to " + std::string(auth::role_name(*new_role)) + " on " + id);
      end_sessions(id, to);
      return reply_json(std::move(stream), request, http::status::ok,
                        {{"notebookId", id}, {"userId", to}, {"role", std::string(auth::role_name(*new_role))}});
    }
    // The operator may open any id (its role is always owner): a notebook no one created is
    // not there to export or import into.
    if (parts.size() == 3 && parts[2] == "ipynb" && user.is_operator) {
      const auto all = accounts.notebooks(user);
      if (std::none_of(all.begin(), all.end(), [&](const auto& n) { return n.id == id; }))
        return reply_error(std::move(stream), request, http::status::not_found, "No notebook " + id);
    }
    if (parts.size() == 3 && parts[2] == "ipynb" && method == http::verb::get) {
      const schema::State state = materialized(id);
      std::string body = ipynb::export_notebook(state).dump(1, ' ', false, ipynb::Json::error_handler_t::replace) + "\n";
      const auto* title = state.notebookMetadata.find("title");
      const std::string disposition = web::attachment(title ? title->value : "Untitled", ".ipynb");
      return respond(std::move(stream), request, http::status::ok, std::move(body), "application/x-ipynb+json",
                     {{"Content-Disposition", disposition}});
    }
    if (parts.size() == 3 && parts[2] == "ipynb" && method == http::verb::post) {
      if (role < auth::Role::writer) throw auth::AccessDenied("You may read notebook " + id + " but not change it");
      const std::size_t imported = import_ipynb(id, request.body(), user);
      options.log(user.id + " imported " + std::to_string(imported) + " cells into " + id);
      return reply_json(std::move(stream), request, http::status::ok, {{"imported", imported}});
    }
    return reply_error(std::move(stream), request, http::status::not_found, "Not found");
  }

  // A notebook's state now, from its stored log; an event that no anode client could apply is
  // skipped, as they skip it.
  schema::State materialized(const std::string& store_id) {
    schema::State state;
    schema::EventDecoder decoder;
    for (std::int64_t after = 0;;) {
      const auto page = store->read(store_id, after, 1000);
      for (const auto& stored : page) {
        try {
          schema::materialize(state, decoder.decode_logged_event(protocol::encode_event(stored.event)).event);
        } catch (const std::exception&) {
        }
      }
      if (page.size() < 1000) break;
      after = page.back().event.seqNum;
    }
    return state;
  }

  // Appends a .ipynb's cells after the notebook's last cell, with the events `runt import`
  // commits, written through the Hub as a client's pushes would be (so open browsers see them
  // at once). Throws std::invalid_argument, before anything is written, for a body that is not
  // a notebook.
  std::size_t import_ipynb(const std::string& id, const std::string& body, const auth::User& user) {
    std::istringstream in(body);
    ipynb::Json doc;
    try {
      doc = ipynb::read_notebook(in);
    } catch (const ipynb::IpynbError& e) {
      throw std::invalid_argument("Not a notebook: " + std::string(e.what()));
    }
    hub.flush();  // pushes waiting for the group commit are part of the notebook we append to
    const schema::State state = materialized(id);
    // A cell id the notebook has already would make two cells one: those get fresh ids.
    for (auto& cell : doc["cells"])
      if (const auto it = cell.find("id"); it != cell.end() && it->is_string() && state.cells.find(it->get<std::string>()))
        cell.erase("id");
    auto events = ipynb::import_cells(doc, user.id);
    // Keys after the last one: a short key past it, then evenly spaced keys under that prefix
    // (room between every two, and lengths that stay short for long notebooks).
    std::optional<std::string> last;
    for (const auto* cell : schema::cells_in_order(state))
      if (cell->fractionalIndex && schema::is_valid_key(*cell->fractionalIndex) && (!last || *last < *cell->fractionalIndex))
        last = cell->fractionalIndex;
    std::vector<std::string> keys = schema::evenly_spaced_keys(doc["cells"].size());
    if (last) {
      const std::string prefix = schema::key_after(*last);
      for (auto& key : keys) key = prefix + key;
    }
    const std::string session = "import-" + new_notebook_id().substr(3);
    std::vector<protocol::WireEvent> wire;
    std::size_t next_key = 0;
    for (auto& e : events) {
      if (auto* created = std::get_if<schema::events::CellCreatedV2>(&e)) created->fractionalIndex = keys.at(next_key++);
      const auto args = schema::encode_args(e);
      protocol::WireEvent w{std::string(schema::event_name(e)), args ? std::optional(schema::to_js_string(*args)) : std::nullopt,
                            0, 0, "runt-serve", session};
      // Every client must be able to take it in one frame, as a push must be.
      if (w.args && w.args->size() + 4096 > options.max_frame_bytes)
        throw std::invalid_argument("A cell is too large to sync (" + std::to_string(w.args->size()) + " bytes; frames are limited to " +
                                    std::to_string(options.max_frame_bytes) + ")");
      wire.push_back(std::move(w));
    }
    hub.append(id, std::move(wire));
    return keys.size();
  }

  // Artifact ids are `<notebookId>/<sha256>`: access follows the notebook.
  void artifacts_api(beast::tcp_stream& stream, const Request& request, const std::vector<std::string>& parts,
                     const auth::User& user) {
    if (parts.size() == 1 && request.method() == http::verb::post) {
      const std::string notebook(request["x-notebook-id"]);
      if (notebook.empty()) throw std::invalid_argument("x-notebook-id header is missing");
      if (!sync::is_valid_store_id(notebook) || accounts.role(user, notebook) < auth::Role::writer)
        throw auth::AccessDenied("You may not add artifacts to notebook " + notebook);
      std::string content_type(request[http::field::content_type]);
      if (content_type.empty()) content_type = "application/octet-stream";
      const std::string hash = artifacts.put(request.body());
      accounts.add_artifact(notebook, hash, content_type, static_cast<std::int64_t>(request.body().size()));
      return reply_json(std::move(stream), request, http::status::ok, {{"artifactId", notebook + "/" + hash}});
    }
    if (parts.size() == 3 && request.method() == http::verb::get) {
      const std::string& notebook = parts[1];
      const std::string& hash = parts[2];
      const auto meta = sync::is_valid_store_id(notebook) && accounts.role(user, notebook) >= auth::Role::reader
                            ? accounts.find_artifact(notebook, hash)
                            : std::nullopt;
      auto content = meta ? artifacts.get(hash) : std::nullopt;
      if (!content) return reply_error(std::move(stream), request, http::status::not_found, "Artifact not found: " + notebook + "/" + hash);
      // Served from the app's origin: never let an uploaded HTML or SVG run script there.
      return respond(std::move(stream), request, http::status::ok, std::move(*content), meta->content_type,
                     {{"Content-Security-Policy", "sandbox"},
                      {"Cache-Control", "private, max-age=31536000, immutable"},
                      {"X-Content-Type-Options", "nosniff"}});
    }
    return reply_error(std::move(stream), request, http::status::not_found, "Not found");
  }

  // The browser notebook: a single-page app (index.html for every page path), the sandbox page
  // of rich outputs (frame.html) and the bundle (/assets/). Every one needs a login.
  void web_ui(beast::tcp_stream stream, const Request& request, const std::string& target, const std::string& path) {
    if (!is_safe_method(request.method()))
      return respond(std::move(stream), request, http::status::method_not_allowed, "Method not allowed");
    // Only a top-level navigation logs in: an <img src="/?token=..."> planted in a notebook must
    // not switch the reader's browser to someone else's account. (Browsers send Sec-Fetch-Dest
    // on every request; a client without it, such as curl, is not a browser to protect.)
    const auto dest = request.find("Sec-Fetch-Dest");
    const bool navigation = dest == request.end() || dest->value() == "document";
    if (auto link = web::token_link(target); link && navigation) {
      if (!accounts.authenticate(link->token))
        return login_page(std::move(stream), request, "The token in this link is not valid.");
      // Jupyter's login: the token becomes a cookie and leaves the address bar and the history.
      const std::string cookie = web::token_cookie(cookie_name, link->token);
      return respond(std::move(stream), request, http::status::see_other, "", "text/plain; charset=utf-8",
                     {{"Location", link->location}, {"Set-Cookie", cookie}, {"Referrer-Policy", "no-referrer"}});
    }
    const bool asset = path.starts_with("/assets/");
    if (!caller_of(request)) {
      if (asset)
        return respond(std::move(stream), request, http::status::unauthorized,
                       "Log in first: open the URL runt up printed (it ends with ?token=)");
      return login_page(std::move(stream), request, "This browser is not logged in to this runt server.");
    }
    if (asset) return serve_asset(std::move(stream), request, path.substr(8));
    if (path == "/frame.html") return serve_page(std::move(stream), request, "frame.html", web::kFrameCsp);
    return serve_page(std::move(stream), request, "index.html", web::kAppCsp);
  }

  void login_page(beast::tcp_stream stream, const Request& request, std::string_view problem) {
    respond(std::move(stream), request, http::status::unauthorized, web::login_page(problem), "text/html; charset=utf-8",
            {{"Content-Security-Policy", web::kAppCsp}, {"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}});
  }

  void serve_page(beast::tcp_stream stream, const Request& request, std::string_view name, std::string_view csp) {
    const auto file = options.web_dir / name;
    auto content = read_file(file);
    if (!content)
      return respond(std::move(stream), request, http::status::not_found,
                     "The web UI is not built: " + file.string() + " is missing (cmake --build build, or runt serve --web-dir DIR)");
    respond(std::move(stream), request, http::status::ok, std::move(*content), "text/html; charset=utf-8",
            {{"Content-Security-Policy", csp},
             {"X-Content-Type-Options", "nosniff"},
             {"Referrer-Policy", "no-referrer"},
             {"Cache-Control", "no-cache"}});
  }

  // Files under web_dir/assets, revalidated on every use (ETag) so a rebuilt bundle is seen at once.
  void serve_asset(beast::tcp_stream stream, const Request& request, std::string_view relative) {
    const auto not_found = [&] { respond(std::move(stream), request, http::status::not_found, "Not found"); };
    if (!web::is_safe_asset_path(relative)) return not_found();
    const auto file = options.web_dir / "assets" / relative;
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    const auto modified = std::filesystem::last_write_time(file, ec);
    if (ec) return not_found();
    std::ostringstream tag;
    tag << '"' << std::hex << size << '-' << modified.time_since_epoch().count() << '"';
    const std::string etag = tag.str();
    if (request[http::field::if_none_match] == etag)
      return respond(std::move(stream), request, http::status::not_modified, "", web::content_type_for(file),
                     {{"ETag", etag}, {"Cache-Control", "no-cache"}});
    auto content = read_file(file);
    if (!content) return not_found();
    respond(std::move(stream), request, http::status::ok, std::move(*content), web::content_type_for(file),
            {{"ETag", etag}, {"Cache-Control", "no-cache"}, {"X-Content-Type-Options", "nosniff"}});
  }

  void handle(beast::tcp_stream stream, http::request<http::string_body> request) {
    const std::string target(request.target());
    const std::string path = target.substr(0, target.find('?'));
    if (path == "/api/health") return respond(std::move(stream), request, http::status::ok, R"({"ok":true})", "application/json");
    if (path.rfind("/api/", 0) == 0) return api(std::move(stream), request, target, path);
    if (path.rfind("/livestore", 0) != 0) return web_ui(std::move(stream), request, target, path);
    if (!websocket::is_upgrade(request))
      return respond(std::move(stream), request, http::status::upgrade_required, "Expected Upgrade: websocket");

    std::string store_id;
    std::optional<auth::User> user;
    auth::Role role = auth::Role::none;
    bool is_runtime = false;
    try {
      const auto query = parse_query(target);
      const auto id = query.find("storeId");
      if (id == query.end()) throw std::invalid_argument("Invalid search params: storeId is missing");
      store_id = percent_decode(id->second, true);
      if (!sync::is_valid_store_id(store_id))
        throw std::invalid_argument("Invalid storeId: use 1 to 64 characters from A-Z a-z 0-9 _ -");
      const auto payload = query.find("payload");
      const schema::Json json =
          payload == query.end() ? schema::Json::object() : schema::parse_json(decode_payload_parameter(payload->second));
      if (!json.is_object()) throw std::invalid_argument("Invalid payload: authToken is missing");
      if (const auto token = json.find("authToken"); token != json.end()) {
        if (!token->is_string()) throw std::invalid_argument("Invalid payload: authToken is missing");
        user = accounts.authenticate(token->get_ref<const std::string&>());
        if (!user) throw std::invalid_argument("Invalid auth token");
      } else if (auto caller = cookie_caller(request)) {
        // A browser cannot read its HttpOnly cookie, so its payload has no token.
        if (const auto problem = cross_site_problem(request)) {
          options.log("refused a sync connection: " + *problem);
          return respond(std::move(stream), request, http::status::forbidden, *problem);
        }
        user = std::move(caller->user);
      } else {
        throw std::invalid_argument("Invalid payload: authToken is missing");
      }
      // A runtime agent acts for the user whose token it holds, and says so.
      if (const auto runtime = json.find("runtime"); runtime != json.end() && *runtime == true) {
        is_runtime = true;
        const auto user_id = json.find("userId");
        if (user_id == json.end() || !user_id->is_string() || user_id->get_ref<const std::string&>() != user->id)
          throw std::invalid_argument("Invalid payload: a runtime's userId must be its token's user, " + user->id);
      }
      role = accounts.open_notebook(*user, store_id);
    } catch (const std::invalid_argument& e) {  // JsonSyntaxError included
      options.log("refused a sync connection: " + std::string(e.what()));
      return respond(std::move(stream), request, http::status::bad_request, e.what());
    } catch (const storage::StorageError& e) {
      options.log("refused a sync connection: " + std::string(e.what()));
      return respond(std::move(stream), request, http::status::internal_server_error, e.what());
    }
    if (role == auth::Role::none) {
      options.log("refused a sync connection: " + user->id + " has no access to " + store_id);
      return respond(std::move(stream), request, http::status::forbidden,
                     "Access denied: " + user->id + " may not open notebook " + store_id);
    }

    stream.expires_never();  // the WebSocket layer has its own timeouts and keep-alive pings
    auto ws = std::make_shared<websocket::stream<beast::tcp_stream>>(std::move(stream));
    ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws->async_accept(request, [this, ws, store_id, user_id = user->id, role, is_runtime](beast::error_code ec) {
      if (ec) return;
      options.log("sync connection for " + store_id + " by " + user_id + " (" + std::string(auth::role_name(role)) + ")");
      std::make_shared<Session>(*this, std::move(*ws), store_id, user_id, role >= auth::Role::writer)->start();
      if (!is_runtime && role >= auth::Role::writer && options.on_notebook_opened) options.on_notebook_opened(store_id);
    });
  }

  Options options;
  std::unique_ptr<storage::EventStore> store;
  auth::Accounts accounts;
  storage::ArtifactStore artifacts;
  std::map<std::string, Summary> summaries;
  std::map<sync::Hub::ConnectionId, std::weak_ptr<Session>> sessions;
  sync::Hub hub;
  asio::io_context io{1};
  tcp::acceptor acceptor;
  asio::steady_timer timer{io};
  bool flush_scheduled = false;
  std::string cookie_name;  // the login cookie, named after this server's port
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
