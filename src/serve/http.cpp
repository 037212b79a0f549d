#include "http.hpp"

#include "runt/schema/json.hpp"

#include <array>
#include <chrono>
#include <memory>

namespace runt::serve {

bool is_safe_method(http::verb method) { return method == http::verb::get || method == http::verb::head; }

void respond(beast::tcp_stream stream, const RequestHead& request, http::status status, std::string body,
             std::string_view content_type, const Headers& headers) {
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
    if (!ec) linger(s);
  });
}

namespace {

void drain(const std::shared_ptr<beast::tcp_stream>& s, const std::shared_ptr<std::array<char, 65536>>& sink) {
  s->async_read_some(asio::buffer(*sink), [s, sink](beast::error_code ec, std::size_t) {
    if (!ec) drain(s, sink);
  });
}

}  // namespace

void linger(const std::shared_ptr<beast::tcp_stream>& s) {
  s->expires_after(std::chrono::seconds(5));  // in all, however slowly the client sends
  drain(s, std::make_shared<std::array<char, 65536>>());
}

std::string error_json(std::string_view message) {
  return schema::to_js_string(schema::Json{{"error", std::string(message)}});
}

void reply_json(beast::tcp_stream stream, const RequestHead& request, http::status status, const std::string& json) {
  respond(std::move(stream), request, status, json, "application/json");
}

void reply_error(beast::tcp_stream stream, const RequestHead& request, http::status status, std::string_view message) {
  respond(std::move(stream), request, status, error_json(message), "application/json");
}

}  // namespace runt::serve
