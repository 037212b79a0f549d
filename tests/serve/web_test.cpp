// runt serve for browsers, against a real in-process server (real socket, SQLite) with a fake
// web UI in a temporary directory: token login and its cookie, pages and their security
// headers, static files, cookie auth on the API and the sync socket, .ipynb export and import.
#include "runt/auth/accounts.hpp"
#include "runt/schema/json.hpp"
#include "runt/schema/queries.hpp"
#include "runt/serve/server.hpp"
#include "runt/sync/client.hpp"

#include "run_until.hpp"
#include "server_thread.hpp"
#include "test_client.hpp"
#include "temp_dir.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <thread>
#include <tuple>

namespace runt::serve {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace fs = std::filesystem;
namespace events = schema::events;
using namespace std::chrono_literals;
using Response = http::response<http::string_body>;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kAppCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";
constexpr std::string_view kFrameCsp =
    "default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob: 'self'; font-src data:; frame-ancestors 'self'";
const std::string kToken = "operator-token";

void write_file(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

// runt serve (tests/support/server_thread.hpp) with a web UI directory of fake files.
class WebTest : public testing::Test {
 protected:
  void SetUp() override {
    write_file(web_ / "index.html", "<!doctype html><title>app</title>");
    write_file(web_ / "frame.html", "<!doctype html><title>frame</title>");
    write_file(web_ / "assets" / "app.js", "console.log('app')");
    write_file(web_ / "assets" / "app.css", "body{}");
    write_file(web_ / "assets" / "app.js.map", "{}");
    write_file(web_ / "assets" / "icon.svg", "<svg/>");
    write_file(web_ / "assets" / "font.woff2", "wOF2");
    write_file(web_ / "assets" / "img" / "logo.png", "PNG");
    write_file(web_ / "assets" / ".hidden", "hidden");
    write_file(web_ / "secret.txt", "SECRET-OUTSIDE-ASSETS");
    server_ = std::make_unique<runt::testing_support::ServerThread>(dir_.path() / "data", 0, kToken, web_);
    port_ = server_->port();
    host_ = "127.0.0.1:" + std::to_string(port_);
  }

  // One HTTP/1.1 request on a fresh connection, with Host set as a browser sets it.
  Response request(http::verb method, const std::string& target, const Headers& headers = {}, const std::string& body = "") {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, host_);
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    if (method == http::verb::head) parser.skip(true);
    http::read(stream, buffer, parser);
    return parser.release();
  }
  Response get(const std::string& target, const Headers& headers = {}) { return request(http::verb::get, target, headers); }
  std::string origin() const { return "http://" + host_; }

  // A sync socket's upgrade: the status it got (101 when it opened) and the refusal's body.
  struct Upgrade {
    unsigned status = 0;
    std::string body;
    std::string first_frame;  // the answer to a PullReq, when it opened
  };
  Upgrade upgrade(const std::string& target, const Headers& headers) {
    asio::io_context io;
    websocket::stream<beast::tcp_stream> ws(io);
    beast::get_lowest_layer(ws).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    ws.set_option(websocket::stream_base::decorator([&](websocket::request_type& r) {
      for (const auto& [name, value] : headers) r.set(name, value);
    }));
    websocket::response_type response;
    beast::error_code ec;
    ws.handshake(response, host_, target, ec);
    Upgrade out{response.result_int(), response.body(), ""};
    if (ec) return out;
    ws.write(asio::buffer(std::string(R"({"_tag":"WSMessage.PullReq","requestId":"p1"})")));
    beast::flat_buffer buffer;
    ws.read(buffer);
    out.first_frame = beast::buffers_to_string(buffer.data());
    ws.close(websocket::close_code::normal, ec);
    return out;
  }

  std::unique_ptr<sync::SyncClient> client(const std::string& name, const std::string& store) {
    return runt::testing_support::start_client(io_, "ws://" + host_ + "/livestore", store, kToken, name);
  }
  template <class F> bool run_until(F done, std::chrono::milliseconds limit = 10s) {
    return runt::testing_support::run_until(io_, done, limit);
  }
  std::string cookie_name() const { return "runt_token_" + std::to_string(port_); }  // per port
  // `name=value` of the cookie a login link with `token` sets (empty when it sets none).
  std::string log_in(const std::string& token, const Headers& headers = {}) {
    const std::string set_cookie(get("/?token=" + token, headers)[http::field::set_cookie]);
    return set_cookie.substr(0, set_cookie.find(';'));
  }
  // The operator's login, once per test.
  std::string cookie() {
    if (operator_cookie_.empty()) operator_cookie_ = log_in(kToken);
    return operator_cookie_;
  }
  std::string operator_cookie_;
  std::string api_key(const std::string& user) {
    auto accounts = runt::testing_support::ServerThread::accounts_for(dir_.path() / "data", kToken);
    return accounts.create_key(user);
  }
  void grant(const std::string& notebook, const std::string& user, auth::Role role) {
    auto accounts = runt::testing_support::ServerThread::accounts_for(dir_.path() / "data", kToken);
    accounts.grant(*accounts.authenticate(kToken), notebook, user, role);
  }
  std::int64_t head(const std::string& notebook) {
    const auto r = get("/api/notebooks/" + notebook, {{"Authorization", "Bearer " + kToken}});
    return schema::parse_json(r.body()).at("head").get<std::int64_t>();
  }
  // A notebook with a title and two cells, written by a sync client.
  void make_notebook(const std::string& id) {
    auto c = client("author", id);
    c->commit(events::NotebookTitleChanged{"Plots: é/2"});
    c->commit(events::CellCreatedV2{"c1", "a0", schema::CellType::code, "author"});
    c->commit(events::CellSourceChanged{"c1", "print(1)\n", "author"});
    c->commit(events::CellCreatedV2{"m1", "a5", schema::CellType::markdown, "author"});
    c->commit(events::CellSourceChanged{"m1", "# Title", "author"});
    ASSERT_TRUE(run_until([&] { return c->replica().synced() && c->replica().head() == 5; }));
    c->stop();
    io_.run_for(20ms);
    io_.restart();
  }

  runt::testing_support::TempDir dir_{"runt-web"};
  fs::path web_ = dir_.path() / "web-ui";
  std::unique_ptr<runt::testing_support::ServerThread> server_;
  std::uint16_t port_ = 0;
  std::string host_;
  asio::io_context io_;
};

std::string notebook_json(const std::vector<std::pair<std::string, std::string>>& cells) {  // (type, source)
  schema::Json list = schema::Json::array();
  for (const auto& [type, source] : cells) list.push_back({{"cell_type", type}, {"source", source}, {"metadata", schema::Json::object()}});
  return schema::Json{{"cells", list}, {"metadata", schema::Json::object()}, {"nbformat", 4}, {"nbformat_minor", 5}}.dump();
}

// ---- login

// A session id: 64 hex digits, and never the token itself.
bool is_session_cookie(const std::string& pair, const std::string& name, const std::string& token) {
  const std::string value = pair.substr(std::min(pair.size(), name.size() + 1));
  return pair.starts_with(name + "=") && value.size() == 64 && value.find_first_not_of("0123456789abcdef") == std::string::npos &&
         value != token;
}

TEST_F(WebTest, ATokenLinkSetsTheCookieAndRedirectsWithoutTheToken) {
  auto r = get("/n/nb1?token=" + kToken);
  EXPECT_EQ(r.result(), http::status::see_other);
  EXPECT_EQ(r[http::field::location], "/n/nb1");
  // The cookie holds a new session's id, not the token: browsers send cookies to every port of
  // a host, and a session can be ended without revoking the token.
  const std::string set_cookie(r[http::field::set_cookie]);
  const std::string pair = set_cookie.substr(0, set_cookie.find(';'));
  EXPECT_TRUE(is_session_cookie(pair, cookie_name(), kToken)) << set_cookie;
  EXPECT_EQ(set_cookie.substr(pair.size()), "; Path=/; Max-Age=2592000; HttpOnly; SameSite=Strict");
  EXPECT_EQ(set_cookie.find(kToken), std::string::npos);
  EXPECT_EQ(get("/", {{"Cookie", pair}}).result(), http::status::ok);
  EXPECT_EQ(schema::parse_json(get("/api/me", {{"Cookie", pair}}).body()).at("id"), "local");
  EXPECT_NE(log_in(kToken), pair);  // every login its own session
  EXPECT_EQ(r["Referrer-Policy"], "no-referrer");
  // Other parameters stay; the redirect never leaves this host.
  r = get("/n/nb1?a=1&token=" + kToken + "&b=2");
  EXPECT_EQ(r[http::field::location], "/n/nb1?a=1&b=2");
  r = get("//evil.example/x?token=" + kToken);
  EXPECT_EQ(r[http::field::location], "/evil.example/x");
  r = get("/\\evil.example?token=" + kToken);
  EXPECT_EQ(r[http::field::location], "/evil.example");
  r = get("http://evil.example/x?token=" + kToken);  // absolute-form target
  EXPECT_EQ(r[http::field::location], "/");
  // An API key logs its user in the same way.
  const std::string key = api_key("alice");
  const std::string alice = log_in(key);
  EXPECT_TRUE(is_session_cookie(alice, cookie_name(), key)) << alice;
  EXPECT_EQ(schema::parse_json(get("/api/me", {{"Cookie", alice}}).body()).at("id"), "alice");
}

TEST_F(WebTest, ACookieHoldingARawTokenLogsNoOneIn) {
  // What this server set before sessions: a stolen or stale cookie with a token is not honoured.
  for (const std::string& token : {kToken, api_key("alice")}) {
    const std::string old = cookie_name() + "=" + token;
    EXPECT_EQ(get("/", {{"Cookie", old}}).result(), http::status::unauthorized);
    EXPECT_EQ(get("/api/me", {{"Cookie", old}}).result(), http::status::unauthorized);
    EXPECT_EQ(upgrade("/livestore/websocket?storeId=nb1", {{"Cookie", old}, {"Origin", origin()}}).status, 400u);
  }
}

TEST_F(WebTest, OnlyANavigationLogsInWithATokenLink) {
  // A notebook can hold <img src="/?token=SOMEONE_ELSES_KEY">: that load must not log in.
  const std::string key = api_key("mallory");
  for (const std::string dest : {"image", "script", "iframe", "empty"}) {
    SCOPED_TRACE(dest);
    const auto r = get("/?token=" + key, {{"Sec-Fetch-Dest", dest}, {"Cookie", cookie()}});
    EXPECT_TRUE(r[http::field::set_cookie].empty());
    EXPECT_EQ(r.result(), http::status::ok);  // the reader's own login still serves the page
  }
  EXPECT_EQ(get("/?token=" + key, {{"Sec-Fetch-Dest", "image"}}).result(), http::status::unauthorized);
  const auto r = get("/?token=" + key, {{"Sec-Fetch-Dest", "document"}});
  EXPECT_EQ(r.result(), http::status::see_other);
  EXPECT_TRUE(r[http::field::set_cookie].starts_with(cookie_name() + "="));
}

TEST_F(WebTest, ALoginLinkFromAnotherSiteAsksBeforeLoggingIn) {
  // A link on another site (or another port of this host: same-site) must not log the reader
  // in to the link author's account: it gets a page with a button, and no cookie.
  const std::string key = api_key("mallory");
  for (const std::string site : {"cross-site", "same-site"}) {
    SCOPED_TRACE(site);
    const auto r = get("/n/nb1?x=1&token=" + key, {{"Sec-Fetch-Site", site}, {"Sec-Fetch-Dest", "document"}});
    EXPECT_EQ(r.result(), http::status::ok);
    EXPECT_TRUE(r[http::field::set_cookie].empty());
    EXPECT_EQ(r[http::field::content_type], "text/html; charset=utf-8");
    EXPECT_EQ(r["Content-Security-Policy"], kAppCsp);  // form-action 'self', no inline script, no framing
    EXPECT_EQ(r["Referrer-Policy"], "same-origin");  // so that the form's POST carries its Origin
    EXPECT_NE(r.body().find(R"(<form method="post" action="/login">)"), std::string::npos);
    EXPECT_NE(r.body().find(R"(<input type="hidden" name="token" value=")" + key + R"(">)"), std::string::npos);
    EXPECT_NE(r.body().find(R"(<input type="hidden" name="next" value="/n/nb1?x=1">)"), std::string::npos);
    EXPECT_NE(r.body().find("Log in to this runt server</button>"), std::string::npos);
    EXPECT_NE(r.body().find("<strong>mallory</strong>"), std::string::npos);  // whose account it is
    EXPECT_EQ(r.body().find("<script"), std::string::npos);
  }
  // Typed, bookmarked or opened from a terminal (none), from this server's pages, or not a browser.
  for (const std::string site : {"none", "same-origin", ""}) {
    SCOPED_TRACE(site);
    const auto r = get("/?token=" + key, site.empty() ? Headers{} : Headers{{"Sec-Fetch-Site", site}});
    EXPECT_EQ(r.result(), http::status::see_other);
    EXPECT_TRUE(r[http::field::set_cookie].starts_with(cookie_name() + "="));
  }
  // A bad token gets the login page, whatever the site.
  EXPECT_EQ(get("/?token=wrong", {{"Sec-Fetch-Site", "cross-site"}}).result(), http::status::unauthorized);
}

TEST_F(WebTest, TheLoginButtonLogsInFromThisServersPageOnly) {
  const std::string key = api_key("alice");
  const auto post = [&](const std::string& body, const Headers& headers) {
    Headers all{{"Content-Type", "application/x-www-form-urlencoded"}};
    all.insert(all.end(), headers.begin(), headers.end());
    return request(http::verb::post, "/login", all, body);
  };
  const std::string form = "token=" + key + "&next=%2Fn%2Fnb1%3Fx%3D1";
  for (const Headers& headers : std::vector<Headers>{{}, {{"Origin", "http://127.0.0.1:1"}}, {{"Origin", "http://evil.example"}}, {{"Origin", "null"}}}) {
    const auto r = post(form, headers);
    EXPECT_EQ(r.result(), http::status::forbidden);
    EXPECT_TRUE(r[http::field::set_cookie].empty());
    EXPECT_NE(r.body().find("Cross-site login refused"), std::string::npos);
  }
  auto r = post(form, {{"Origin", origin()}});
  EXPECT_EQ(r.result(), http::status::see_other);
  EXPECT_EQ(r[http::field::location], "/n/nb1?x=1");
  const std::string set_cookie(r[http::field::set_cookie]);
  const std::string pair = set_cookie.substr(0, set_cookie.find(';'));
  EXPECT_TRUE(is_session_cookie(pair, cookie_name(), key)) << set_cookie;
  EXPECT_EQ(schema::parse_json(get("/api/me", {{"Cookie", pair}}).body()).at("id"), "alice");
  // `next` stays on this server; a bad token logs no one in.
  EXPECT_EQ(post("token=" + key + "&next=%2F%2Fevil.example%2Fx", {{"Origin", origin()}})[http::field::location], "/");
  EXPECT_EQ(post("token=" + key, {{"Origin", origin()}})[http::field::location], "/");
  r = post("token=wrong&next=%2F", {{"Origin", origin()}});
  EXPECT_EQ(r.result(), http::status::unauthorized);
  EXPECT_TRUE(r[http::field::set_cookie].empty());
  EXPECT_EQ(post("token=%zz", {{"Origin", origin()}}).result(), http::status::bad_request);
}

// The login form (as Jupyter's): a password field POSTed to /login with where to go next.
class LoginFormTest : public WebTest {
 protected:
  Response post_login(const std::string& body, const Headers& extra = {}) {
    Headers headers{{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", origin()}, {"Sec-Fetch-Site", "same-origin"}};
    for (const auto& [name, value] : extra) {
      std::erase_if(headers, [&](const auto& h) { return h.first == name; });
      headers.emplace_back(name, value);
    }
    return request(http::verb::post, "/login", headers, body);
  }
  static std::string cookie_pair(const Response& r) {
    const std::string set_cookie(r[http::field::set_cookie]);
    return set_cookie.substr(0, set_cookie.find(';'));
  }
};

TEST_F(LoginFormTest, APageWithoutLoginShowsTheFormThatComesBackToIt) {
  const auto r = get("/n/nb1?x=1", {{"Sec-Fetch-Site", "none"}, {"Sec-Fetch-Dest", "document"}});
  EXPECT_EQ(r.result(), http::status::unauthorized);
  EXPECT_NE(r.body().find(R"(<form method="post" action="/login">)"), std::string::npos);
  EXPECT_NE(r.body().find(R"(<label for="token">Token or API key</label>)"), std::string::npos);
  EXPECT_NE(r.body().find(R"(<input type="password" id="token" name="token")"), std::string::npos);
  EXPECT_NE(r.body().find(R"(<input type="hidden" name="next" value="/n/nb1?x=1">)"), std::string::npos);
  EXPECT_EQ(r.body().find("<script"), std::string::npos);  // works without JavaScript
  EXPECT_EQ(r.body().find("http"), std::string::npos);      // no external resources
  // A token carried by a non-navigation (an <img>) is not kept in `next`.
  const auto img = get("/n/nb1?token=" + kToken + "&x=1", {{"Sec-Fetch-Dest", "image"}});
  EXPECT_EQ(img.body().find(kToken), std::string::npos);
  EXPECT_NE(img.body().find(R"(name="next" value="/n/nb1?x=1")"), std::string::npos);
}

TEST_F(LoginFormTest, AGoodTokenSetsTheCookieAndGoesToNext) {
  const auto r = post_login("token=" + kToken + "&next=%2Fn%2Fnb1%3Fx%3D1");
  EXPECT_EQ(r.result(), http::status::see_other);
  EXPECT_EQ(r[http::field::location], "/n/nb1?x=1");
  const std::string pair = cookie_pair(r);
  EXPECT_TRUE(is_session_cookie(pair, cookie_name(), kToken)) << pair;
  EXPECT_EQ(r[http::field::set_cookie].find(kToken), std::string::npos);
  EXPECT_EQ(r[http::field::location].find(kToken), std::string::npos);
  EXPECT_EQ(get("/n/nb1", {{"Cookie", pair}}).result(), http::status::ok);
  EXPECT_EQ(schema::parse_json(get("/api/me", {{"Cookie", pair}}).body()).at("id"), "local");
}

TEST_F(LoginFormTest, AnApiKeyLogsInAsItsUser) {
  const auto r = post_login("token=" + api_key("alice") + "&next=%2F");
  EXPECT_EQ(r.result(), http::status::see_other);
  EXPECT_EQ(schema::parse_json(get("/api/me", {{"Cookie", cookie_pair(r)}}).body()).at("id"), "alice");
}

TEST_F(LoginFormTest, AWrongTokenShowsTheFormAgainAndSetsNothing) {
  const auto r = post_login("token=wrong&next=%2Fn%2Fnb1");
  EXPECT_EQ(r.result(), http::status::unauthorized);
  EXPECT_TRUE(r[http::field::set_cookie].empty());
  EXPECT_EQ(r[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_NE(r.body().find("That token is not valid."), std::string::npos);
  EXPECT_NE(r.body().find(R"(<input type="hidden" name="next" value="/n/nb1">)"), std::string::npos);
  EXPECT_EQ(r.body().find("wrong"), std::string::npos);  // the typed token is not echoed
  EXPECT_EQ(post_login("next=%2F").result(), http::status::unauthorized);  // no token at all
}

TEST_F(LoginFormTest, NextStaysOnThisServer) {
  for (const std::string next : {"%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "%2F%5Cevil.example", "evil", "",
                                 "%2F%2F%2Fevil.example", "javascript%3Aalert(1)"}) {
    SCOPED_TRACE(next);
    const auto r = post_login("token=" + kToken + "&next=" + next);
    EXPECT_EQ(r.result(), http::status::see_other);
    EXPECT_EQ(r[http::field::location], "/");
  }
  EXPECT_EQ(post_login("token=" + kToken + "&next=%2Fn%2Fa%2Fb")[http::field::location], "/n/a/b");
}

TEST_F(LoginFormTest, OnlyThisServersOwnPageMayPostIt) {
  const std::string form = "token=" + kToken + "&next=%2F";
  // Another site's page (or another port's), and a form that sends multipart or text/plain:
  // only this server's own page, urlencoded, logs in.
  const std::vector<std::pair<std::pair<std::string, std::string>, http::status>> refused{
      {{"Sec-Fetch-Site", "cross-site"}, http::status::forbidden},
      {{"Sec-Fetch-Site", "same-site"}, http::status::forbidden},
      {{"Sec-Fetch-Site", "none"}, http::status::forbidden},
      {{"Origin", "http://evil.example"}, http::status::forbidden},
      {{"Content-Type", "text/plain"}, http::status::unsupported_media_type},
      {{"Content-Type", "multipart/form-data; boundary=x"}, http::status::unsupported_media_type},
      {{"Content-Type", "application/json"}, http::status::unsupported_media_type},
  };
  for (const auto& [header, status] : refused) {
    SCOPED_TRACE(header.first + ": " + header.second);
    const auto r = post_login(form, {header});
    EXPECT_EQ(r.result(), status);
    EXPECT_TRUE(r[http::field::set_cookie].empty());
  }
  EXPECT_EQ(post_login(form, {{"Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"}}).result(), http::status::see_other);
}

TEST_F(WebTest, ALoginSurvivesARestartOfTheServer) {
  const std::string session = cookie();
  ASSERT_FALSE(session.empty());
  server_.reset();
  server_ = std::make_unique<runt::testing_support::ServerThread>(dir_.path() / "data", port_, kToken, web_);
  ASSERT_EQ(server_->port(), port_);  // the cookie is named after the port
  EXPECT_EQ(get("/", {{"Cookie", session}}).result(), http::status::ok);
  EXPECT_EQ(schema::parse_json(get("/api/me", {{"Cookie", session}}).body()).at("id"), "local");
  // Restarted with another server token, the old token's logins end.
  server_.reset();
  server_ = std::make_unique<runt::testing_support::ServerThread>(dir_.path() / "data", port_, "new-token", web_);
  EXPECT_EQ(get("/", {{"Cookie", session}}).result(), http::status::unauthorized);
}

TEST_F(WebTest, RevokingAUsersKeysEndsTheirLogins) {
  const std::string alice = log_in(api_key("alice")), bob = log_in(api_key("bob"));
  ASSERT_EQ(get("/api/me", {{"Cookie", alice}}).result(), http::status::ok);
  {
    auto accounts = runt::testing_support::ServerThread::accounts_for(dir_.path() / "data");  // as `runt token revoke`
    EXPECT_EQ(accounts.revoke_keys("alice"), 1);
  }
  EXPECT_EQ(get("/api/me", {{"Cookie", alice}}).result(), http::status::unauthorized);
  EXPECT_EQ(get("/", {{"Cookie", alice}}).result(), http::status::unauthorized);
  EXPECT_EQ(upgrade("/livestore/websocket?storeId=nb1", {{"Cookie", alice}, {"Origin", origin()}}).status, 400u);
  EXPECT_EQ(get("/api/me", {{"Cookie", bob}}).result(), http::status::ok);
}

TEST_F(WebTest, LogoutEndsThisBrowsersLoginOnly) {
  const std::string key = api_key("alice");
  const std::string here = log_in(key), elsewhere = log_in(key);
  // Like every change by cookie: from this server's pages only, and not as a form.
  EXPECT_EQ(request(http::verb::post, "/api/logout", {{"Cookie", here}}).result(), http::status::forbidden);
  EXPECT_EQ(request(http::verb::post, "/api/logout", {{"Cookie", here}, {"Origin", "http://evil.example"}}).result(),
            http::status::forbidden);
  EXPECT_EQ(request(http::verb::post, "/api/logout", {{"Cookie", here}, {"Origin", origin()}, {"Content-Type", "text/plain"}}).result(),
            http::status::unsupported_media_type);
  EXPECT_EQ(get("/api/logout", {{"Cookie", here}}).result(), http::status::method_not_allowed);
  EXPECT_EQ(get("/api/me", {{"Cookie", here}}).result(), http::status::ok);

  const auto r = request(http::verb::post, "/api/logout", {{"Cookie", here}, {"Origin", origin()}});
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(r[http::field::set_cookie], cookie_name() + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  EXPECT_EQ(get("/api/me", {{"Cookie", here}}).result(), http::status::unauthorized);
  EXPECT_EQ(get("/", {{"Cookie", here}}).result(), http::status::unauthorized);
  EXPECT_EQ(get("/api/me", {{"Cookie", elsewhere}}).result(), http::status::ok);
  // A token is no browser login: it is revoked with runt token revoke.
  EXPECT_EQ(request(http::verb::post, "/api/logout", {{"Authorization", "Bearer " + key}}).result(), http::status::bad_request);
  EXPECT_EQ(get("/api/me", {{"Authorization", "Bearer " + key}}).result(), http::status::ok);
}

TEST_F(WebTest, APageWithoutLoginIs401WithTheAppsSecurityHeaders) {
  for (const std::string target : {"/", "/n/nb1", "/?token=wrong", "/frame.html"}) {
    SCOPED_TRACE(target);
    const auto r = get(target);
    EXPECT_EQ(r.result(), http::status::unauthorized);
    EXPECT_EQ(r[http::field::content_type], "text/html; charset=utf-8");
    EXPECT_EQ(r["Content-Security-Policy"], kAppCsp);
    EXPECT_EQ(r["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(r["Referrer-Policy"], "same-origin");  // so that the form's POST carries its Origin
    EXPECT_TRUE(r[http::field::set_cookie].empty());
    EXPECT_NE(r.body().find("runt up"), std::string::npos);
    EXPECT_NE(r.body().find("?token="), std::string::npos);
  }
  EXPECT_EQ(get("/", {{"Cookie", cookie_name() + "=wrong"}}).result(), http::status::unauthorized);
  // Another port's login (another runt server on this machine) is not this server's.
  EXPECT_EQ(get("/", {{"Cookie", "runt_token_1=" + kToken}}).result(), http::status::unauthorized);
  EXPECT_NE(get("/?token=wrong").body().find("not valid"), std::string::npos);
}

TEST_F(WebTest, TheCookieGivesTheAppForEveryPagePath) {
  for (const std::string target : {"/", "/n/nb1", "/n/nb1?x=1", "/anything/else", "/index.html"}) {
    SCOPED_TRACE(target);
    const auto r = get(target, {{"Cookie", "theme=dark; " + cookie() + "; other=1"}});
    EXPECT_EQ(r.result(), http::status::ok);
    EXPECT_EQ(r.body(), "<!doctype html><title>app</title>");
    EXPECT_EQ(r[http::field::content_type], "text/html; charset=utf-8");
    EXPECT_EQ(r["Content-Security-Policy"], kAppCsp);
    EXPECT_EQ(r["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(r["Referrer-Policy"], "no-referrer");
  }
  // A bearer token works too; other methods do not.
  EXPECT_EQ(get("/", {{"Authorization", "Bearer " + kToken}}).result(), http::status::ok);
  EXPECT_EQ(request(http::verb::post, "/", {{"Cookie", cookie()}}).result(), http::status::method_not_allowed);
  const auto head = request(http::verb::head, "/", {{"Cookie", cookie()}});
  EXPECT_EQ(head.result(), http::status::ok);
  EXPECT_EQ(head[http::field::content_length], "33");
}

TEST_F(WebTest, FrameHtmlHasItsOwnSandboxPolicy) {
  const auto r = get("/frame.html", {{"Cookie", cookie()}});
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(r.body(), "<!doctype html><title>frame</title>");
  EXPECT_EQ(r["Content-Security-Policy"], kFrameCsp);
  EXPECT_EQ(r["X-Content-Type-Options"], "nosniff");
}

// ---- static files

TEST_F(WebTest, AssetsAreServedWithTheirTypes) {
  const std::vector<std::pair<std::string, std::string>> expected{
      {"app.js", "text/javascript; charset=utf-8"}, {"app.css", "text/css; charset=utf-8"},
      {"app.js.map", "application/json; charset=utf-8"}, {"icon.svg", "image/svg+xml"},
      {"font.woff2", "font/woff2"}, {"img/logo.png", "image/png"}};
  for (const auto& [file, type] : expected) {
    SCOPED_TRACE(file);
    const auto r = get("/assets/" + file, {{"Cookie", cookie()}});
    EXPECT_EQ(r.result(), http::status::ok);
    EXPECT_EQ(r[http::field::content_type], type);
    EXPECT_EQ(r[http::field::cache_control], "no-cache");
    EXPECT_EQ(r["X-Content-Type-Options"], "nosniff");
  }
  auto r = get("/assets/app.js", {{"Cookie", cookie()}});
  EXPECT_EQ(r.body(), "console.log('app')");
  // Revalidation: the same file answers 304 to its ETag.
  const std::string etag(r[http::field::etag]);
  ASSERT_FALSE(etag.empty());
  r = get("/assets/app.js", {{"Cookie", cookie()}, {"If-None-Match", etag}});
  EXPECT_EQ(r.result(), http::status::not_modified);
  EXPECT_TRUE(r.body().empty());
  // Without a login, nothing; a file that is not there, 404.
  EXPECT_EQ(get("/assets/app.js").result(), http::status::unauthorized);
  EXPECT_EQ(get("/assets/nope.js", {{"Cookie", cookie()}}).result(), http::status::not_found);
}

TEST_F(WebTest, NoPathLeavesTheAssetsDirectory) {
  for (const std::string target :
       {"/assets/../secret.txt", "/assets/%2e%2e/secret.txt", "/assets/..%2fsecret.txt", "/assets/%2E%2E%2Fsecret.txt",
        "/assets/img/../../secret.txt", "/assets/..\\secret.txt", "/assets//secret.txt", "/assets/%2fetc%2fpasswd",
        "/assets/.hidden", "/assets/img/", "/assets/", "/assets/img"}) {
    SCOPED_TRACE(target);
    const auto r = get(target, {{"Cookie", cookie()}});
    EXPECT_EQ(r.result(), http::status::not_found);
    EXPECT_EQ(r.body().find("SECRET"), std::string::npos);
    EXPECT_EQ(r.body().find("hidden"), std::string::npos);
  }
}

// ---- cookie auth on the API and the sync socket

TEST_F(WebTest, TheApiAndArtifactsAcceptTheCookie) {
  EXPECT_EQ(get("/api/health").result(), http::status::ok);
  auto r = get("/api/me", {{"Cookie", cookie()}});
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(schema::parse_json(r.body()).at("id"), "local");
  EXPECT_EQ(get("/api/me").result(), http::status::unauthorized);
  EXPECT_EQ(get("/api/me", {{"Cookie", cookie_name() + "=wrong"}}).result(), http::status::unauthorized);

  r = request(http::verb::post, "/api/notebooks", {{"Authorization", "Bearer " + kToken}}, R"({"id":"nb1"})");
  ASSERT_EQ(r.result(), http::status::created);
  r = request(http::verb::post, "/api/artifacts",
              {{"Authorization", "Bearer " + kToken}, {"x-notebook-id", "nb1"}, {"Content-Type", "image/png"}}, "PNGDATA");
  ASSERT_EQ(r.result(), http::status::ok);
  const std::string artifact = schema::parse_json(r.body()).at("artifactId").get<std::string>();
  // What an <img src> in the app sends: the cookie, no Origin.
  r = get("/api/artifacts/" + artifact, {{"Cookie", cookie()}});
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(r.body(), "PNGDATA");
  EXPECT_EQ(r[http::field::content_type], "image/png");
}

TEST_F(WebTest, ChangesByCookieMustComeFromThisServersPages) {
  const auto create = [&](const std::string& id, Headers headers) {
    return request(http::verb::post, "/api/notebooks", headers, R"({"id":")" + id + R"("})");
  };
  auto r = create("a", {{"Cookie", cookie()}});
  EXPECT_EQ(r.result(), http::status::forbidden);
  EXPECT_NE(r.body().find("Cross-site request refused"), std::string::npos);
  EXPECT_EQ(create("b", {{"Cookie", cookie()}, {"Origin", "http://127.0.0.1:1"}}).result(), http::status::forbidden);
  EXPECT_EQ(create("c", {{"Cookie", cookie()}, {"Origin", "http://evil.example"}}).result(), http::status::forbidden);
  EXPECT_EQ(create("d", {{"Cookie", cookie()}, {"Origin", "null"}}).result(), http::status::forbidden);
  EXPECT_EQ(create("e", {{"Cookie", cookie()}, {"Origin", origin()}}).result(), http::status::created);
  // What an HTML form can send is refused even from this origin (a form planted in content).
  for (const std::string type : {"text/plain", "application/x-www-form-urlencoded", "Multipart/Form-Data; boundary=x", " text/plain ;charset=utf-8"}) {
    SCOPED_TRACE(type);
    r = create("g", {{"Cookie", cookie()}, {"Origin", origin()}, {"Content-Type", type}});
    EXPECT_EQ(r.result(), http::status::unsupported_media_type);
    EXPECT_NE(r.body().find("form submissions are not accepted"), std::string::npos);
  }
  EXPECT_EQ(create("h", {{"Cookie", cookie()}, {"Origin", origin()}, {"Content-Type", "application/json; charset=utf-8"}}).result(),
            http::status::created);
  // A bearer token needs no Origin: no browser sends one on its own.
  EXPECT_EQ(create("f", {{"Authorization", "Bearer " + kToken}}).result(), http::status::created);
  r = get("/api/notebooks", {{"Authorization", "Bearer " + kToken}});
  std::set<std::string> ids;
  for (const auto& n : schema::parse_json(r.body())) ids.insert(n.at("id").get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"e", "f", "h"}));
}

TEST_F(WebTest, TheSyncSocketTakesTheCookieFromThisServersPagesOnly) {
  const std::string no_token = "/livestore/websocket?storeId=nb1";
  const std::string empty_payload = "/livestore/websocket?storeId=nb1&payload=%257B%257D";  // {}
  auto u = upgrade(no_token, {{"Cookie", cookie()}, {"Origin", origin()}});
  EXPECT_EQ(u.status, 101u);
  EXPECT_NE(u.first_frame.find("WSMessage.PullRes"), std::string::npos);
  EXPECT_EQ(upgrade(empty_payload, {{"Cookie", cookie()}, {"Origin", origin()}}).status, 101u);

  u = upgrade(no_token, {{"Cookie", cookie()}, {"Origin", "http://127.0.0.1:1"}});
  EXPECT_EQ(u.status, 403u);
  EXPECT_NE(u.body.find("Cross-site request refused"), std::string::npos);
  EXPECT_EQ(upgrade(no_token, {{"Cookie", cookie()}}).status, 403u);  // no Origin

  // Without a cookie, as before: the payload's token is required.
  u = upgrade(no_token, {{"Origin", origin()}});
  EXPECT_EQ(u.status, 400u);
  EXPECT_NE(u.body.find("authToken is missing"), std::string::npos);
  EXPECT_EQ(upgrade(no_token, {{"Cookie", cookie_name() + "=wrong"}, {"Origin", origin()}}).status, 400u);
  // A token in the payload wins over the cookie and needs no Origin.
  const std::string bad_payload = "/livestore/websocket?storeId=nb1&payload=%257B%2522authToken%2522%253A%2522x%2522%257D";
  u = upgrade(bad_payload, {{"Cookie", cookie()}, {"Origin", origin()}});
  EXPECT_EQ(u.status, 400u);
  EXPECT_EQ(u.body, "Invalid auth token");
  const std::string good_payload = "/livestore/websocket?storeId=nb1&payload=%257B%2522authToken%2522%253A%2522operator-token%2522%257D";
  EXPECT_EQ(upgrade(good_payload, {}).status, 101u);
}

// ---- someone else's notebook, unknown users, artifacts

TEST_F(WebTest, ANotebookYouCannotReadAnswersAsOneThatDoesNotExist) {
  const std::string alice = api_key("alice"), bob = api_key("bob");
  const Headers as_alice{{"Authorization", "Bearer " + alice}}, as_bob{{"Authorization", "Bearer " + bob}};
  ASSERT_EQ(request(http::verb::post, "/api/notebooks", as_alice, R"({"id":"hers"})").result(), http::status::created);
  auto r = request(http::verb::post, "/api/artifacts", {as_alice[0], {"x-notebook-id", "hers"}, {"Content-Type", "image/png"}}, "PNG");
  const std::string hash = schema::parse_json(r.body()).at("artifactId").get<std::string>().substr(5);

  // Each call on alice's notebook answers bob exactly as on a notebook that does not exist.
  struct Call {
    http::verb method;
    std::string target;
    std::string body;
    Headers headers;
  };
  const auto calls = [&](const std::string& id) {
    return std::vector<Call>{
        {http::verb::get, "/api/notebooks/" + id, "", {}},
        {http::verb::get, "/api/notebooks/" + id + "/events", "", {}},
        {http::verb::get, "/api/notebooks/" + id + "/ipynb", "", {}},
        {http::verb::post, "/api/notebooks/" + id + "/ipynb", notebook_json({{"code", "1"}}), {}},
        {http::verb::post, "/api/notebooks/" + id + "/access", R"({"userId":"bob","role":"writer"})", {}},
        {http::verb::post, "/api/artifacts", "JS", {{"x-notebook-id", id}, {"Content-Type", "text/plain"}}},
        {http::verb::get, "/api/artifacts/" + id + "/" + hash, "", {}},
    };
  };
  const auto hers = calls("hers"), missing = calls("nothere");
  for (std::size_t i = 0; i < hers.size(); ++i) {
    SCOPED_TRACE(hers[i].target);
    Headers headers = as_bob;
    headers.insert(headers.end(), hers[i].headers.begin(), hers[i].headers.end());
    const auto theirs = request(hers[i].method, hers[i].target, headers, hers[i].body);
    headers = as_bob;
    headers.insert(headers.end(), missing[i].headers.begin(), missing[i].headers.end());
    const auto none = request(missing[i].method, missing[i].target, headers, missing[i].body);
    EXPECT_EQ(theirs.result(), http::status::not_found);
    EXPECT_EQ(none.result(), http::status::not_found);
    std::string body = theirs.body();
    for (auto at = body.find("hers"); at != std::string::npos; at = body.find("hers")) body.replace(at, 4, "nothere");
    EXPECT_EQ(body, none.body());
  }
  // Creating it: 404 for someone who cannot see it (409 would say it exists).
  r = request(http::verb::post, "/api/notebooks", as_bob, R"({"id":"hers"})");
  EXPECT_EQ(r.result(), http::status::not_found);
  EXPECT_EQ(r.body(), R"({"error":"No notebook hers you can use"})");
  // The sync socket: 404 too (an id no one has is created for its opener, as before).
  const std::string payload = "&payload=%257B%2522authToken%2522%253A%2522" + bob + "%2522%257D";
  auto u = upgrade("/livestore/websocket?storeId=hers" + payload, {});
  EXPECT_EQ(u.status, 404u);
  EXPECT_EQ(u.body, "No notebook hers");
  EXPECT_EQ(upgrade("/livestore/websocket?storeId=bobs-own" + payload, {}).status, 101u);

  // A reader sees it: 409 for its id, and 403 for what readers may not do.
  grant("hers", "bob", auth::Role::reader);
  EXPECT_EQ(request(http::verb::post, "/api/notebooks", as_bob, R"({"id":"hers"})").result(), http::status::conflict);
  EXPECT_EQ(request(http::verb::post, "/api/artifacts", {as_bob[0], {"x-notebook-id", "hers"}}, "x").result(), http::status::forbidden);
  EXPECT_EQ(request(http::verb::post, "/api/notebooks/hers/access", as_bob, R"({"userId":"bob","role":"writer"})").result(),
            http::status::forbidden);
  EXPECT_EQ(upgrade("/livestore/websocket?storeId=hers" + payload, {}).status, 101u);
  EXPECT_EQ(request(http::verb::post, "/api/artifacts", {as_bob[0], {"x-notebook-id", "a/b"}}, "x").result(), http::status::bad_request);
}

TEST_F(WebTest, GrantingAnswersTheSameForUsersWhoDoNotExist) {
  const std::string alice = api_key("alice");
  api_key("bob");
  const Headers as_alice{{"Authorization", "Bearer " + alice}};
  ASSERT_EQ(request(http::verb::post, "/api/notebooks", as_alice, R"({"id":"nb"})").result(), http::status::created);
  const auto grant_to = [&](const std::string& user, const std::string& role) {
    return request(http::verb::post, "/api/notebooks/nb/access", as_alice, R"({"userId":")" + user + R"(","role":")" + role + R"("})");
  };
  for (const std::string role : {"reader", "writer", "none"}) {
    SCOPED_TRACE(role);
    const auto known = grant_to("bob", role), unknown = grant_to("bot", role);
    EXPECT_EQ(known.result(), http::status::ok);
    EXPECT_EQ(unknown.result(), known.result());
    EXPECT_EQ(unknown.body(), R"({"notebookId":"nb","userId":"bot","role":")" + role + R"("})");
    EXPECT_EQ(known.body(), R"({"notebookId":"nb","userId":"bob","role":")" + role + R"("})");
  }
  // The grant waits for its user: created later, they have it.
  EXPECT_EQ(grant_to("carol", "writer").result(), http::status::ok);
  const std::string carol = api_key("carol");
  const auto r = get("/api/notebooks/nb", {{"Authorization", "Bearer " + carol}});
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(schema::parse_json(r.body()).at("role"), "writer");
  // Names no user can have are refused as such, whoever asks.
  EXPECT_EQ(grant_to("a b", "reader").result(), http::status::bad_request);
  EXPECT_EQ(grant_to("local", "reader").result(), http::status::bad_request);
}

TEST_F(WebTest, ArtifactsThatCouldRunAsScriptAreDownloads) {
  ASSERT_EQ(request(http::verb::post, "/api/notebooks", {{"Authorization", "Bearer " + kToken}}, R"({"id":"nb1"})").result(),
            http::status::created);
  const auto upload = [&](const std::string& type, const std::string& body) {
    const auto r = request(http::verb::post, "/api/artifacts",
                           {{"Authorization", "Bearer " + kToken}, {"x-notebook-id", "nb1"}, {"Content-Type", type}}, body);
    EXPECT_EQ(r.result(), http::status::ok) << r.body();
    return get("/api/artifacts/" + schema::parse_json(r.body()).at("artifactId").get<std::string>(), {{"Cookie", cookie()}});
  };
  // (uploaded as, served as, a download?)
  const std::vector<std::tuple<std::string, std::string, bool>> cases{
      {"text/javascript", "application/octet-stream", true},
      {"application/javascript; charset=utf-8", "application/octet-stream", true},
      {"application/ecmascript", "application/octet-stream", true},
      {"application/wasm", "application/octet-stream", true},
      {"application/xml", "application/octet-stream", true},
      {"application/x-unknown", "application/octet-stream", true},
      {"text/plain, text/javascript", "application/octet-stream", true},  // browsers would take the last
      {"image/png", "image/png", false},
      {"IMAGE/JPEG", "image/jpeg", false},
      {"image/svg+xml", "image/svg+xml", false},
      {"text/html; charset=utf-8", "text/html; charset=utf-8", false},
      {"text/plain;charset=\",text/javascript", "text/plain", false},
      {"text/csv", "text/csv", false},
      {"application/json", "application/json", false},
      {"application/vnd.plotly.v1+json", "application/vnd.plotly.v1+json", false},
      {"application/pdf", "application/pdf", false},
  };
  int n = 0;
  for (const auto& [uploaded, served, download] : cases) {
    SCOPED_TRACE(uploaded);
    const auto r = upload(uploaded, "artifact " + std::to_string(n++));
    EXPECT_EQ(r.result(), http::status::ok);
    EXPECT_EQ(r[http::field::content_type], served);
    EXPECT_EQ(r[http::field::content_disposition], download ? "attachment" : "");
    EXPECT_EQ(r["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(r["Cross-Origin-Resource-Policy"], "same-origin");
    EXPECT_EQ(r["Content-Security-Policy"], "sandbox");
  }
}

// ---- .ipynb

TEST_F(WebTest, ExportGivesTheNotebookAsIpynb) {
  make_notebook("nb1");
  const auto r = get("/api/notebooks/nb1/ipynb", {{"Cookie", cookie()}});
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  EXPECT_EQ(r[http::field::content_type], "application/x-ipynb+json");
  EXPECT_EQ(r[http::field::content_disposition],
            "attachment; filename=\"Plots_ ___2.ipynb\"; filename*=UTF-8''Plots%3A%20%C3%A9%2F2.ipynb");
  const auto doc = schema::parse_json(r.body());
  EXPECT_EQ(doc.at("nbformat"), 4);
  ASSERT_EQ(doc.at("cells").size(), 2u);
  EXPECT_EQ(doc["cells"][0]["cell_type"], "code");
  EXPECT_EQ(doc["cells"][0]["source"], "print(1)\n");
  EXPECT_EQ(doc["cells"][1]["cell_type"], "markdown");
  EXPECT_EQ(doc["metadata"]["runt"]["title"], "Plots: é/2");
  // Readers may export; someone without access finds nothing.
  const std::string reader = api_key("reader"), stranger = api_key("stranger");
  grant("nb1", "reader", auth::Role::reader);
  EXPECT_EQ(get("/api/notebooks/nb1/ipynb", {{"Authorization", "Bearer " + reader}}).result(), http::status::ok);
  EXPECT_EQ(get("/api/notebooks/nb1/ipynb", {{"Authorization", "Bearer " + stranger}}).result(), http::status::not_found);
  EXPECT_EQ(get("/api/notebooks/nope/ipynb", {{"Cookie", cookie()}}).result(), http::status::not_found);
}

TEST_F(WebTest, ImportAppendsCellsThatOpenClientsReceiveAtOnce) {
  make_notebook("nb1");
  auto watcher = client("watcher", "nb1");
  ASSERT_TRUE(run_until([&] { return watcher->replica().synced() && watcher->replica().head() == 5; }));
  // The first cell's id is taken in the notebook: it must get a new one.
  auto doc = schema::parse_json(notebook_json({{"code", "x = 1"}, {"markdown", "## more"}, {"code", ""}}));
  doc["cells"][0]["id"] = "c1";
  const auto r = request(http::verb::post, "/api/notebooks/nb1/ipynb", {{"Cookie", cookie()}, {"Origin", origin()}}, doc.dump());
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  EXPECT_EQ(schema::parse_json(r.body()), (schema::Json{{"imported", 3}}));
  // Durable before the answer: the log has them already (3 cells, 2 sources).
  EXPECT_EQ(head("nb1"), 10);
  // The open client gets them as a broadcast, without pulling.
  ASSERT_TRUE(run_until([&] { return watcher->replica().head() == 10; }));
  const auto cells = schema::cells_in_order(watcher->replica().state());
  ASSERT_EQ(cells.size(), 5u);
  EXPECT_EQ(cells[0]->id, "c1");
  EXPECT_EQ(cells[0]->source, "print(1)\n");
  EXPECT_EQ(cells[1]->id, "m1");
  EXPECT_NE(cells[2]->id, "c1");
  EXPECT_EQ(cells[2]->source, "x = 1");
  EXPECT_EQ(cells[3]->cellType, schema::CellType::markdown);
  EXPECT_EQ(cells[3]->source, "## more");
  EXPECT_EQ(cells[4]->source, "");
  // The client can go on writing after them.
  watcher->commit(events::CellSourceChanged{cells[4]->id, "y = 2", "watcher"});
  ASSERT_TRUE(run_until([&] { return watcher->replica().synced() && watcher->replica().head() == 11; }));

  // An export shows them in that order.
  const auto exported = schema::parse_json(get("/api/notebooks/nb1/ipynb", {{"Cookie", cookie()}}).body());
  ASSERT_EQ(exported["cells"].size(), 5u);
  EXPECT_EQ(exported["cells"][2]["source"], "x = 1");
  EXPECT_EQ(exported["cells"][4]["source"], "y = 2");
}

TEST_F(WebTest, ALongImportIntoAnEmptyNotebookComesInOrder) {
  ASSERT_EQ(request(http::verb::post, "/api/notebooks", {{"Authorization", "Bearer " + kToken}}, R"({"id":"nb2"})").result(),
            http::status::created);
  auto watcher = client("watcher", "nb2");
  ASSERT_TRUE(run_until([&] { return watcher->replica().synced(); }));
  std::vector<std::pair<std::string, std::string>> cells;
  for (int i = 0; i < 120; ++i) cells.emplace_back("code", "cell " + std::to_string(i));
  const auto r = request(http::verb::post, "/api/notebooks/nb2/ipynb", {{"Authorization", "Bearer " + kToken}}, notebook_json(cells));
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  ASSERT_TRUE(run_until([&] { return watcher->replica().head() == 240; }));
  const auto in_order = schema::cells_in_order(watcher->replica().state());
  ASSERT_EQ(in_order.size(), 120u);
  for (int i = 0; i < 120; ++i) EXPECT_EQ(in_order[i]->source, "cell " + std::to_string(i));
}

TEST_F(WebTest, ABadImportChangesNothing) {
  make_notebook("nb1");
  const Headers auth{{"Authorization", "Bearer " + kToken}};
  for (const std::string body : {"not json", "[]", R"({"cells":[]})", R"({"nbformat":4})",
                                 R"({"nbformat":4,"cells":[{"cell_type":"weird","source":""}]})",
                                 R"({"nbformat":4,"cells":[{"cell_type":"code","source":[1]}]})"}) {
    SCOPED_TRACE(body);
    const auto r = request(http::verb::post, "/api/notebooks/nb1/ipynb", auth, body);
    EXPECT_EQ(r.result(), http::status::bad_request);
    EXPECT_NE(r.body().find("Not a notebook"), std::string::npos) << r.body();
  }
  EXPECT_EQ(head("nb1"), 5);
  // Readers may not import; a notebook one cannot see does not exist; no cookie without Origin.
  const std::string reader = api_key("reader");
  grant("nb1", "reader", auth::Role::reader);
  const std::string good = notebook_json({{"code", "1"}});
  EXPECT_EQ(request(http::verb::post, "/api/notebooks/nb1/ipynb", {{"Authorization", "Bearer " + reader}}, good).result(),
            http::status::forbidden);
  EXPECT_EQ(request(http::verb::post, "/api/notebooks/nope/ipynb", auth, good).result(), http::status::not_found);
  EXPECT_EQ(request(http::verb::post, "/api/notebooks/nb1/ipynb", {{"Cookie", cookie()}}, good).result(), http::status::forbidden);
  EXPECT_EQ(head("nb1"), 5);
}

}  // namespace
}  // namespace runt::serve
