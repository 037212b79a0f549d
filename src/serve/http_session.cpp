#include "http_session.hpp"

#include "caller.hpp"
#include "sync_session.hpp"
#include "web_pages.hpp"

#include "runt/serve/url.hpp"

#include <chrono>

namespace runt::serve {

namespace {

void route(ServerContext& server, RestApi& api, beast::tcp_stream stream, Request request) {
  const std::string_view path = target_path(request.target());
  if (path == "/api/health") return respond(std::move(stream), request, http::status::ok, R"({"ok":true})", "application/json");
  if (path.starts_with("/api/")) {
    const auto caller = caller_of(server, request);
    if (!caller)
      return reply_error(std::move(stream), request, http::status::unauthorized,
                         "Missing or invalid token: send Authorization: Bearer TOKEN (or log in with ?token=TOKEN)");
    return api.handle(std::move(stream), request, *caller);
  }
  if (path.starts_with("/livestore")) return open_sync_socket(server, std::move(stream), std::move(request));
  return serve_web_ui(server, std::move(stream), request);
}

}  // namespace

void serve_http(ServerContext& server, RestApi& api, tcp::socket socket) {
  auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
  stream->expires_after(std::chrono::seconds(30));  // a client gets 30 s to send its headers...
  auto buffer = std::make_shared<beast::flat_buffer>();
  auto parser = std::make_shared<http::request_parser<http::string_body>>();
  parser->body_limit(server.options.max_upload_bytes);
  const auto too_large = [&server](beast::tcp_stream& s, const RequestHead& request) {
    reply_error(std::move(s), request, http::status::payload_too_large,
                "Body larger than " + std::to_string(server.options.max_upload_bytes) + " bytes");
  };
  http::async_read_header(*stream, *buffer, *parser, [&server, &api, stream, buffer, parser, too_large](beast::error_code hec, std::size_t) {
    if (hec == http::error::body_limit) return too_large(*stream, parser->get());  // a Content-Length over the limit
    if (hec) return;
    // ...and then 10 minutes for a body (an upload of hundreds of megabytes on a slow link).
    stream->expires_after(std::chrono::minutes(10));
    http::async_read(*stream, *buffer, *parser, [&server, &api, stream, buffer, parser, too_large](beast::error_code rec, std::size_t) {
      if (rec == http::error::body_limit) return too_large(*stream, parser->get());
      if (!rec) route(server, api, std::move(*stream), parser->release());
    });
  });
}

}  // namespace runt::serve
