#pragma once
// What Accounts keeps, without its rules: rows in, rows out. Accounts (accounts.cpp) holds the
// rules once (token comparison, hashing, sessions, roles, validation); the records live in
// SQLite (one file: runt up, a single runt serve) or in PostgreSQL (shared by every runt serve
// node on one database). Each method that writes several rows does so in one transaction.
// Errors: storage::StorageError for the database.

#include "runt/auth/accounts.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runt::auth {

struct StoredUser {
  std::string id;
  std::string name;
};

struct StoredSession {
  std::string user_id;
  std::string credential_sha256;  // the token that started it
  // The user's name when that token is one of the user's API keys still; nullopt once it is gone.
  std::optional<std::string> key_user_name;
};

struct StoredNotebook {
  std::string id;
  std::string owner_id;
  Role granted = Role::none;  // the asking user's grant (none when they own it or have none)
};

class AccountRecords {
 public:
  virtual ~AccountRecords() = default;

  // The user (created when new), one key of theirs and, when asked, the right to run code.
  virtual void add_key(std::string_view user_id, std::string_view key_sha256, bool grant_runtimes, std::int64_t now) = 0;
  // Deletes the user's keys and sessions and counts a revocation; how many keys there were.
  virtual int remove_keys(std::string_view user_id) = 0;
  virtual std::optional<StoredUser> key_user(std::string_view key_sha256) = 0;
  virtual std::optional<StoredUser> user(std::string_view id) = 0;
  // Revocations so far (keys revoked, sessions ended) by any process on these records.
  virtual std::uint64_t revocations() = 0;
  // The same read from the database now, never from memory.
  virtual std::uint64_t revocations_now() = 0;

  // Also drops the sessions expired by `now`.
  virtual void add_session(std::string_view id_sha256, std::string_view user_id, std::string_view credential_sha256,
                           std::int64_t now, std::int64_t expires_at) = 0;
  virtual std::optional<StoredSession> live_session(std::string_view id_sha256, std::int64_t now) = 0;
  // Counts a revocation when there was such a session.
  virtual bool remove_session(std::string_view id_sha256) = 0;

  virtual bool runtime_grant(std::string_view user_id) = 0;
  virtual void set_runtime_grant(std::string_view user_id, bool granted, std::int64_t now) = 0;

  virtual std::optional<std::string> notebook_owner(std::string_view notebook_id) = 0;
  // The notebook's owner and `user_id`'s grant on it; nullopt for an unknown notebook.
  struct Access {
    std::string owner_id;
    Role granted = Role::none;
  };
  virtual std::optional<Access> access(std::string_view notebook_id, std::string_view user_id) = 0;
  // False when the id is taken (also when another node took it at the same moment).
  virtual bool add_notebook(std::string_view id, std::string_view owner_id, std::int64_t now) = 0;
  // Role::none deletes the grant.
  virtual void set_grant(std::string_view notebook_id, std::string_view user_id, Role role) = 0;
  // In the order they were created.
  virtual std::vector<StoredNotebook> all_notebooks() = 0;
  virtual std::vector<StoredNotebook> notebooks_of(std::string_view user_id) = 0;  // owned or granted

  // Idempotent.
  virtual void add_artifact(std::string_view notebook_id, std::string_view sha256, std::string_view content_type,
                            std::int64_t size, std::int64_t now) = 0;
  virtual std::optional<Accounts::Artifact> artifact(std::string_view notebook_id, std::string_view sha256) = 0;
};

std::unique_ptr<AccountRecords> open_sqlite_records(const std::filesystem::path& file);
std::unique_ptr<AccountRecords> open_postgres_records(const std::string& uri);

}  // namespace runt::auth
