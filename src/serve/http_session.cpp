#include "http_session.hpp"

#include "caller.hpp"
#include "sync_session.hpp"
#include "web_pages.hpp"

#include "runt/serve/url.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/algorithm/string/trim.hpp>

#include <chrono>

namespace runt::serve {

using namespace std::chrono_literals;

std::optional<std::string> framing_problem(const RequestHead& request) {
  const auto encoding = request.find(http::field::transfer_encoding);
  if (encoding == request.end()) return std::nullopt;
  if (request.count(http::field::transfer_encoding) > 1 || !boost::iequals(boost::trim_copy(std::string(encoding->value())), "chunked"))
    return "Unsupported Transfer-Encoding: only chunked is accepted";
  if (request.find(http::field::content_length) != request.end())
    return "A request may not carry both Transfer-Encoding and Content-Length";
  return std::nullopt;
}

namespace {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(ServerContext& server, RestApi& api, Stream stream) : server_(server), api_(api), stream_(std::move(stream)) {}

  void start() {
    stream_.expires_after(30s);  // a client gets 30 s to send its headers
    head_.emplace();
    head_->header_limit(16 * 1024);
    head_->body_limit(boost::none);  // each route sets its own once the headers are known
    http::async_read_header(stream_, buffer_, *head_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_header(ec);
    });
  }

 private:
  void on_header(beast::error_code ec) {
    if (ec == http::error::header_limit)
      return respond(std::move(stream_), RequestHead{}, http::status::request_header_fields_too_large, "Headers too large");
    if (ec && ec.category() == http::make_error_code(http::error::bad_method).category() && ec != http::error::end_of_stream)
      return reply_error(std::move(stream_), RequestHead{}, http::status::bad_request, "Malformed request: " + ec.message());
    if (ec) return;
    const RequestHead& head = head_->get();
    if (const auto problem = framing_problem(head)) return reply_error(std::move(stream_), head, http::status::bad_request, *problem);
    const std::string_view path = target_path(head.target());
    if (path == "/api/health") return respond(std::move(stream_), head, http::status::ok, R"({"ok":true})", "application/json");
    if (path.starts_with("/api/")) {
      std::optional<Caller> caller;
      try {
        caller = caller_of(server_, head);
      } catch (const storage::StorageError& e) {  // the accounts' database (PostgreSQL) is unreachable
        server_.log("could not check a request's credentials: " + std::string(e.what()));
        return reply_error(std::move(stream_), head, http::status::service_unavailable,
                           "Cannot check credentials now: the accounts database is unavailable");
      }
      if (!caller)  // answered before a byte of the body is read
        return reply_error(std::move(stream_), head, http::status::unauthorized,
                           "Missing or invalid token: send Authorization: Bearer TOKEN (or log in with ?token=TOKEN)");
      if (RestApi::is_upload(head)) return read_upload(std::move(*caller));
      return read_body([self = shared_from_this(), caller = std::move(*caller)](Request request) {
        self->api_.handle(std::move(self->stream_), request, caller);
      });
    }
    if (path.starts_with("/livestore"))
      return read_body([self = shared_from_this()](Request request) {
        open_sync_socket(self->server_, std::move(self->stream_), std::move(request));
      });
    read_body([self = shared_from_this()](Request request) { serve_web_ui(self->server_, std::move(self->stream_), request); });
  }

  void read_body(std::function<void(Request)> next) {
    if (head_->content_length().value_or(0) > kMaxSmallBody) return too_large(head_->get(), kMaxSmallBody);
    auto body = std::make_shared<http::request_parser<http::string_body>>(std::move(*head_));
    body->body_limit(kMaxSmallBody);
    stream_.expires_after(60s);
    http::async_read(stream_, buffer_, *body, [self = shared_from_this(), body, next = std::move(next)](beast::error_code ec, std::size_t) {
      if (ec == http::error::body_limit) return self->too_large(body->get(), kMaxSmallBody);
      if (!ec) next(body->release());
    });
  }

  // Checked from the headers (who, where to), then streamed to a staging file of the artifact
  // store: memory stays flat however large the body.
  void read_upload(Caller caller) {
    const RequestHead& head = head_->get();
    auto upload = api_.check_upload(head, caller);
    if (auto* refusal = std::get_if<RestApi::Refusal>(&upload))
      return reply_error(std::move(stream_), head, refusal->status, refusal->message);
    if (head_->content_length().value_or(0) > server_.options.max_upload_bytes)
      return too_large(head, server_.options.max_upload_bytes);
    const auto file = server_.artifacts->new_staging_file();
    auto body = std::make_shared<http::request_parser<http::file_body>>(std::move(*head_));
    body->body_limit(server_.options.max_upload_bytes);
    beast::error_code ec;
    body->get().body().open(file.c_str(), beast::file_mode::write_new, ec);
    if (ec) {
      server_.log("cannot stage an upload in " + file.string() + ": " + ec.message());
      return reply_error(std::move(stream_), body->get(), http::status::internal_server_error, "Cannot store the upload: " + ec.message());
    }
    stream_.expires_after(10min);  // hundreds of megabytes on a slow link
    http::async_read(stream_, buffer_, *body,
                     [self = shared_from_this(), body, file, caller = std::move(caller),
                      upload = std::get<RestApi::Upload>(std::move(upload))](beast::error_code rec, std::size_t) mutable {
                       body->get().body().close();
                       if (rec) {
                         std::error_code ignored;
                         std::filesystem::remove(file, ignored);
                         if (rec == http::error::body_limit) self->too_large(body->get(), self->server_.options.max_upload_bytes);
                         return;
                       }
                       self->api_.finish_upload(std::move(self->stream_), body->get(), caller, upload, file);
                     });
  }

  void too_large(const RequestHead& head, std::size_t limit) {
    reply_error(std::move(stream_), head, http::status::payload_too_large, "Body larger than " + std::to_string(limit) + " bytes");
  }

  ServerContext& server_;
  RestApi& api_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> head_;
};

}  // namespace

void serve_http(ServerContext& server, RestApi& api, Stream connection) {
  std::make_shared<HttpSession>(server, api, std::move(connection))->start();
}

}  // namespace runt::serve
