#pragma once
// One HTTP connection. The headers come first and decide everything before any body is read:
// the framing must be unambiguous, an API call must carry a valid token (Authorization or the
// login cookie), and an upload must be allowed where it goes. Only then is the body read, to
// the limit of its route: small for JSON calls and pages, --max-upload-bytes for artifact
// uploads and .ipynb imports, which are streamed to a file rather than held in memory. Then
// the request is routed: /api/health, the REST API, the sync socket's upgrade under
// /livestore, and the browser notebook's pages everywhere else.

#include "context.hpp"
#include "http.hpp"
#include "rest_api.hpp"

namespace runt::serve {

// Largest body of a request that is not an upload (JSON calls, forms).
inline constexpr std::size_t kMaxSmallBody = 1u << 20;

void serve_http(ServerContext& server, RestApi& api, Stream connection);

// Why a request's framing cannot be trusted (Transfer-Encoding other than plain `chunked`, or
// with a Content-Length), or nullopt: a proxy in front could read the message differently.
std::optional<std::string> framing_problem(const RequestHead& request);

}  // namespace runt::serve
