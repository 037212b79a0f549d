#include "web.hpp"

#include "runt/serve/url.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

namespace runt::serve::web {

namespace {

constexpr bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    if (is_unreserved(c)) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += {'%', kHex[byte >> 4], kHex[byte & 15]};
    }
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string html_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

// The head of the login pages: one look, no external resources.
constexpr std::string_view kPageHead =
    "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>runt: log in</title>\n"
    "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em}"
    "code{background:#eee;padding:0 .2em}label{display:block;font-weight:600;margin-bottom:.3em}"
    "input[type=password]{font:inherit;padding:.4em;width:100%;max-width:30em;box-sizing:border-box}"
    "button{font:inherit;padding:.4em 1em;margin-top:.8em;display:block}</style>\n</head>\n<body>\n";

}  // namespace

std::string_view content_type_for(const std::filesystem::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 20> kTypes{{
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".html", "text/html; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".ttf", "font/ttf"},
      {".otf", "font/otf"},
      {".wasm", "application/wasm"},
      {".webmanifest", "application/manifest+json"},
  }};
  const std::string extension = lower(file.extension().string());
  for (const auto& [ext, type] : kTypes)
    if (ext == extension) return type;
  return "application/octet-stream";
}

bool is_safe_asset_path(std::string_view relative) {
  if (relative.empty()) return false;
  for (std::string_view rest = relative;;) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty() || segment.front() == '.') return false;
    for (const char c : segment)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
        return false;
    if (slash == std::string_view::npos) return true;
    rest.remove_prefix(slash + 1);
  }
}

std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name) {
  for (std::string_view rest = cookie_header; !rest.empty();) {
    const auto semicolon = rest.find(';');
    const std::string_view pair = trim(rest.substr(0, semicolon));
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) {
      std::string_view value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      try {
        return percent_decode(value, false);
      } catch (const std::invalid_argument&) {
        return std::nullopt;  // not a cookie we set
      }
    }
    if (semicolon == std::string_view::npos) break;
    rest.remove_prefix(semicolon + 1);
  }
  return std::nullopt;
}

std::string cookie_name(std::uint16_t port) { return "runt_token_" + std::to_string(port); }

std::string session_cookie(std::string_view name, std::string_view session_id) {
  // HttpOnly: page scripts (and anything injected into them) cannot read it. SameSite=Strict:
  // other sites cannot make the browser send it.
  return std::string(name) + "=" + percent_encode(session_id) + "; Path=/; Max-Age=" +
         std::to_string(kCookieMaxAgeSeconds) + "; HttpOnly; SameSite=Strict";
}

std::string expired_cookie(std::string_view name) {
  return std::string(name) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict";
}

std::string local_path(std::string_view path) {
  const auto first = path.find_first_not_of("/\\");
  return path.empty() || path.front() != '/' ? "/" : "/" + std::string(path.substr(std::min(first, path.size())));
}

std::string login_next(std::string_view next) {
  const bool local = next.size() >= 1 && next.front() == '/' && (next.size() == 1 || (next[1] != '/' && next[1] != '\\')) &&
                     std::none_of(next.begin(), next.end(), [](char c) { return c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  return local ? std::string(next) : "/";
}

std::optional<TokenLink> token_link(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  const std::string path = local_path(target.substr(0, q));
  std::optional<TokenLink> link;
  std::string kept;
  for (std::string_view rest = target.substr(q + 1); !rest.empty();) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == "token") {
      link.emplace();
      try {
        link->token = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true);
      } catch (const std::invalid_argument&) {
        link->token.clear();  // no valid token is malformed
      }
    } else if (!pair.empty()) {
      if (!kept.empty()) kept += '&';
      kept += pair;
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  if (link) link->location = path + (kept.empty() ? "" : "?" + kept);
  return link;
}

bool same_origin(std::string_view origin, std::string_view host) {
  std::string_view default_port;
  if (origin.starts_with("http://")) {
    origin.remove_prefix(7);
    default_port = ":80";
  } else if (origin.starts_with("https://")) {
    origin.remove_prefix(8);
    default_port = ":443";
  } else {
    return false;  // "null" (sandboxed frames, files) and anything else
  }
  const auto normalize = [&](std::string_view authority) {
    std::string out = lower(trim(authority));
    if (out.ends_with(default_port)) out.resize(out.size() - default_port.size());
    return out;
  };
  const std::string a = normalize(origin), b = normalize(host);
  return !a.empty() && a == b;
}

bool may_log_in_directly(std::optional<std::string_view> sec_fetch_site) {
  return !sec_fetch_site || *sec_fetch_site == "none" || *sec_fetch_site == "same-origin";
}

std::string login_page(std::string_view problem, std::string_view next) {
  return std::string(kPageHead) +
         "<h1>runt: log in</h1>\n<p>" + html_escape(problem) +
         "</p>\n<form method=\"post\" action=\"/login\">\n<label for=\"token\">Token or API key</label>\n"
         "<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"current-password\" required autofocus>\n"
         "<input type=\"hidden\" name=\"next\" value=\"" + html_escape(login_next(next)) +
         "\">\n<button type=\"submit\">Log in</button>\n</form>\n"
         "<p>The token is the one <code>runt serve</code> printed (or <code>--token</code>); an API key comes from "
         "<code>runt token create</code>. The URL that <code>runt up</code> printed, ending with "
         "<code>?token=…</code>, logs this browser in too.</p>\n</body>\n</html>\n";
}

std::string confirm_login_page(std::string_view user_name, std::string_view token, std::string_view next) {
  return std::string(kPageHead) + "<h1>runt: log in</h1>\n<p>A page on another site sent you here with a login link. It would log this browser in as <strong>" +
         html_escape(user_name) +
         "</strong>. If you did not expect that, close this page: everything you write would go to that "
         "account.</p>\n<form method=\"post\" action=\"/login\">\n<input type=\"hidden\" name=\"token\" value=\"" +
         html_escape(token) + "\">\n<input type=\"hidden\" name=\"next\" value=\"" + html_escape(next) +
         "\">\n<button type=\"submit\">Log in to this runt server</button>\n</form>\n</body>\n</html>\n";
}

ArtifactType artifact_type(std::string_view stored) {
  static constexpr std::array<std::string_view, 14> kShown{
      "image/png",  "image/jpeg", "image/gif",     "image/webp",      "image/avif", "image/bmp",  "image/svg+xml",
      "text/plain", "text/csv",   "text/markdown", "text/html",       "text/latex", "application/json", "application/pdf"};
  const auto semicolon = stored.find(';');
  const std::string essence = lower(trim(stored.substr(0, semicolon)));
  const bool json_based = essence.starts_with("application/") && essence.ends_with("+json") &&
                          essence.find_first_of(" ,\"") == std::string::npos;
  if (std::find(kShown.begin(), kShown.end(), essence) == kShown.end() && !json_based)
    return {"application/octet-stream", true};
  std::string type = essence;
  // A charset is kept when it is a plain name; no other parameter is.
  for (std::string_view rest = semicolon == std::string_view::npos ? "" : stored.substr(semicolon + 1); !rest.empty();) {
    const auto next = rest.find(';');
    const std::string_view param = trim(rest.substr(0, next));
    const auto eq = param.find('=');
    if (eq != std::string_view::npos && lower(trim(param.substr(0, eq))) == "charset") {
      const std::string_view value = trim(param.substr(eq + 1));
      const bool plain = !value.empty() && value.size() <= 40 && std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      });
      if (plain) type += "; charset=" + std::string(value);
      break;
    }
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next + 1);
  }
  return {type, false};
}

std::string attachment(std::string_view title, std::string_view extension) {
  std::string ascii;
  for (const char c : title) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
                       c == '.' || c == '_' || c == '-' || c == '(' || c == ')';
    ascii.push_back(plain ? c : '_');
  }
  std::string_view name = trim(ascii);
  while (!name.empty() && name.front() == '.') name.remove_prefix(1);  // no hidden files
  const std::string base = name.empty() ? "notebook" : std::string(name);
  std::string full(title);
  if (trim(full).empty()) full = base;
  // filename for old clients, filename* (RFC 6266) for the title as it is.
  return "attachment; filename=\"" + base + std::string(extension) + "\"; filename*=UTF-8''" +
         percent_encode(full + std::string(extension));
}

bool is_form_content_type(std::string_view content_type) {
  const std::string type = lower(trim(content_type.substr(0, content_type.find(';'))));
  return type == "application/x-www-form-urlencoded" || type == "multipart/form-data" || type == "text/plain";
}

}  // namespace runt::serve::web
