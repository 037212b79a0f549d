#pragma once
// HTTP helpers every part of `runt serve` answers with: one response per connection (no
// keep-alive), JSON errors, and a lingering close so that the client reads the answer.

#include "admission.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runt::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A connection's stream: a TCP stream with timeouts, holding its admission ticket.
using Stream = beast::basic_stream<tcp, asio::any_io_executor, AdmittedPolicy>;
using RequestHead = http::request_header<>;
using Request = http::request<http::string_body>;
using Headers = std::vector<std::pair<std::string_view, std::string_view>>;

bool is_safe_method(http::verb method);

// Writes one response and closes the connection (a HEAD gets the headers of the GET).
void respond(Stream stream, const RequestHead& request, http::status status, std::string body,
             std::string_view content_type = "text/plain; charset=utf-8", const Headers& headers = {});

// A file's content as the body (read as it is sent, never held whole); 404 when it cannot be opened.
void respond_file(Stream stream, const RequestHead& request, const std::filesystem::path& file,
                  std::string_view content_type, const Headers& headers = {});

std::string error_json(std::string_view message);
void reply_json(Stream stream, const RequestHead& request, http::status status, const std::string& json);
void reply_error(Stream stream, const RequestHead& request, http::status status, std::string_view message);

// After the response: read and drop what the client still sends (e.g. the rest of a refused
// upload) until it closes, for at most 5 s. Closing with unread data would reset the
// connection, and the client could lose the response.
void linger(const std::shared_ptr<Stream>& stream);

}  // namespace runt::serve
