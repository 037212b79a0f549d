#include "caller.hpp"

#include "web.hpp"

namespace runt::serve {

std::optional<Caller> caller_of(ServerContext& server, const RequestHead& request) {
  const std::string_view authorization = request[http::field::authorization];
  if (!authorization.starts_with("Bearer ")) return cookie_caller(server, request);
  auto user = server.accounts.authenticate(authorization.substr(7));
  if (!user) return std::nullopt;
  return Caller{std::move(*user), false};
}

std::optional<Caller> cookie_caller(ServerContext& server, const RequestHead& request) {
  // The cookie holds a session id, never a token: an old cookie with a raw token logs no one in.
  const auto session = web::cookie_value(request[http::field::cookie], server.cookie_name);
  auto user = session ? server.accounts.session_user(*session) : std::nullopt;
  if (!user) return std::nullopt;
  return Caller{std::move(*user), true};
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
