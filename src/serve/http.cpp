#include "http.hpp"

#include "runt/schema/json.hpp"

#include <array>
#include <chrono>
#include <memory>

namespace runt::serve {

bool is_safe_method(http::verb method) { return method == http::verb::get || method == http::verb::head; }

void respond(Stream stream, const RequestHead& request, http::status status, std::string body,
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
  auto s = std::make_shared<Stream>(std::move(stream));
  s->expires_after(std::chrono::minutes(10));  // a large artifact to a slow reader
  http::async_write(*s, *response, [s, response](beast::error_code ec, std::size_t) {
    beast::error_code ignored;
    s->socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (!ec) linger(s);
  });
}

void respond_file(Stream stream, const RequestHead& request, const std::filesystem::path& file,
                  std::string_view content_type, const Headers& headers) {
  http::file_body::value_type body;
  beast::error_code ec;
  body.open(file.c_str(), beast::file_mode::scan, ec);
  if (ec) return respond(std::move(stream), request, http::status::not_found, "Not found");
  auto response = std::make_shared<http::response<http::file_body>>(http::status::ok, request.version());
  response->set(http::field::content_type, content_type);
  for (const auto& [name, value] : headers) response->set(name, value);
  response->keep_alive(false);
  const auto size = body.size();
  response->body() = std::move(body);
  response->prepare_payload();
  auto s = std::make_shared<Stream>(std::move(stream));
  s->expires_after(std::chrono::minutes(10));
  const auto done = [s, response](beast::error_code write_error, std::size_t) {
    beast::error_code ignored;
    s->socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (!write_error) linger(s);
  };
  if (request.method() == http::verb::head) {  // the headers only, with the GET's length
    auto head = std::make_shared<http::response<http::empty_body>>(http::status::ok, request.version());
    head->base() = response->base();
    head->content_length(size);
    return http::async_write(*s, *head, [done, head](beast::error_code e, std::size_t n) { done(e, n); });
  }
  http::async_write(*s, *response, done);
}

namespace {

void drain(const std::shared_ptr<Stream>& s, const std::shared_ptr<std::array<char, 65536>>& sink) {
  s->async_read_some(asio::buffer(*sink), [s, sink](beast::error_code ec, std::size_t) {
    if (!ec) drain(s, sink);
  });
}

}  // namespace

void linger(const std::shared_ptr<Stream>& s) {
  s->expires_after(std::chrono::seconds(5));  // in all, however slowly the client sends
  drain(s, std::make_shared<std::array<char, 65536>>());
}

std::string error_json(std::string_view message) {
  return schema::to_js_string(schema::Json{{"error", std::string(message)}});
}

void reply_json(Stream stream, const RequestHead& request, http::status status, const std::string& json) {
  respond(std::move(stream), request, status, json, "application/json");
}

void reply_error(Stream stream, const RequestHead& request, http::status status, std::string_view message) {
  respond(std::move(stream), request, status, error_json(message), "application/json");
}

}  // namespace runt::serve
