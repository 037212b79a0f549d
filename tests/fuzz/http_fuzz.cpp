// HTTP requests as runt serve reads them: raw bytes through Beast's request parser with the
// server's body limit, then the helpers the server applies to a request's target and headers.
// Besides not crashing, each helper keeps its promise: an asset path never leaves the assets
// directory, a login redirect never leaves the server, a token survives its cookie.

#include "runt/serve/server.hpp"
#include "runt/serve/url.hpp"
#include "web.hpp"

#include <boost/beast/http.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

namespace http = boost::beast::http;
namespace serve = runt::serve;

void check(bool ok, const char* what, std::string_view text) {
  if (ok) return;
  std::fprintf(stderr, "http_fuzz: %s\ninput: %.*s\n", what, static_cast<int>(text.size()), text.data());
  std::abort();
}

void percent_decodings(std::string_view text) {
  for (const bool plus_is_space : {false, true}) {
    try {
      serve::percent_decode(text, plus_is_space);
    } catch (const std::invalid_argument&) {
    }
  }
  try {
    serve::decode_payload_parameter(text);
  } catch (const std::invalid_argument&) {
  }
}

void target_helpers(std::string_view target) {
  percent_decodings(target);
  try {
    const auto query = serve::parse_query(target);
    if (target.find('?') == std::string_view::npos) check(query.empty(), "parse_query finds a query in a path", target);
  } catch (const std::invalid_argument&) {
  }
  const std::string local = serve::web::local_path(target);
  check(local.starts_with('/') && !local.starts_with("//") && !local.starts_with("/\\"), "local_path leaves the server", local);
  const std::string next = serve::web::login_next(target);
  check(next == "/" || next == target, "login_next rewrites a path", next);
  check(next.starts_with('/') && !next.starts_with("//") && next.find('\\') == std::string::npos, "login_next leaves the server", next);
  if (const auto q = target.find('?'); q != std::string_view::npos) percent_decodings(target.substr(q + 1));
  if (const auto link = serve::web::token_link(target)) {
    const std::string& to = link->location;
    check(to.starts_with('/') && !to.starts_with("//") && !to.starts_with("/\\"), "token_link leaves the server", to);
  }
  if (target.starts_with("/assets/")) {
    const std::string_view relative = target.substr(8);
    if (serve::web::is_safe_asset_path(relative)) {
      const auto file = (std::filesystem::path("assets") / relative).lexically_normal();
      check(*file.begin() == "assets" && std::distance(file.begin(), file.end()) > 1 &&
                relative.find_first_of("%\\") == std::string_view::npos,
            "is_safe_asset_path lets this through", relative);
    }
  }
}

void header_helpers(const http::request<http::string_body>& request) {
  const std::string name = serve::web::cookie_name(8787);
  const std::string_view cookies = request[http::field::cookie];
  if (const auto session = serve::web::cookie_value(cookies, name)) {
    const std::string set_cookie = serve::web::session_cookie(name, *session);
    check(serve::web::cookie_value(set_cookie, name) == session, "a session id does not survive its cookie", set_cookie);
  }
  const auto artifact = serve::web::artifact_type(request[http::field::content_type]);
  check(artifact.download || artifact.content_type.find("script") == std::string::npos, "an artifact type that runs as script",
        artifact.content_type);
  serve::web::same_origin(request[http::field::origin], request[http::field::host]);
  serve::web::is_form_content_type(request[http::field::content_type]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  target_helpers(bytes);  // the helpers on any text, not only what a parser lets through

  http::request_parser<http::string_body> parser;
  static const std::uint64_t body_limit = serve::Options{}.max_upload_bytes;
  parser.body_limit(body_limit);
  boost::beast::error_code ec;
  std::string_view rest = bytes;
  while (!rest.empty() && !ec && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec == http::error::need_more) ec = {};
    if (used == 0) break;
    rest.remove_prefix(used);
  }
  if (!ec && !parser.is_done() && parser.need_eof()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;
  const auto& request = parser.get();
  target_helpers(request.target());
  header_helpers(request);
  return 0;
}
