// RestApi's uploads: artifacts and .ipynb imports, checked from their headers, their bodies
// streamed to a staging file (http_session.cpp), then stored or parsed on a worker thread.
#include "rest_api.hpp"

#include "notebook_import.hpp"

#include "runt/schema/json.hpp"
#include "runt/serve/url.hpp"
#include "runt/sync/push_rules.hpp"


namespace runt::serve {

namespace {

std::string json_text(const schema::Json& value) { return schema::to_js_string(value); }

}  // namespace

bool RestApi::is_upload(const RequestHead& request) {
  if (request.method() != http::verb::post) return false;
  const std::string_view path = target_path(request.target());
  return path == "/api/artifacts" || (path.starts_with("/api/notebooks/") && path.ends_with("/ipynb"));
}

std::variant<RestApi::Upload, RestApi::Refusal> RestApi::check_upload(const RequestHead& request, const Caller& caller) {
  if (auto problem = cookie_problem(request, caller)) return std::move(*problem);
  std::vector<std::string> parts;
  try {
    parts = path_parts(request);
  } catch (const std::invalid_argument& e) {
    return Refusal{http::status::bad_request, e.what()};
  }
  try {
    if (parts.size() == 1 && parts[0] == "artifacts") {
      const std::string notebook(request["x-notebook-id"]);
      if (notebook.empty()) return Refusal{http::status::bad_request, "x-notebook-id header is missing"};
      if (!sync::is_valid_store_id(notebook)) return Refusal{http::status::bad_request, "Invalid x-notebook-id"};
      const auto role = server_.accounts.role(caller.user, notebook);
      if (role == auth::Role::none) return Refusal{http::status::not_found, "No notebook " + notebook};
      if (role < auth::Role::writer)
        return Refusal{http::status::forbidden, "You may read notebook " + notebook + " but not add artifacts to it"};
      std::string content_type(request[http::field::content_type]);
      if (content_type.empty()) content_type = "application/octet-stream";
      return Upload{Upload::Kind::artifact, notebook, std::move(content_type)};
    }
    if (parts.size() == 3 && parts[0] == "notebooks" && parts[2] == "ipynb") {
      const std::string& id = parts[1];
      const auto role = sync::is_valid_store_id(id) ? server_.accounts.role(caller.user, id) : auth::Role::none;
      // The operator may open any id (its role is always owner): a notebook no one created is
      // not there to import into.
      if (role == auth::Role::none || !server_.accounts.owner(id)) return Refusal{http::status::not_found, "No notebook " + id};
      if (role < auth::Role::writer) return Refusal{http::status::forbidden, "You may read notebook " + id + " but not change it"};
      return Upload{Upload::Kind::ipynb, id, ""};
    }
  } catch (const storage::StorageError& e) {
    server_.log("storage error: " + std::string(e.what()));
    return Refusal{http::status::internal_server_error, e.what()};
  }
  return Refusal{http::status::not_found, "Not found"};
}

void RestApi::finish_upload(Stream stream, const RequestHead& request, const Caller& caller, const Upload& upload,
                            const std::filesystem::path& staged) {
  // The slow part runs on a worker; the accounts, the Hub and the answer stay on the loop.
  auto connection = std::make_shared<Stream>(std::move(stream));
  auto head = std::make_shared<RequestHead>(request);
  const auto answer = [this, connection, head](http::status status, std::string json) {
    asio::post(server_.io, [connection, head, status, json = std::move(json)] {
      respond(std::move(*connection), *head, status, json, "application/json");
    });
  };
  if (upload.kind == Upload::Kind::artifact) {
    asio::post(server_.workers, [this, upload, staged, answer, connection, head] {
      try {
        const auto adopted = server_.artifacts->adopt(staged);
        asio::post(server_.io, [this, upload, adopted, connection, head] {
          try {
            server_.accounts.add_artifact(upload.notebook_id, adopted.hash, upload.content_type, static_cast<std::int64_t>(adopted.size));
            reply_json(std::move(*connection), *head, http::status::ok, json_text({{"artifactId", upload.notebook_id + "/" + adopted.hash}}));
          } catch (const storage::StorageError& e) {
            server_.log("storage error: " + std::string(e.what()));
            reply_error(std::move(*connection), *head, http::status::internal_server_error, e.what());
          }
        });
      } catch (const storage::StorageError& e) {
        server_.log("storage error: " + std::string(e.what()));
        answer(http::status::internal_server_error, error_json(e.what()));
      }
    });
    return;
  }
  asio::post(server_.workers, [this, upload, staged, answer, connection, head, user = caller.user] {
    std::shared_ptr<ipynb::Json> notebook;
    try {
      notebook = std::make_shared<ipynb::Json>(read_ipynb(staged));
    } catch (const std::exception& e) {  // std::invalid_argument saying what is wrong, or out of memory
      answer(http::status::bad_request, error_json(e.what()));
    }
    std::error_code ignored;
    std::filesystem::remove(staged, ignored);
    if (!notebook) return;
    asio::post(server_.io, [this, upload, notebook, connection, head, user] {
      try {
        const std::size_t imported = import_ipynb(server_, upload.notebook_id, std::move(*notebook), user);
        server_.log(user.id + " imported " + std::to_string(imported) + " cells into " + upload.notebook_id);
        reply_json(std::move(*connection), *head, http::status::ok, json_text({{"imported", imported}}));
      } catch (const std::invalid_argument& e) {
        reply_error(std::move(*connection), *head, http::status::bad_request, e.what());
      } catch (const storage::StorageError& e) {
        server_.log("storage error: " + std::string(e.what()));
        reply_error(std::move(*connection), *head, http::status::internal_server_error, e.what());
      }
    });
  });
}

}  // namespace runt::serve
