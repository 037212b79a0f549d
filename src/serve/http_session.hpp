#pragma once
// One HTTP connection: reads a request and routes it — /api/health, the REST API, the sync
// socket's upgrade under /livestore, and the browser notebook's pages everywhere else.

#include "context.hpp"
#include "http.hpp"
#include "rest_api.hpp"

namespace runt::serve {

void serve_http(ServerContext& server, RestApi& api, tcp::socket socket);

}  // namespace runt::serve
