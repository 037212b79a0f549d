#include "runt/rest/client.hpp"

#include "runt/base/endpoint.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <stdexcept>

namespace runt::rest {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Response request(const std::string& base_url, const std::string& method, const std::string& target,
                          const std::string& bearer_token, const std::string& body, const std::string& content_type,
                          const std::vector<std::pair<std::string, std::string>>& headers, std::chrono::milliseconds deadline) {
  std::string url = base_url;
  if (url.starts_with("ws://")) url = "http://" + url.substr(5);
  const base::Endpoint e = base::parse_endpoint(url);
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
  return Response{static_cast<int>(parser.get().result_int()), parser.get().body()};
}

}  // namespace runt::rest
