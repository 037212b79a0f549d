#include "runt/auth/accounts.hpp"

#include "runt/base/clock.hpp"
#include "runt/base/ids.hpp"
#include "runt/storage/artifact_store.hpp"
#include "runt/storage/sqlite.hpp"

#include <chrono>
#include <random>

namespace runt::auth {

using storage::sqlite::Reset;
using storage::sqlite::Statement;

std::string_view role_name(Role role) {
  switch (role) {
    case Role::none: return "none";
    case Role::reader: return "reader";
    case Role::writer: return "writer";
    case Role::owner: return "owner";
  }
  return "none";
}

std::optional<Role> parse_role(std::string_view name) {
  for (const Role r : {Role::none, Role::reader, Role::writer, Role::owner})
    if (role_name(r) == name) return r;
  return std::nullopt;
}

bool is_valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name == kOperatorId) return false;
  for (const char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
      return false;
  return true;
}

namespace {

constexpr std::string_view kSchema = R"(
  CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS api_keys (
    key_sha256 TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), created_at INTEGER NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS sessions (
    id_sha256 TEXT PRIMARY KEY, user_id TEXT NOT NULL, credential_sha256 TEXT NOT NULL,
    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS notebooks (
    id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS grants (
    notebook_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL,
    PRIMARY KEY (notebook_id, user_id)) STRICT, WITHOUT ROWID;
  -- Its own table, not a users column, so that data directories of earlier versions gain it
  -- by this CREATE alone.
  CREATE TABLE IF NOT EXISTS runtime_grants (
    user_id TEXT PRIMARY KEY REFERENCES users(id), granted_at INTEGER NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS artifacts (
    notebook_id TEXT NOT NULL, sha256 TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL,
    created_at INTEGER NOT NULL, PRIMARY KEY (notebook_id, sha256)) STRICT, WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS revocations (
    id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL) STRICT;
  INSERT OR IGNORE INTO revocations (id, count) VALUES (1, 0);
)";

// Compares in time that depends only on the expected token's length.
bool same_token(std::string_view given, std::string_view expected) {
  unsigned diff = given.size() != expected.size();
  for (size_t i = 0; i < expected.size(); ++i)
    diff |= static_cast<unsigned>(i < given.size() ? given[i] ^ expected[i] : expected[i]);
  return diff == 0;
}

using base::now_ms;
using base::random_hex;

}  // namespace

struct Accounts::Impl {
  Impl(const std::filesystem::path& file, std::string token)
      : server_token(std::move(token)),
        server_token_sha256(server_token.empty() ? "" : storage::sha256_hex(server_token)),
        db(file, kSchema) {}

  std::string server_token;
  std::string server_token_sha256;
  storage::sqlite::Database db;
  Statement insert_user{db, "INSERT OR IGNORE INTO users (id, name, created_at) VALUES (?, ?, ?)"};
  Statement insert_key{db, "INSERT INTO api_keys (key_sha256, user_id, created_at) VALUES (?, ?, ?)"};
  Statement delete_keys{db, "DELETE FROM api_keys WHERE user_id = ?"};
  Statement insert_session{db,
                           "INSERT INTO sessions (id_sha256, user_id, credential_sha256, created_at, expires_at) "
                           "VALUES (?, ?, ?, ?, ?)"};
  Statement delete_expired_sessions{db, "DELETE FROM sessions WHERE expires_at <= ?"};
  Statement delete_session{db, "DELETE FROM sessions WHERE id_sha256 = ?"};
  Statement delete_user_sessions{db, "DELETE FROM sessions WHERE user_id = ?"};
  // The session's user, and whether the key that started it still exists.
  Statement session{db,
                    "SELECT s.user_id, s.credential_sha256, u.name FROM sessions s "
                    "LEFT JOIN api_keys k ON k.key_sha256 = s.credential_sha256 AND k.user_id = s.user_id "
                    "LEFT JOIN users u ON u.id = k.user_id WHERE s.id_sha256 = ? AND s.expires_at > ?"};
  Statement key_user{db, "SELECT u.id, u.name FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_sha256 = ?"};
  Statement user_by_id{db, "SELECT id, name FROM users WHERE id = ?"};
  Statement runtime_grant{db, "SELECT 1 FROM runtime_grants WHERE user_id = ?"};
  Statement insert_runtime_grant{db, "INSERT OR IGNORE INTO runtime_grants (user_id, granted_at) VALUES (?, ?)"};
  Statement delete_runtime_grant{db, "DELETE FROM runtime_grants WHERE user_id = ?"};
  Statement notebook_owner{db, "SELECT owner_id FROM notebooks WHERE id = ?"};
  Statement insert_notebook{db, "INSERT OR IGNORE INTO notebooks (id, owner_id, created_at) VALUES (?, ?, ?)"};
  Statement grant_role{db, "SELECT role FROM grants WHERE notebook_id = ? AND user_id = ?"};
  Statement upsert_grant{db, "INSERT OR REPLACE INTO grants (notebook_id, user_id, role) VALUES (?, ?, ?)"};
  Statement delete_grant{db, "DELETE FROM grants WHERE notebook_id = ? AND user_id = ?"};
  Statement all_notebooks{db, "SELECT id, owner_id FROM notebooks ORDER BY rowid"};
  Statement user_notebooks{db,
                           "SELECT n.id, n.owner_id, g.role FROM notebooks n LEFT JOIN grants g "
                           "ON g.notebook_id = n.id AND g.user_id = ?1 "
                           "WHERE n.owner_id = ?1 OR g.role IS NOT NULL ORDER BY n.rowid"};
  Statement insert_artifact{db,
                            "INSERT OR IGNORE INTO artifacts (notebook_id, sha256, content_type, size, created_at) "
                            "VALUES (?, ?, ?, ?, ?)"};
  Statement artifact{db, "SELECT content_type, size FROM artifacts WHERE notebook_id = ? AND sha256 = ?"};
  // Counted in the file, not in memory: `runt token revoke` runs in another process.
  Statement increment_revocations{db, "UPDATE revocations SET count = count + 1 WHERE id = 1"};
  void count_revocation() {
    Reset r{increment_revocations};
    increment_revocations.step();
  }
  Statement revocations{db, "SELECT count FROM revocations WHERE id = 1"};

  // Without the operator shortcut.
  Role stored_role(const User& user, std::string_view notebook_id, bool* exists) {
    {
      Reset r{notebook_owner};
      notebook_owner.bind(1, notebook_id);
      *exists = notebook_owner.step();
      if (!*exists) return Role::none;
      if (notebook_owner.text(0) == user.id) return Role::owner;
    }
    Reset r{grant_role};
    grant_role.bind(1, notebook_id).bind(2, user.id);
    return grant_role.step() ? parse_role(grant_role.text(0)).value_or(Role::none) : Role::none;
  }
};

Accounts::Accounts(const std::filesystem::path& sqlite_file, std::string server_token)
    : impl_(std::make_unique<Impl>(sqlite_file, std::move(server_token))) {}
Accounts::~Accounts() = default;

std::string Accounts::create_key(std::string_view user_name, KeyOptions options) {
  if (!is_valid_user_name(user_name))
    throw std::invalid_argument("Invalid user name: use 1 to 64 characters from A-Z a-z 0-9 _ . - (not \"local\")");
  const std::string key = "runt_" + random_hex(48);
  storage::sqlite::Transaction transaction(impl_->db);
  {
    Reset r{impl_->insert_user};
    impl_->insert_user.bind(1, user_name).bind(2, user_name).bind(3, now_ms()).step();
  }
  {
    Reset r{impl_->insert_key};
    impl_->insert_key.bind(1, storage::sha256_hex(key)).bind(2, user_name).bind(3, now_ms()).step();
  }
  if (options.grant_runtimes) {
    Reset r{impl_->insert_runtime_grant};
    impl_->insert_runtime_grant.bind(1, user_name).bind(2, now_ms()).step();
  }
  transaction.commit();
  return key;
}

int Accounts::revoke_keys(std::string_view user_name) {
  storage::sqlite::Transaction transaction(impl_->db);
  int revoked = 0;
  {
    Reset r{impl_->delete_keys};
    impl_->delete_keys.bind(1, user_name).step();
    revoked = storage::sqlite::changes(impl_->db);
  }
  {
    Reset r{impl_->delete_user_sessions};
    impl_->delete_user_sessions.bind(1, user_name).step();
  }
  impl_->count_revocation();
  transaction.commit();
  return revoked;
}

std::uint64_t Accounts::revision() {
  Reset r{impl_->revocations};
  impl_->revocations.step();
  return static_cast<std::uint64_t>(impl_->revocations.integer(0));
}

std::optional<User> Accounts::authenticate(std::string_view token) {
  if (token.empty()) return std::nullopt;
  if (!impl_->server_token.empty() && same_token(token, impl_->server_token))
    return User{std::string(kOperatorId), std::string(kOperatorId), true};
  if (!token.starts_with("runt_")) return std::nullopt;
  Reset r{impl_->key_user};
  impl_->key_user.bind(1, storage::sha256_hex(token));
  if (!impl_->key_user.step()) return std::nullopt;
  return User{impl_->key_user.text(0), impl_->key_user.text(1), false};
}

std::optional<Accounts::Session> Accounts::start_session(std::string_view token) {
  auto user = authenticate(token);
  if (!user) return std::nullopt;
  const std::string id = random_hex(64);
  const std::int64_t now = now_ms();
  storage::sqlite::Transaction transaction(impl_->db);
  {
    Reset r{impl_->delete_expired_sessions};
    impl_->delete_expired_sessions.bind(1, now).step();
  }
  {
    Reset r{impl_->insert_session};
    impl_->insert_session.bind(1, storage::sha256_hex(id))
        .bind(2, user->id)
        .bind(3, storage::sha256_hex(token))
        .bind(4, now)
        .bind(5, now + kSessionSeconds * 1000)
        .step();
  }
  transaction.commit();
  return Session{id, std::move(*user)};
}

std::optional<User> Accounts::session_user(std::string_view session_id) {
  if (session_id.empty()) return std::nullopt;
  Statement& q = impl_->session;
  Reset r{q};
  q.bind(1, storage::sha256_hex(session_id)).bind(2, now_ms());
  if (!q.step()) return std::nullopt;
  const std::string user_id = q.text(0);
  if (user_id == kOperatorId) {
    // Started with the server token: valid while the server runs with that token.
    if (impl_->server_token_sha256.empty() || !same_token(q.text(1), impl_->server_token_sha256)) return std::nullopt;
    return User{user_id, user_id, true};
  }
  if (q.is_null(2)) return std::nullopt;  // its key was revoked
  return User{user_id, q.text(2), false};
}

bool Accounts::end_session(std::string_view session_id) {
  storage::sqlite::Transaction transaction(impl_->db);
  bool ended = false;
  {
    Reset r{impl_->delete_session};
    impl_->delete_session.bind(1, storage::sha256_hex(session_id)).step();
    ended = storage::sqlite::changes(impl_->db) > 0;
  }
  if (ended) impl_->count_revocation();  // the browser's open sockets go with its login
  transaction.commit();
  return ended;
}

std::optional<User> Accounts::find_user(std::string_view id) {
  if (id == kOperatorId) return User{std::string(kOperatorId), std::string(kOperatorId), true};
  Reset r{impl_->user_by_id};
  impl_->user_by_id.bind(1, id);
  if (!impl_->user_by_id.step()) return std::nullopt;
  return User{impl_->user_by_id.text(0), impl_->user_by_id.text(1), false};
}

bool Accounts::may_run_code(std::string_view user_id) {
  if (user_id == kOperatorId) return true;
  Reset r{impl_->runtime_grant};
  impl_->runtime_grant.bind(1, user_id);
  return impl_->runtime_grant.step();
}

void Accounts::set_may_run_code(std::string_view user_id, bool allowed) {
  if (user_id == kOperatorId) throw std::invalid_argument("The operator (local) may always run code");
  if (!find_user(user_id))
    throw std::invalid_argument("Unknown user " + std::string(user_id) + " (runt token create --user NAME creates one)");
  Statement& change = allowed ? impl_->insert_runtime_grant : impl_->delete_runtime_grant;
  Reset r{change};
  change.bind(1, user_id);
  if (allowed) change.bind(2, now_ms());
  change.step();
}

std::optional<std::string> Accounts::owner(std::string_view notebook_id) {
  Reset r{impl_->notebook_owner};
  impl_->notebook_owner.bind(1, notebook_id);
  if (!impl_->notebook_owner.step()) return std::nullopt;
  return impl_->notebook_owner.text(0);
}

Role Accounts::role(const User& user, std::string_view notebook_id) {
  if (user.is_operator) return Role::owner;
  bool exists = false;
  return impl_->stored_role(user, notebook_id, &exists);
}

Role Accounts::open_notebook(const User& user, std::string_view notebook_id) {
  bool exists = false;
  const Role stored = impl_->stored_role(user, notebook_id, &exists);
  if (!exists) {
    create_notebook(user, notebook_id);
    return Role::owner;
  }
  return user.is_operator ? Role::owner : stored;
}

bool Accounts::create_notebook(const User& user, std::string_view notebook_id) {
  Reset r{impl_->insert_notebook};
  impl_->insert_notebook.bind(1, notebook_id).bind(2, user.id).bind(3, now_ms()).step();
  return storage::sqlite::changes(impl_->db) > 0;
}

void Accounts::grant(const User& by, std::string_view notebook_id, std::string_view to_user_id, Role new_role) {
  bool exists = false;
  const Role by_role = impl_->stored_role(by, notebook_id, &exists);
  if (!exists) throw std::invalid_argument("Unknown notebook " + std::string(notebook_id));
  if (!by.is_operator && by_role != Role::owner)
    throw AccessDenied("Only an owner of notebook " + std::string(notebook_id) + " can change who may use it");
  if (new_role == Role::owner) throw std::invalid_argument("Ownership cannot be granted; grant writer or reader");
  if (to_user_id == kOperatorId) throw std::invalid_argument("The operator (local) may use every notebook already");
  if (!is_valid_user_name(to_user_id))
    throw std::invalid_argument("Invalid user id: use 1 to 64 characters from A-Z a-z 0-9 _ . -");
  // Whether the user exists is not looked at: a grant to a name no one has yet is kept for them.
  {
    Reset r{impl_->notebook_owner};
    impl_->notebook_owner.bind(1, notebook_id);
    if (impl_->notebook_owner.step() && impl_->notebook_owner.text(0) == to_user_id)
      throw std::invalid_argument("The owner's role cannot be changed");
  }
  if (new_role == Role::none) {
    Reset r{impl_->delete_grant};
    impl_->delete_grant.bind(1, notebook_id).bind(2, to_user_id).step();
  } else {
    Reset r{impl_->upsert_grant};
    impl_->upsert_grant.bind(1, notebook_id).bind(2, to_user_id).bind(3, role_name(new_role)).step();
  }
}

std::vector<NotebookAccess> Accounts::notebooks(const User& user) {
  std::vector<NotebookAccess> out;
  if (user.is_operator) {
    Reset r{impl_->all_notebooks};
    while (impl_->all_notebooks.step())
      out.push_back({impl_->all_notebooks.text(0), impl_->all_notebooks.text(1), Role::owner});
    return out;
  }
  Statement& q = impl_->user_notebooks;
  Reset r{q};
  q.bind(1, user.id);
  while (q.step()) {
    const std::string owner = q.text(1);
    out.push_back({q.text(0), owner, owner == user.id ? Role::owner : parse_role(q.text(2)).value_or(Role::none)});
  }
  return out;
}

void Accounts::add_artifact(std::string_view notebook_id, std::string_view hash, std::string_view content_type,
                            std::int64_t size) {
  Reset r{impl_->insert_artifact};
  impl_->insert_artifact.bind(1, notebook_id).bind(2, hash).bind(3, content_type).bind(4, size).bind(5, now_ms()).step();
}

std::optional<Accounts::Artifact> Accounts::find_artifact(std::string_view notebook_id, std::string_view hash) {
  Reset r{impl_->artifact};
  impl_->artifact.bind(1, notebook_id).bind(2, hash);
  if (!impl_->artifact.step()) return std::nullopt;
  return Artifact{impl_->artifact.text(0), impl_->artifact.integer(1)};
}

}  // namespace runt::auth
