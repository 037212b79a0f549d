#pragma once
// HTTP helpers every part of `runt serve` answers with: one response per connection (no
// keep-alive), JSON errors, and a lingering close so that the client reads the answer.

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runt::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using RequestHead = http::request_header<>;
using Request = http::request<http::string_body>;
using Headers = std::vector<std::pair<std::string_view, std::string_view>>;

bool is_safe_method(http::verb method);

// Writes one response and closes the connection (a HEAD gets the headers of the GET).
void respond(beast::tcp_stream stream, const RequestHead& request, http::status status, std::string body,
             std::string_view content_type = "text/plain; charset=utf-8", const Headers& headers = {});

std::string error_json(std::string_view message);
void reply_json(beast::tcp_stream stream, const RequestHead& request, http::status status, const std::string& json);
void reply_error(beast::tcp_stream stream, const RequestHead& request, http::status status, std::string_view message);

// After the response: read and drop what the client still sends (e.g. the rest of a refused
// upload) until it closes, for at most 5 s. Closing with unread data would reset the
// connection, and the client could lose the response.
void linger(const std::shared_ptr<beast::tcp_stream>& stream);

}  // namespace runt::serve
