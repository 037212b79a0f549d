#pragma once
// The browser notebook's side of `runt serve`, without sockets: which files and artifacts may be
// served and as what, the login cookie, the same-origin check, and the security headers of its
// pages.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace runt::serve::web {

// The app's pages (index.html, the 401 page): only our own scripts, no framing, and nothing
// (form, base, plugin) that could send data elsewhere. `connect-src 'self'` covers the
// same-origin ws:// sync socket in current browsers.
inline constexpr std::string_view kAppCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";
// frame.html renders rich outputs (HTML, widgets' scripts) in an <iframe sandbox="allow-scripts">:
// an opaque origin that can read no cookie and reach no server; only the app may frame it.
inline constexpr std::string_view kFrameCsp =
    "default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob: 'self'; font-src data:; frame-ancestors 'self'";

// Browsers keep cookies per host, not per port: a name per port keeps the logins of two runt
// servers on one machine apart (as Jupyter names its cookie after the port).
std::string cookie_name(std::uint16_t port);
inline constexpr int kCookieMaxAgeSeconds = 30 * 24 * 3600;

// The Content-Type of a static file, by its extension (application/octet-stream if unknown).
std::string_view content_type_for(const std::filesystem::path& file);

// A path below /assets/ that names a file there: segments of A-Z a-z 0-9 . _ - not starting
// with a dot, nothing percent-encoded. Everything else (`..`, `%2e%2e`, `\`, empty segments)
// is refused, so no request can reach outside the assets directory.
bool is_safe_asset_path(std::string_view relative);

// The value of cookie `name` in a Cookie header (percent-decoded, as session_cookie encodes it).
std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);
// The Set-Cookie value that logs a browser in with session `session_id` under the cookie `name`.
std::string session_cookie(std::string_view name, std::string_view session_id);
// The Set-Cookie value that makes the browser drop the cookie (a logout).
std::string expired_cookie(std::string_view name);

// A path on this server for a Location header, from a path a request named: `//host/...`,
// `/\host` or an absolute URL would send the browser to another host.
std::string local_path(std::string_view path);

// Where POST /login sends the browser: `next` when it is a path on this server (a single
// leading `/`, no `\`, no control characters), else `/`. `//host` and `/\host` are another
// host to a browser, and an absolute URL is another site: a login must not end on either.
std::string login_next(std::string_view next);

// A page request carrying `?token=T` (Jupyter's login link): the token, and where to send the
// browser without it (the same path and other parameters; never another host).
struct TokenLink {
  std::string token;
  std::string location;
};
std::optional<TokenLink> token_link(std::string_view target);

// True when an Origin header (`http://host:port`) names the server the Host header names.
bool same_origin(std::string_view origin, std::string_view host);

// Whether a navigation's Sec-Fetch-Site may log the browser in at once: typed, bookmarked or
// opened from outside a browser (`none`), or from this server's own pages. A missing header
// is a client that is no browser. A link on another site (even another port of this host,
// `same-site`) could log the reader in to an account of the link's author.
bool may_log_in_directly(std::optional<std::string_view> sec_fetch_site);

// The page shown to a browser that is not logged in: Jupyter's login form, one password field
// for the server token or an API key, POSTed to /login with `next` (the page asked for). No
// script: it works without JavaScript and under the app's CSP.
std::string login_page(std::string_view problem, std::string_view next);
// The page a login link from another site gets instead of logging in: a button that sends the
// token by a same-origin POST to /login (no script), naming the user it would log in as.
std::string confirm_login_page(std::string_view user_name, std::string_view token, std::string_view next);

// How an artifact is served from the app's origin. Types a browser shows without running
// anything as this origin keep their type (images, PDF, plain text, CSV, markdown, JSON; HTML
// and SVG only under `Content-Security-Policy: sandbox`), rebuilt from their essence and
// charset so no parameter can smuggle in another type. Everything else (JavaScript,
// WebAssembly, XML, unknown types) is application/octet-stream to download: no <script src>
// on this origin can run it.
struct ArtifactType {
  std::string content_type;
  bool download = false;  // send Content-Disposition: attachment
};
ArtifactType artifact_type(std::string_view stored_content_type);

// `attachment; filename=...` for a download named after a notebook title.
std::string attachment(std::string_view title, std::string_view extension);

// Content types an HTML <form> can submit (urlencoded, multipart, text/plain), parameters ignored.
bool is_form_content_type(std::string_view content_type);

}  // namespace runt::serve::web
