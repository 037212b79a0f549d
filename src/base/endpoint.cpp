#include "runt/base/endpoint.hpp"

#include <stdexcept>
#include <string_view>

namespace runt::base {

Endpoint parse_endpoint(const std::string& url) {
  std::string_view rest = url;
  if (rest.starts_with("ws://"))
    rest.remove_prefix(5);
  else if (rest.starts_with("http://"))
    rest.remove_prefix(7);
  else
    throw std::invalid_argument("sync URL must start with ws:// or http:// (wss: put a TLS proxy in front): " + url);
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string path(slash == std::string_view::npos ? "" : rest.substr(slash));
  while (path.ends_with('/')) path.pop_back();
  const auto colon = authority.rfind(':');
  Endpoint e{std::string(authority.substr(0, colon)), colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1)),
             path};
  if (e.host.empty() || e.port.empty()) throw std::invalid_argument("sync URL has no host: " + url);
  return e;
}

std::string http_base_of(const std::string& sync_url) {
  const Endpoint e = parse_endpoint(sync_url);
  return "http://" + e.host + ":" + e.port;
}

std::string sync_url_of(const std::string& base_url) {
  std::string url = base_url;
  while (url.ends_with('/')) url.pop_back();
  if (url.starts_with("http://")) url = "ws://" + url.substr(7);
  if (!url.ends_with("/livestore")) url += "/livestore";
  return url;
}

}  // namespace runt::base
