#pragma once
// The REST API under /api (JSON; `Authorization: Bearer TOKEN` or the login cookie): the
// caller and its logout, notebooks (list, create, read, the log, access, .ipynb out and in)
// and artifacts.

#include "caller.hpp"
#include "context.hpp"
#include "http.hpp"

#include <filesystem>
#include <map>
#include <variant>

namespace runt::serve {

class RestApi {
 public:
  explicit RestApi(ServerContext& server) : server_(server) {}

  // Answers `request` from `caller` (already authenticated).
  void handle(Stream stream, const Request& request, const Caller& caller);

  // Uploads (POST /api/artifacts, POST /api/notebooks/ID/ipynb) are checked from their headers,
  // then their body is streamed to a staging file of the artifact store and handed over here.
  static bool is_upload(const RequestHead& request);
  struct Refusal {
    http::status status;
    std::string message;
  };
  struct Upload {
    enum class Kind { artifact, ipynb } kind;
    std::string notebook_id;
    std::string content_type;
  };
  // What the upload may do, or why it may not, before its body is read.
  std::variant<Upload, Refusal> check_upload(const RequestHead& request, const Caller& caller);
  // Stores or imports the staged body (off the event loop), then answers; the file is gone after.
  void finish_upload(Stream stream, const RequestHead& request, const Caller& caller, const Upload& upload,
                     const std::filesystem::path& staged);

 private:
  // What GET /api/notebooks shows of a log; recomputed only when the log has grown.
  struct Summary {
    std::int64_t head = -1;
    std::string title = "Untitled";  // what anode's readers show when no title was set
    std::optional<std::string> updated_at;
  };
  const Summary& summary(const std::string& store_id);
  // A cookie-authenticated change must come from this server's own pages, and not as a form.
  static std::optional<Refusal> cookie_problem(const RequestHead& request, const Caller& caller);
  static std::vector<std::string> path_parts(const RequestHead& request);

  // POST /api/logout: ends the browser's session.
  void log_out(Stream stream, const Request& request, const Caller& caller);
  // Handlers take the stream by reference: when they throw, handle() answers on it.
  void notebooks(Stream& stream, const Request& request, const std::vector<std::string>& parts, const auth::User& user);
  void artifacts(Stream& stream, const Request& request, const std::vector<std::string>& parts, const auth::User& user);

  ServerContext& server_;
  std::map<std::string, Summary> summaries_;
};

}  // namespace runt::serve
