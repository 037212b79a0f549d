#pragma once
// A server's address as runt's URLs give it: ws://HOST:PORT/livestore for sync, and
// http://HOST:PORT for its REST API on the same port.

#include <string>

namespace runt::base {

struct Endpoint {
  std::string host, port, path;  // path without a trailing slash ("" for none)
};

// ws:// or http:// only (TLS belongs to a reverse proxy). Throws std::invalid_argument.
Endpoint parse_endpoint(const std::string& url);
// The REST base of a sync URL: ws://HOST:PORT/livestore -> http://HOST:PORT. Throws
// std::invalid_argument for a URL it cannot use.
std::string http_base_of(const std::string& sync_url);
// The sync endpoint of a server URL: http://HOST:PORT -> ws://HOST:PORT/livestore.
std::string sync_url_of(const std::string& base_url);

}  // namespace runt::base
