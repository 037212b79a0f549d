#pragma once
// One HTTP/1.1 request to a provider over plain TCP or TLS, its body handed over as the bytes
// arrive (a streamed answer), with deadlines on every step and cancellation that closes the
// connection within a fraction of a second.

#include <chrono>
#include <optional>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runt::ai {

struct HttpRequest {
  std::string method = "POST";
  std::string url;  // http://HOST[:PORT]/PATH or https://…
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpDeadlines {
  std::chrono::milliseconds connect{15000};
  // From the request to its response headers (a model may think long before its first byte).
  std::chrono::milliseconds first_byte{120000};
  // Between two reads of the body.
  std::chrono::milliseconds idle{120000};
};

struct HttpOutcome {
  int status = 0;
  std::string error_body;  // the body of a status other than 2xx (at most 1 MiB)
  std::optional<std::chrono::milliseconds> retry_after;  // retry-after-ms, or retry-after in seconds
};

// Sends `request`; for a 2xx status calls `on_body` with each piece of the body as it comes,
// else collects the body into error_body. `cancelled` is polled while waiting. Throws
// ProviderError: unreachable, timeout, broken_stream (the connection dropped mid-body),
// cancelled. TLS verifies the server against the system's CAs (SSL_CERT_FILE/SSL_CERT_DIR
// as OpenSSL reads them).
HttpOutcome http_stream(const HttpRequest& request, const std::function<void(std::string_view)>& on_body, const HttpDeadlines& deadlines,
                        const std::function<bool()>& cancelled);

// A whole response (for small JSON answers such as model lists).
struct HttpResponse {
  int status = 0;
  std::string body;
};
HttpResponse http_fetch(const HttpRequest& request, const HttpDeadlines& deadlines, const std::function<bool()>& cancelled);

}  // namespace runt::ai
