#include "rest_api.hpp"

#include "notebook_import.hpp"
#include "web.hpp"

#include "runt/ipynb/ipynb.hpp"
#include "runt/protocol/frames.hpp"
#include "runt/schema/json.hpp"
#include "runt/serve/url.hpp"
#include "runt/sync/push_rules.hpp"

#include <charconv>

namespace runt::serve {

namespace {

std::string json_text(const schema::Json& value) { return schema::to_js_string(value); }

}  // namespace

const RestApi::Summary& RestApi::summary(const std::string& store_id) {
  Summary& s = summaries_[store_id];
  const std::int64_t head = server_.store->head(store_id);
  if (s.head == head) return s;
  s = Summary{head};
  std::optional<storage::StoredEvent> titled;
  for (const char* name : {"v1.NotebookTitleChanged", "v1.NotebookInitialized"}) {
    auto e = server_.store->last(store_id, name);
    if (e && (!titled || e->event.seqNum > titled->event.seqNum)) titled = std::move(e);
  }
  if (titled && titled->event.args) {
    try {
      const auto args = schema::parse_json(*titled->event.args);
      if (const auto t = args.find("title"); args.is_object() && t != args.end() && t->is_string()) s.title = t->get<std::string>();
    } catch (const schema::JsonSyntaxError&) {  // args are checked before they are stored
    }
  }
  if (const auto last = server_.store->last(store_id)) s.updated_at = last->createdAt;
  return s;
}

std::optional<RestApi::Refusal> RestApi::cookie_problem(const RequestHead& request, const Caller& caller) {
  if (!caller.by_cookie || is_safe_method(request.method())) return std::nullopt;
  if (auto problem = cross_site_problem(request)) return Refusal{http::status::forbidden, std::move(*problem)};
  // What an HTML form can send (a form planted in content of this origin would pass the
  // Origin check); the app's own calls say what they send.
  if (web::is_form_content_type(request[http::field::content_type]))
    return Refusal{http::status::unsupported_media_type,
                   "Send JSON (Content-Type: application/json): form submissions are not accepted"};
  return std::nullopt;
}

// Path segments after /api/, percent-decoded; throws std::invalid_argument for a bad escape.
std::vector<std::string> RestApi::path_parts(const RequestHead& request) {
  std::vector<std::string> parts;
  for (std::string_view rest = target_path(request.target()).substr(5); !rest.empty();) {
    const auto slash = rest.find('/');
    parts.push_back(percent_decode(rest.substr(0, slash), false));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return parts;
}

void RestApi::handle(Stream stream, const Request& request, const Caller& caller) {
  if (const auto problem = cookie_problem(request, caller)) return reply_error(std::move(stream), request, problem->status, problem->message);
  const auth::User& user = caller.user;
  try {
    const std::vector<std::string> parts = path_parts(request);
    if (parts.size() == 1 && parts[0] == "me") {
      if (request.method() != http::verb::get)
        return reply_error(std::move(stream), request, http::status::method_not_allowed, "Method not allowed");
      return reply_json(std::move(stream), request, http::status::ok, json_text({{"id", user.id}, {"name", user.name}}));
    }
    if (parts.size() == 1 && parts[0] == "logout") return log_out(std::move(stream), request, caller);
    if (!parts.empty() && parts[0] == "notebooks") return notebooks(stream, request, parts, user);
    if (!parts.empty() && parts[0] == "artifacts") return artifacts(stream, request, parts, user);
    return reply_error(std::move(stream), request, http::status::not_found, "Not found");
  } catch (const std::invalid_argument& e) {  // bad request bodies, JsonSyntaxError included
    return reply_error(std::move(stream), request, http::status::bad_request, e.what());
  } catch (const auth::AccessDenied& e) {
    return reply_error(std::move(stream), request, http::status::forbidden, e.what());
  } catch (const storage::StorageError& e) {
    server_.log("storage error: " + std::string(e.what()));
    return reply_error(std::move(stream), request, http::status::internal_server_error, e.what());
  }
}

void RestApi::notebooks(Stream& stream, const Request& request, const std::vector<std::string>& parts,
                        const auth::User& user) {
  const auto method = request.method();
  if (parts.size() == 1 && method == http::verb::get) {
    schema::Json list = schema::Json::array();
    for (const auto& n : server_.accounts.notebooks(user)) {
      const Summary& s = summary(n.id);
      list.push_back({{"id", n.id},
                      {"title", s.title},
                      {"updatedAt", s.updated_at ? schema::Json(*s.updated_at) : schema::Json(nullptr)},
                      {"ownerId", n.owner_id},
                      {"role", std::string(auth::role_name(n.role))}});
    }
    return reply_json(std::move(stream), request, http::status::ok, json_text(list));
  }
  if (parts.size() == 1 && method == http::verb::post) {
    std::string id;
    if (!request.body().empty()) {
      const auto body = schema::parse_json(request.body());
      if (!body.is_object()) throw std::invalid_argument("Expected a JSON object");
      if (const auto it = body.find("id"); it != body.end()) {
        if (!it->is_string()) throw std::invalid_argument("id must be a string");
        id = it->get<std::string>();
      }
    }
    if (id.empty()) id = new_notebook_id();
    if (!sync::is_valid_store_id(id)) throw std::invalid_argument("Invalid notebook id: use 1 to 64 characters from A-Z a-z 0-9 _ -");
    if (!server_.accounts.create_notebook(user, id)) {
      // Someone else's notebook is not there for this user: not even a conflict says so.
      if (server_.accounts.role(user, id) == auth::Role::none)
        return reply_error(std::move(stream), request, http::status::not_found, "No notebook " + id + " you can use");
      return reply_error(std::move(stream), request, http::status::conflict, "Notebook " + id + " exists");
    }
    server_.log(user.id + " created notebook " + id);
    return reply_json(std::move(stream), request, http::status::created, json_text({{"id", id}}));
  }
  if (parts.size() < 2) return reply_error(std::move(stream), request, http::status::method_not_allowed, "Method not allowed");
  const std::string& id = parts[1];
  // A notebook the user may not read does not exist for them.
  if (!sync::is_valid_store_id(id)) throw std::invalid_argument("Invalid notebook id");
  const auto role = server_.accounts.role(user, id);
  if (role == auth::Role::none) return reply_error(std::move(stream), request, http::status::not_found, "No notebook " + id);
  if (parts.size() == 2 && method == http::verb::get) {
    const Summary& s = summary(id);
    schema::Json info{{"id", id},
                      {"title", s.title},
                      {"updatedAt", s.updated_at ? schema::Json(*s.updated_at) : schema::Json(nullptr)},
                      {"head", s.head},
                      {"role", std::string(auth::role_name(role))}};
    if (server_.options.runtime_refusal)
      if (const auto refusal = server_.options.runtime_refusal(id)) {
        info["runtimeRefused"] = {{"reason", refusal->reason}, {"message", refusal->message}};
        if (!refusal->command.empty()) info["runtimeRefused"]["command"] = refusal->command;
      }
    return reply_json(std::move(stream), request, http::status::ok, json_text(info));
  }
  if (parts.size() == 3 && parts[2] == "events" && method == http::verb::get) {
    std::int64_t after = 0;
    const auto query = parse_query(request.target());
    if (const auto it = query.find("after"); it != query.end()) {
      const std::string& text = it->second;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), after);
      if (ec != std::errc() || end != text.data() + text.size() || after < 0)
        throw std::invalid_argument("after must be a sequence number");
    }
    std::string body;
    for (;;) {
      const auto page = server_.store->read(id, after, 1000);
      for (const auto& stored : page) {
        body += protocol::encode_event(stored.event);
        body += '\n';
      }
      if (page.size() < 1000) break;
      after = page.back().event.seqNum;
    }
    return respond(std::move(stream), request, http::status::ok, std::move(body), "application/x-ndjson");
  }
  if (parts.size() == 3 && parts[2] == "access" && method == http::verb::post) {
    const auto body = schema::parse_json(request.body());
    const auto user_id = body.is_object() ? body.find("userId") : body.end();
    const auto role_field = body.is_object() ? body.find("role") : body.end();
    if (user_id == body.end() || !user_id->is_string() || role_field == body.end() || !role_field->is_string())
      throw std::invalid_argument(R"(Expected {"userId": string, "role": "writer" | "reader" | "none"})");
    const auto new_role = auth::parse_role(role_field->get<std::string>());
    if (!new_role) throw std::invalid_argument("role must be writer, reader or none");
    const std::string to = user_id->get<std::string>();
    server_.accounts.grant(user, id, to, *new_role);
    server_.log(user.id + " set " + to + " to " + std::string(auth::role_name(*new_role)) + " on " + id);
    server_.end_sessions(id, to);
    return reply_json(std::move(stream), request, http::status::ok,
                      json_text({{"notebookId", id}, {"userId", to}, {"role", std::string(auth::role_name(*new_role))}}));
  }
  // The operator may open any id (its role is always owner): a notebook no one created is
  // not there to export or import into.
  if (parts.size() == 3 && parts[2] == "ipynb" && !server_.accounts.owner(id))
    return reply_error(std::move(stream), request, http::status::not_found, "No notebook " + id);
  if (parts.size() == 3 && parts[2] == "ipynb" && method == http::verb::get) {
    const schema::State state = materialized(*server_.store, id);
    std::string body = ipynb::export_notebook(state).dump(1, ' ', false, ipynb::Json::error_handler_t::replace) + "\n";
    const auto* title = state.notebookMetadata.find("title");
    const std::string disposition = web::attachment(title ? title->value : "Untitled", ".ipynb");
    return respond(std::move(stream), request, http::status::ok, std::move(body), "application/x-ipynb+json",
                   {{"Content-Disposition", disposition}});
  }
  return reply_error(std::move(stream), request, http::status::not_found, "Not found");
}

void RestApi::log_out(Stream stream, const Request& request, const Caller& caller) {
  if (request.method() != http::verb::post)
    return reply_error(std::move(stream), request, http::status::method_not_allowed, "Method not allowed");
  if (!caller.by_cookie)
    return reply_error(std::move(stream), request, http::status::bad_request,
                       "Logging out ends a browser's login (its cookie); API keys are revoked with runt token revoke");
  if (const auto session = web::cookie_value(request[http::field::cookie], server_.cookie_name))
    server_.accounts.end_session(*session);
  server_.log(caller.user.id + " logged out a browser");
  respond(std::move(stream), request, http::status::ok, R"({"ok":true})", "application/json",
          {{"Set-Cookie", web::expired_cookie(server_.cookie_name)}});
}

// Artifact ids are `<notebookId>/<sha256>`: access follows the notebook.
void RestApi::artifacts(Stream& stream, const Request& request, const std::vector<std::string>& parts,
                        const auth::User& user) {
  if (parts.size() == 3 && request.method() == http::verb::get) {
    const std::string& notebook = parts[1];
    const std::string& hash = parts[2];
    const auto meta = sync::is_valid_store_id(notebook) && server_.accounts.role(user, notebook) >= auth::Role::reader
                          ? server_.accounts.find_artifact(notebook, hash)
                          : std::nullopt;
    if (!meta) return reply_error(std::move(stream), request, http::status::not_found, "Artifact not found: " + notebook + "/" + hash);
    // Served from the app's origin: never let an upload run script there, as a page (HTML, SVG:
    // the sandbox) or as a script another page loads (anything not known to be inert: a download).
    const auto type = web::artifact_type(meta->content_type);
    auto send = [type, missing = "Artifact not found: " + notebook + "/" + hash](Stream to, const RequestHead& asked,
                                                                                  const std::optional<std::filesystem::path>& file) {
      if (!file) return reply_error(std::move(to), asked, http::status::not_found, missing);
      Headers headers{{"Content-Security-Policy", "sandbox"},
                      {"Cache-Control", "private, max-age=31536000, immutable"},
                      {"X-Content-Type-Options", "nosniff"},
                      {"Cross-Origin-Resource-Policy", "same-origin"}};
      if (type.download) headers.emplace_back("Content-Disposition", "attachment");
      respond_file(std::move(to), asked, *file, type.content_type, headers);
    };
    if (!server_.artifacts->shared()) return send(std::move(stream), request, server_.artifacts->file_of(hash));
    // A shared store may fetch the content from the database first (up to hundreds of MiB):
    // on a worker, the answer back on the loop.
    auto connection = std::make_shared<Stream>(std::move(stream));
    auto head = std::make_shared<RequestHead>(request.base());
    asio::post(server_.workers, [this, hash, send, connection, head] {
      std::optional<std::filesystem::path> file;
      std::optional<std::string> failure;
      try {
        file = server_.artifacts->file_of(hash);
      } catch (const storage::StorageError& e) {
        failure = e.what();
      }
      asio::post(server_.io, [this, send, connection, head, file, failure] {
        if (!failure) return send(std::move(*connection), *head, file);
        server_.log("storage error: " + *failure);
        reply_error(std::move(*connection), *head, http::status::internal_server_error, *failure);
      });
    });
    return;
  }
  return reply_error(std::move(stream), request, http::status::not_found, "Not found");
}

}  // namespace runt::serve
