#pragma once
// The REST API under /api (JSON; `Authorization: Bearer TOKEN` or the login cookie): the
// caller and its logout, notebooks (list, create, read, the log, access, .ipynb out and in)
// and artifacts.

#include "caller.hpp"
#include "context.hpp"
#include "http.hpp"

#include <map>

namespace runt::serve {

class RestApi {
 public:
  explicit RestApi(ServerContext& server) : server_(server) {}

  // Answers `request` from `caller` (already authenticated).
  void handle(beast::tcp_stream stream, const Request& request, const Caller& caller);

 private:
  // What GET /api/notebooks shows of a log; recomputed only when the log has grown.
  struct Summary {
    std::int64_t head = -1;
    std::string title = "Untitled";  // what anode's readers show when no title was set
    std::optional<std::string> updated_at;
  };
  const Summary& summary(const std::string& store_id);

  // POST /api/logout: ends the browser's session.
  void log_out(beast::tcp_stream stream, const Request& request, const Caller& caller);
  // Handlers take the stream by reference: when they throw, handle() answers on it.
  void notebooks(beast::tcp_stream& stream, const Request& request, const std::vector<std::string>& parts, const auth::User& user);
  void artifacts(beast::tcp_stream& stream, const Request& request, const std::vector<std::string>& parts, const auth::User& user);

  ServerContext& server_;
  std::map<std::string, Summary> summaries_;
};

}  // namespace runt::serve
