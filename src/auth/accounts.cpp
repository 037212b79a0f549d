// The rules of accounts, once for both places they are kept (account_records.hpp).

#include "runt/auth/accounts.hpp"

#include "account_records.hpp"

#include "runt/base/clock.hpp"
#include "runt/base/ids.hpp"
#include "runt/storage/artifact_store.hpp"

namespace runt::auth {

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

// Compares in time that depends only on the expected token's length.
bool same_token(std::string_view given, std::string_view expected) {
  unsigned diff = given.size() != expected.size();
  for (size_t i = 0; i < expected.size(); ++i)
    diff |= static_cast<unsigned>(i < given.size() ? given[i] ^ expected[i] : expected[i]);
  return diff == 0;
}

using base::now_ms;
using base::random_hex;

User operator_user() { return User{std::string(kOperatorId), std::string(kOperatorId), true}; }

}  // namespace

Accounts::Accounts(std::unique_ptr<AccountRecords> records, std::string server_token)
    : records_(std::move(records)),
      server_token_(std::move(server_token)),
      server_token_sha256_(server_token_.empty() ? "" : storage::sha256_hex(server_token_)) {}

Accounts::Accounts(const std::filesystem::path& sqlite_file, std::string server_token)
    : Accounts(open_sqlite_records(sqlite_file), std::move(server_token)) {}

Accounts Accounts::open(const std::string& store, const std::filesystem::path& data_dir, std::string server_token) {
  if (store.empty()) return Accounts(data_dir / "runt.sqlite", std::move(server_token));
  return Accounts(open_postgres_records(store), std::move(server_token));
}

Accounts::~Accounts() = default;

std::string Accounts::create_key(std::string_view user_name, KeyOptions options) {
  if (!is_valid_user_name(user_name))
    throw std::invalid_argument("Invalid user name: use 1 to 64 characters from A-Z a-z 0-9 _ . - (not \"local\")");
  const std::string key = "runt_" + random_hex(48);
  records_->add_key(user_name, storage::sha256_hex(key), options.grant_runtimes, now_ms());
  return key;
}

int Accounts::revoke_keys(std::string_view user_name) { return records_->remove_keys(user_name); }

std::uint64_t Accounts::revision() { return records_->revocations(); }

std::uint64_t Accounts::revision_now() { return records_->revocations_now(); }

std::optional<User> Accounts::authenticate(std::string_view token) {
  if (token.empty()) return std::nullopt;
  if (!server_token_.empty() && same_token(token, server_token_)) return operator_user();
  if (!token.starts_with("runt_")) return std::nullopt;
  auto stored = records_->key_user(storage::sha256_hex(token));
  if (!stored) return std::nullopt;
  return User{std::move(stored->id), std::move(stored->name), false};
}

std::optional<Accounts::Session> Accounts::start_session(std::string_view token) {
  auto user = authenticate(token);
  if (!user) return std::nullopt;
  const std::string id = random_hex(64);
  const std::int64_t now = now_ms();
  records_->add_session(storage::sha256_hex(id), user->id, storage::sha256_hex(token), now, now + kSessionSeconds * 1000);
  return Session{id, std::move(*user)};
}

std::optional<User> Accounts::session_user(std::string_view session_id) {
  if (session_id.empty()) return std::nullopt;
  const auto s = records_->live_session(storage::sha256_hex(session_id), now_ms());
  if (!s) return std::nullopt;
  if (s->user_id == kOperatorId) {
    // Started with the server token: valid while the server runs with that token.
    if (server_token_sha256_.empty() || !same_token(s->credential_sha256, server_token_sha256_)) return std::nullopt;
    return operator_user();
  }
  if (!s->key_user_name) return std::nullopt;  // its key was revoked
  return User{s->user_id, *s->key_user_name, false};
}

bool Accounts::end_session(std::string_view session_id) {
  // A logout counts as a revocation: the browser's open sockets go with its login.
  return records_->remove_session(storage::sha256_hex(session_id));
}

std::optional<User> Accounts::find_user(std::string_view id) {
  if (id == kOperatorId) return operator_user();
  auto stored = records_->user(id);
  if (!stored) return std::nullopt;
  return User{std::move(stored->id), std::move(stored->name), false};
}

bool Accounts::may_run_code(std::string_view user_id) {
  if (user_id == kOperatorId) return true;
  return records_->runtime_grant(user_id);
}

void Accounts::set_may_run_code(std::string_view user_id, bool allowed) {
  if (user_id == kOperatorId) throw std::invalid_argument("The operator (local) may always run code");
  if (!find_user(user_id))
    throw std::invalid_argument("Unknown user " + std::string(user_id) + " (runt token create --user NAME creates one)");
  records_->set_runtime_grant(user_id, allowed, now_ms());
}

std::optional<std::string> Accounts::owner(std::string_view notebook_id) { return records_->notebook_owner(notebook_id); }

Role Accounts::role(const User& user, std::string_view notebook_id) {
  if (user.is_operator) return Role::owner;
  const auto access = records_->access(notebook_id, user.id);
  if (!access) return Role::none;
  return access->owner_id == user.id ? Role::owner : access->granted;
}

Role Accounts::open_notebook(const User& user, std::string_view notebook_id) {
  const auto access = records_->access(notebook_id, user.id);
  if (!access) {
    if (create_notebook(user, notebook_id)) return Role::owner;
    // Someone else (another node) created it a moment ago: theirs.
    return role(user, notebook_id);
  }
  if (user.is_operator || access->owner_id == user.id) return Role::owner;
  return access->granted;
}

bool Accounts::create_notebook(const User& user, std::string_view notebook_id) {
  return records_->add_notebook(notebook_id, user.id, now_ms());
}

void Accounts::grant(const User& by, std::string_view notebook_id, std::string_view to_user_id, Role new_role) {
  const auto access = records_->access(notebook_id, by.id);
  if (!access) throw std::invalid_argument("Unknown notebook " + std::string(notebook_id));
  if (!by.is_operator && access->owner_id != by.id)
    throw AccessDenied("Only an owner of notebook " + std::string(notebook_id) + " can change who may use it");
  if (new_role == Role::owner) throw std::invalid_argument("Ownership cannot be granted; grant writer or reader");
  if (to_user_id == kOperatorId) throw std::invalid_argument("The operator (local) may use every notebook already");
  if (!is_valid_user_name(to_user_id))
    throw std::invalid_argument("Invalid user id: use 1 to 64 characters from A-Z a-z 0-9 _ . -");
  // Whether the user exists is not looked at: a grant to a name no one has yet is kept for them.
  if (access->owner_id == to_user_id) throw std::invalid_argument("The owner's role cannot be changed");
  records_->set_grant(notebook_id, to_user_id, new_role);
}

std::vector<NotebookAccess> Accounts::notebooks(const User& user) {
  std::vector<NotebookAccess> out;
  for (auto& n : user.is_operator ? records_->all_notebooks() : records_->notebooks_of(user.id)) {
    const Role role = user.is_operator || n.owner_id == user.id ? Role::owner : n.granted;
    out.push_back({std::move(n.id), std::move(n.owner_id), role});
  }
  return out;
}

void Accounts::add_artifact(std::string_view notebook_id, std::string_view hash, std::string_view content_type,
                            std::int64_t size) {
  records_->add_artifact(notebook_id, hash, content_type, size, now_ms());
}

std::optional<Accounts::Artifact> Accounts::find_artifact(std::string_view notebook_id, std::string_view hash) {
  return records_->artifact(notebook_id, hash);
}

}  // namespace runt::auth
