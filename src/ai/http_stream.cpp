#include "runt/ai/http_stream.hpp"

#include "runt/ai/provider_error.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>

#include <optional>

namespace runt::ai {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Url {
  bool tls = false;
  std::string host, port, target;
};

Url parse_url(const std::string& url) {
  Url u;
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    u.tls = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    throw ProviderError(ProviderFailure::unreachable, "not an http:// or https:// URL: " + url);
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.starts_with('[')) {  // [IPv6]:port
    const auto close = authority.find(']');
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') u.port = std::string(authority.substr(close + 2));
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    u.host = std::string(authority.substr(0, colon));
    u.port = std::string(authority.substr(colon + 1));
  } else {
    u.host = std::string(authority);
  }
  if (u.port.empty()) u.port = u.tls ? "443" : "80";
  if (u.host.empty()) throw ProviderError(ProviderFailure::unreachable, "no host in " + url);
  return u;
}

constexpr std::size_t error_body_limit = 1 << 20;

// What the server asks a client to wait before trying again (as the OpenAI SDKs read it).
template <class Header>
std::optional<std::chrono::milliseconds> retry_after(const Header& header) {
  const auto number = [](boost::beast::string_view text) -> std::optional<double> {
    try {
      std::size_t used = 0;
      const std::string s(text);
      const double value = std::stod(s, &used);
      return used == s.size() && value >= 0 ? std::optional<double>(value) : std::nullopt;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  };
  if (const auto it = header.find("retry-after-ms"); it != header.end())
    if (const auto ms = number(it->value())) return std::chrono::milliseconds(static_cast<long long>(*ms));
  if (const auto it = header.find("retry-after"); it != header.end())
    if (const auto s = number(it->value())) return std::chrono::milliseconds(static_cast<long long>(*s * 1000));
  return std::nullopt;
}

// Runs the io_context until `finished`, polling `cancelled`; on cancellation closes the
// connection (`abort`) and lets the pending handlers run out.
void drive(asio::io_context& io, const bool& finished, const std::function<bool()>& cancelled, const std::function<void()>& abort,
           bool& was_cancelled) {
  while (!finished && !io.stopped()) {
    io.run_for(std::chrono::milliseconds(50));
    if (!finished && cancelled && cancelled() && !was_cancelled) {
      was_cancelled = true;
      abort();
    }
  }
}

template <class Stream>
HttpOutcome exchange(asio::io_context& io, Stream& stream, beast::tcp_stream& lowest, const Url& url, const HttpRequest& request,
                     const std::function<void(std::string_view)>& on_body, const HttpDeadlines& deadlines,
                     const std::function<bool()>& cancelled, const std::function<void(std::function<void(beast::error_code)>)>& handshake) {
  http::request<http::string_body> message(http::string_to_verb(request.method), url.target, 11);
  message.set(http::field::host, url.host);
  message.set(http::field::user_agent, "runt/0.1");
  for (const auto& [name, value] : request.headers) message.set(name, value);
  if (!request.body.empty() || request.method == "POST") {
    if (message[http::field::content_type].empty()) message.set(http::field::content_type, "application/json");
    message.body() = request.body;
  }
  message.prepare_payload();

  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  char piece[16384];
  HttpOutcome outcome;
  std::optional<ProviderError> failure;
  bool finished = false, was_cancelled = false;

  const std::string where = url.host + ":" + url.port;
  std::function<void()> read_more;
  read_more = [&] {
    parser.get().body().data = piece;
    parser.get().body().size = sizeof piece;
    lowest.expires_after(deadlines.idle);
    http::async_read_some(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
      const std::size_t got = sizeof piece - parser.get().body().size;
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        if (!was_cancelled)
          failure = ProviderError(ec == beast::error::timeout ? ProviderFailure::timeout : ProviderFailure::broken_stream,
                                  ec == beast::error::timeout ? "the provider at " + where + " went silent mid-answer"
                                                              : "the connection to " + where + " broke mid-answer: " + ec.message());
        finished = true;
        return;
      }
      if (got > 0) {
        const std::string_view bytes(piece, got);
        if (outcome.status >= 200 && outcome.status < 300) {
          try {
            on_body(bytes);
          } catch (const ProviderError& e) {
            failure = e;
            finished = true;
            return;
          }
        } else if (outcome.error_body.size() < error_body_limit) {
          outcome.error_body.append(bytes.substr(0, error_body_limit - outcome.error_body.size()));
        }
      }
      if (parser.is_done()) {
        finished = true;
        return;
      }
      read_more();
    });
  };

  tcp::resolver resolver(io);
  lowest.expires_after(deadlines.connect);
  resolver.async_resolve(url.host, url.port, [&](beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) {
      failure = ProviderError(ProviderFailure::unreachable, "cannot resolve " + url.host + ": " + ec.message());
      finished = true;
      return;
    }
    lowest.async_connect(results, [&](beast::error_code cec, const tcp::endpoint&) {
      if (cec) {
        failure = ProviderError(cec == beast::error::timeout ? ProviderFailure::timeout : ProviderFailure::unreachable,
                                "cannot reach " + where + ": " + cec.message());
        finished = true;
        return;
      }
      handshake([&](beast::error_code hec) {
        if (hec) {
          failure = ProviderError(ProviderFailure::unreachable, "TLS handshake with " + where + " failed: " + hec.message());
          finished = true;
          return;
        }
        lowest.expires_after(deadlines.first_byte);
        http::async_write(stream, message, [&](beast::error_code wec, std::size_t) {
          if (wec) {
            failure = ProviderError(ProviderFailure::unreachable, "could not send the request to " + where + ": " + wec.message());
            finished = true;
            return;
          }
          lowest.expires_after(deadlines.first_byte);
          http::async_read_header(stream, buffer, parser, [&](beast::error_code hec2, std::size_t) {
            if (hec2) {
              failure = ProviderError(hec2 == beast::error::timeout ? ProviderFailure::timeout : ProviderFailure::broken_stream,
                                      hec2 == beast::error::timeout ? "no answer from " + where + " in time"
                                                                    : "no answer from " + where + ": " + hec2.message());
              finished = true;
              return;
            }
            outcome.status = static_cast<int>(parser.get().result_int());
            outcome.retry_after = retry_after(parser.get());
            if (parser.is_done()) {
              finished = true;
              return;
            }
            read_more();
          });
        });
      });
    });
  });
  drive(io, finished, cancelled, [&] { lowest.socket().close(); }, was_cancelled);
  if (was_cancelled) {
    io.restart();
    io.poll();  // let the aborted handlers finish before the stack they refer to goes
    throw ProviderError(ProviderFailure::cancelled, "cancelled");
  }
  if (failure) throw *failure;
  return outcome;
}

}  // namespace

HttpOutcome http_stream(const HttpRequest& request, const std::function<void(std::string_view)>& on_body, const HttpDeadlines& deadlines,
                        const std::function<bool()>& cancelled) {
  const Url url = parse_url(request.url);
  asio::io_context io;
  if (!url.tls) {
    beast::tcp_stream stream(io);
    return exchange(io, stream, stream, url, request, on_body, deadlines, cancelled,
                    [](std::function<void(beast::error_code)> done) { done({}); });
  }
  ssl::context context(ssl::context::tls_client);
  context.set_default_verify_paths();
  context.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, context);
  // SNI (SSL_set_tlsext_host_name is a macro with a C cast)
  if (!SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(url.host.c_str())))
    throw ProviderError(ProviderFailure::unreachable, "cannot use the host name " + url.host + " for TLS");
  stream.set_verify_callback(ssl::host_name_verification(url.host));
  return exchange(io, stream, beast::get_lowest_layer(stream), url, request, on_body, deadlines, cancelled,
                  [&](std::function<void(beast::error_code)> done) {
                    beast::get_lowest_layer(stream).expires_after(deadlines.connect);
                    stream.async_handshake(ssl::stream_base::client, [done](beast::error_code ec) { done(ec); });
                  });
}

HttpResponse http_fetch(const HttpRequest& request, const HttpDeadlines& deadlines, const std::function<bool()>& cancelled) {
  HttpResponse response;
  const HttpOutcome outcome = http_stream(request, [&](std::string_view bytes) { response.body.append(bytes); }, deadlines, cancelled);
  response.status = outcome.status;
  if (response.status < 200 || response.status >= 300) response.body = outcome.error_body;
  return response;
}

}  // namespace runt::ai
