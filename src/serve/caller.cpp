#include "caller.hpp"

#include "web.hpp"

namespace runt::serve {

std::optional<auth::User> authenticate(ServerContext& server, const Credential& credential) {
  if (credential.kind == Credential::Kind::cookie) return server.accounts.session_user(credential.secret);
  return server.accounts.authenticate(credential.secret);
}

std::optional<Caller> caller_of(ServerContext& server, const RequestHead& request) {
  const std::string_view authorization = request[http::field::authorization];
  if (!authorization.starts_with("Bearer ")) return cookie_caller(server, request);
  Credential credential{Credential::Kind::token, std::string(authorization.substr(7))};
  auto user = authenticate(server, credential);
  if (!user) return std::nullopt;
  return Caller{std::move(*user), false, std::move(credential)};
}

std::optional<Caller> cookie_caller(ServerContext& server, const RequestHead& request) {
  // The cookie holds a session id, never a token: an old cookie with a raw token logs no one in.
  auto value = web::cookie_value(request[http::field::cookie], server.cookie_name);
  if (!value) return std::nullopt;
  Credential credential{Credential::Kind::cookie, std::move(*value)};
  auto user = authenticate(server, credential);
  if (!user) return std::nullopt;
  return Caller{std::move(*user), true, std::move(credential)};
}

std::optional<std::string> cross_site_problem(const RequestHead& request) {
  const std::string_view origin = request[http::field::origin];
  const std::string_view host = request[http::field::host];
  if (web::same_origin(origin, host)) return std::nullopt;
  return "Cross-site request refused: a request authenticated by the login cookie must come from this server's "
         "own pages (Origin " + (origin.empty() ? std::string("missing") : std::string(origin)) + ", Host " +
         std::string(host) + "); other clients send Authorization: Bearer TOKEN";
}

}  // namespace runt::serve
