#include "web_pages.hpp"

#include "caller.hpp"
#include "web.hpp"

#include "runt/serve/url.hpp"

#include <fstream>
#include <map>
#include <sstream>

namespace runt::serve {

namespace {

std::optional<std::string> read_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

static_assert(web::kCookieMaxAgeSeconds == auth::Accounts::kSessionSeconds, "the cookie lasts as long as its session");

// The accounts live in a database that can be away (PostgreSQL restarting): the page says so
// and the server carries on.
void accounts_unavailable(ServerContext& server, Stream stream, const RequestHead& request, const storage::StorageError& e) {
  server.log("could not check a browser's login: " + std::string(e.what()));
  respond(std::move(stream), request, http::status::service_unavailable,
          "Cannot check logins now: the accounts database is unavailable. Try again in a moment.");
}

// The login form. Referrer-Policy same-origin, not no-referrer: under no-referrer a browser
// sends `Origin: null` with the form's POST, and /login could not tell its own page from
// another site's.
Headers login_page_headers() {
  return {{"Content-Security-Policy", web::kAppCsp}, {"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "same-origin"}};
}

void login_page(Stream stream, const RequestHead& request, std::string_view problem, std::string_view next) {
  respond(std::move(stream), request, http::status::unauthorized, web::login_page(problem, next), "text/html; charset=utf-8",
          login_page_headers());
}

// Jupyter's login: the token becomes a session in a cookie and leaves the address bar and the
// history. A refused token gets the form again, saying `refused`.
void log_in(ServerContext& server, Stream stream, const RequestHead& request, std::string_view token,
            const std::string& location, std::string_view refused) {
  std::optional<auth::Accounts::Session> session;
  try {
    session = server.accounts.start_session(token);
  } catch (const storage::StorageError& e) {
    return accounts_unavailable(server, std::move(stream), request, e);
  }
  if (!session) return login_page(std::move(stream), request, refused, location);
  server.log(session->user.id + " logged in a browser");
  const std::string cookie = web::session_cookie(server.cookie_name, session->id);
  respond(std::move(stream), request, http::status::see_other, "", "text/plain; charset=utf-8",
          {{"Location", location}, {"Set-Cookie", cookie}, {"Referrer-Policy", "no-referrer"}});
}

// The login form, and the button of confirm_login_page. Only this server's own pages may send
// it: another site's form would log the reader in to its author's account. So a browser must
// say the POST is same-origin (Sec-Fetch-Site, when it sends one) and carry this server's
// Origin, and the body must be what a form sends urlencoded (no multipart or text/plain
// tricks).
void log_in_by_form(ServerContext& server, Stream stream, const Request& request) {
  const auto site = request.find("Sec-Fetch-Site");
  if ((site != request.end() && site->value() != "same-origin") ||
      !web::same_origin(request[http::field::origin], request[http::field::host]))
    return respond(std::move(stream), request, http::status::forbidden,
                   "Cross-site login refused: log in with this server's own page (open the ?token= link)");
  const std::string_view type = request[http::field::content_type];
  if (type.substr(0, type.find(';')) != "application/x-www-form-urlencoded")
    return respond(std::move(stream), request, http::status::unsupported_media_type,
                   "Send the login form as application/x-www-form-urlencoded");
  std::map<std::string, std::string> form;
  try {
    form = parse_form(request.body());
  } catch (const std::invalid_argument& e) {
    return respond(std::move(stream), request, http::status::bad_request, "Malformed form: " + std::string(e.what()));
  }
  const auto next = form.find("next");
  log_in(server, std::move(stream), request, form["token"], web::login_next(next == form.end() ? "/" : next->second),
         "That token is not valid.");
}

void serve_page(ServerContext& server, Stream stream, const RequestHead& request, std::string_view name,
                std::string_view csp) {
  const auto file = server.options.web_dir / name;
  auto content = read_file(file);
  if (!content)
    return respond(std::move(stream), request, http::status::not_found,
                   "The web UI is not built: " + file.string() + " is missing (cmake --build build, or runt serve --web-dir DIR)");
  respond(std::move(stream), request, http::status::ok, std::move(*content), "text/html; charset=utf-8",
          {{"Content-Security-Policy", csp},
           {"X-Content-Type-Options", "nosniff"},
           {"Referrer-Policy", "no-referrer"},
           {"Cache-Control", "no-cache"}});
}

// Files under web_dir/assets, revalidated on every use (ETag) so a rebuilt bundle is seen at once.
void serve_asset(ServerContext& server, Stream stream, const RequestHead& request, std::string_view relative) {
  const auto not_found = [&] { respond(std::move(stream), request, http::status::not_found, "Not found"); };
  if (!web::is_safe_asset_path(relative)) return not_found();
  const auto file = server.options.web_dir / "assets" / relative;
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  const auto modified = std::filesystem::last_write_time(file, ec);
  if (ec) return not_found();
  std::ostringstream tag;
  tag << '"' << std::hex << size << '-' << modified.time_since_epoch().count() << '"';
  const std::string etag = tag.str();
  if (request[http::field::if_none_match] == etag)
    return respond(std::move(stream), request, http::status::not_modified, "", web::content_type_for(file),
                   {{"ETag", etag}, {"Cache-Control", "no-cache"}});
  auto content = read_file(file);
  if (!content) return not_found();
  respond(std::move(stream), request, http::status::ok, std::move(*content), web::content_type_for(file),
          {{"ETag", etag}, {"Cache-Control", "no-cache"}, {"X-Content-Type-Options", "nosniff"}});
}

}  // namespace

void serve_web_ui(ServerContext& server, Stream stream, const Request& request) {
  if (request.method() == http::verb::post && target_path(request.target()) == "/login")
    return log_in_by_form(server, std::move(stream), request);
  if (!is_safe_method(request.method()))
    return respond(std::move(stream), request, http::status::method_not_allowed, "Method not allowed");
  const std::string_view target = request.target();
  const std::string_view path = target_path(target);
  // Only a top-level navigation logs in: an <img src="/?token=..."> planted in a notebook must
  // not switch the reader's browser to someone else's account. (Browsers send Sec-Fetch-Dest
  // on every request; a client without it, such as curl, is not a browser to protect.)
  const auto dest = request.find("Sec-Fetch-Dest");
  const bool navigation = dest == request.end() || dest->value() == "document";
  if (auto link = web::token_link(target); link && navigation) {
    std::optional<auth::User> user;
    try {
      user = server.accounts.authenticate(link->token);
    } catch (const storage::StorageError& e) {
      return accounts_unavailable(server, std::move(stream), request, e);
    }
    if (!user) return login_page(std::move(stream), request, "The token in this link is not valid.", link->location);
    const auto site = request.find("Sec-Fetch-Site");
    if (!web::may_log_in_directly(site == request.end() ? std::nullopt : std::optional<std::string_view>(site->value()))) {
      // Referrer-Policy same-origin, not no-referrer: under no-referrer a browser sends `Origin:
      // null` with the form's POST, and /login could not tell its own page from another site's.
      return respond(std::move(stream), request, http::status::ok, web::confirm_login_page(user->name, link->token, link->location),
                     "text/html; charset=utf-8", login_page_headers());
    }
    return log_in(server, std::move(stream), request, link->token, link->location, "The token in this link is not valid.");
  }
  const bool asset = path.starts_with("/assets/");
  bool logged_in = false;
  try {
    logged_in = caller_of(server, request).has_value();
  } catch (const storage::StorageError& e) {
    return accounts_unavailable(server, std::move(stream), request, e);
  }
  if (!logged_in) {
    if (asset)
      return respond(std::move(stream), request, http::status::unauthorized,
                     "Log in first: open the URL runt up printed (it ends with ?token=)");
    // Back to the page asked for after the form, without a token a non-navigation carried.
    const auto link = web::token_link(target);
    return login_page(std::move(stream), request, "This browser is not logged in to this runt server.",
                      link ? link->location : std::string(target));
  }
  if (asset) return serve_asset(server, std::move(stream), request, path.substr(8));
  if (path == "/frame.html") return serve_page(server, std::move(stream), request, "frame.html", web::kFrameCsp);
  return serve_page(server, std::move(stream), request, "index.html", web::kAppCsp);
}

}  // namespace runt::serve
