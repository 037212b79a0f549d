#pragma once
// Who sent an HTTP request: `Authorization: Bearer TOKEN` (the server token or an API key), or
// the login cookie of a browser (a session id), read from the headers alone.

#include "context.hpp"
#include "http.hpp"

#include <optional>
#include <string>

namespace runt::serve {

// How a connection proved who it is, kept so that it can be checked again when credentials
// are revoked while the connection is open.
struct Credential {
  enum class Kind { token, cookie } kind = Kind::token;
  std::string secret;
};
std::optional<auth::User> authenticate(ServerContext& server, const Credential& credential);

struct Caller {
  auth::User user;
  bool by_cookie = false;
  Credential credential;
};

// The bearer token when there is one (a wrong one is not replaced by the cookie), else the cookie.
std::optional<Caller> caller_of(ServerContext& server, const RequestHead& request);
std::optional<Caller> cookie_caller(ServerContext& server, const RequestHead& request);

// SameSite=Strict keeps other sites' requests from carrying the cookie, but another port of
// this host is the same site: a request that changes something (or opens a sync socket) on the
// strength of the cookie must come from one of this server's own pages. The reason to refuse,
// or nullopt.
std::optional<std::string> cross_site_problem(const RequestHead& request);

}  // namespace runt::serve
