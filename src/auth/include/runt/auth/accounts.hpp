#pragma once
// Who may do what: users, their API keys, and per-notebook roles. The server token (like
// Jupyter's) authenticates as the operator, user "local", who owns every notebook. API keys
// (`runt token create --user NAME`) authenticate named users; only their SHA-256 is stored.
// A notebook's creator owns it; owners grant `writer` or `reader` to other users. Browsers
// log in with a session (the login cookie) started from a token.
//
// Running code on a kernel is the host's power, not a notebook role: a runtime starts for a
// notebook (under `runt up`) only when its owner may run code. The operator always may;
// other users only once granted (`runt token create --runtime`, `runt token allow-runtime`).
//
// Lives in the server's SQLite file, or in PostgreSQL when `runt serve --store` names one
// (tables users, api_keys, sessions, notebooks, grants, runtime_grants, artifacts, revocations
// in both): then every node on that database serves the same users, keys, logins and access.
// Errors are exceptions: AccessDenied for a refused action, std::invalid_argument for bad
// names, storage::StorageError for the database.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace runt::auth {

// Ordered: each role can do what the ones below it can.
enum class Role { none, reader, writer, owner };
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);  // "none", "reader", "writer", "owner"

struct User {
  std::string id;
  std::string name;
  bool is_operator = false;  // the server token's user
  bool operator==(const User&) const = default;
};

inline constexpr std::string_view kOperatorId = "local";

class AccessDenied : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct NotebookAccess {
  std::string id;
  std::string owner_id;
  Role role = Role::none;  // the asking user's
};

// A user name (also the user's id): 1 to 64 of A-Z a-z 0-9 _ . -, and not "local".
bool is_valid_user_name(std::string_view name);

struct KeyOptions {
  bool grant_runtimes = false;  // also let the user run code (never withdraws it)
};

class AccountRecords;

class Accounts {
 public:
  // In a SQLite file (runt up; runt serve without --store).
  Accounts(const std::filesystem::path& sqlite_file, std::string server_token);
  // Where runt serve and `runt token` keep them: in the PostgreSQL database `store` names (a
  // libpq URI, `--store`) when it is set, else in data_dir/runt.sqlite.
  static Accounts open(const std::string& store, const std::filesystem::path& data_dir, std::string server_token);
  ~Accounts();
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  // A new API key for `user_name` (creating the user). The key is returned once; only its
  // hash is kept.
  std::string create_key(std::string_view user_name, KeyOptions options = {});
  // Removes every key of a user and ends their sessions; returns how many keys there were.
  int revoke_keys(std::string_view user_name);
  std::optional<User> authenticate(std::string_view token);
  // Moves whenever credentials are revoked (keys revoked, a logout), by this process or another
  // one on the same records (`runt token revoke` while the server runs, another node): holders
  // of open connections re-check theirs when it moves. Cheap enough for every sync frame: one
  // small query on SQLite; on PostgreSQL a value in memory that the database's notifications
  // keep current (a revocation anywhere is seen within milliseconds).
  std::uint64_t revision();
  // The same, as the records have it this moment (one small query on either backend).
  std::uint64_t revision_now();
  // On PostgreSQL the revision is the storage fence of this name (storage::Fence): a server
  // writes a group of pushes under the revision it has acted on (ended the sockets of revoked
  // credentials), so that nothing is stored after a revocation committed before it, on whichever
  // node or process that was, without a read of its own per group.
  static constexpr std::string_view kRevisionFence = "revocations";

  // A browser's login: a random id (only its SHA-256 is stored) for whoever `token`
  // authenticates, nullopt for a bad token. It lasts kSessionSeconds, until it is ended, or
  // until the token that started it stops working (its user's keys revoked, another server
  // token), whichever comes first.
  struct Session {
    std::string id;
    User user;
  };
  static constexpr std::int64_t kSessionSeconds = 30 * 24 * 3600;
  std::optional<Session> start_session(std::string_view token);
  std::optional<User> session_user(std::string_view session_id);
  // A logout; false when there was no such session.
  bool end_session(std::string_view session_id);
  std::optional<User> find_user(std::string_view id);

  // Whether runtimes may run code for notebooks this user owns (always, for the operator).
  bool may_run_code(std::string_view user_id);
  // Grants or withdraws that. Throws std::invalid_argument for an unknown user or the operator.
  void set_may_run_code(std::string_view user_id, bool allowed);

  // The notebook's owner, when the notebook is registered.
  std::optional<std::string> owner(std::string_view notebook_id);
  Role role(const User& user, std::string_view notebook_id);
  // Opening an unknown notebook creates it, owned by `user`. Returns the user's role.
  Role open_notebook(const User& user, std::string_view notebook_id);
  // Creates a notebook owned by `user`; false when the id is taken.
  bool create_notebook(const User& user, std::string_view notebook_id);
  // An owner sets `to`'s role (writer, reader, or none to revoke). `to` need not exist yet: the
  // grant applies once that user is created, so the answer never tells whether a user exists.
  // Throws AccessDenied when `by` is not an owner, std::invalid_argument for an invalid user
  // name, the operator or the owner's own role.
  void grant(const User& by, std::string_view notebook_id, std::string_view to_user_id, Role role);
  // Notebooks the user can read (the operator: every registered notebook).
  std::vector<NotebookAccess> notebooks(const User& user);

  // Artifacts belong to the notebooks they were uploaded for.
  void add_artifact(std::string_view notebook_id, std::string_view hash, std::string_view content_type,
                    std::int64_t size);
  struct Artifact {
    std::string content_type;
    std::int64_t size = 0;
  };
  std::optional<Artifact> find_artifact(std::string_view notebook_id, std::string_view hash);

 private:
  Accounts(std::unique_ptr<AccountRecords> records, std::string server_token);
  std::unique_ptr<AccountRecords> records_;
  std::string server_token_;
  std::string server_token_sha256_;
};

}  // namespace runt::auth
