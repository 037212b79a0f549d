// The account records in the server's SQLite file, beside its event logs.

#include "account_records.hpp"

#include "runt/storage/sqlite.hpp"

namespace runt::auth {

namespace {

using storage::sqlite::Reset;
using storage::sqlite::Statement;

// Each table is created on its own (IF NOT EXISTS) so that files of earlier versions gain the
// tables added since. `runt migrate` copies these tables into PostgreSQL (postgres_records.cpp
// keeps the same names and columns).
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

// Grants hold only reader or writer; anything else reads as none.
Role stored_role(std::string_view name) { return parse_role(name).value_or(Role::none); }

class SqliteRecords final : public AccountRecords {
 public:
  explicit SqliteRecords(const std::filesystem::path& file) : db_(file, kSchema) {}

  void add_key(std::string_view user_id, std::string_view key_sha256, bool grant_runtimes, std::int64_t now) override {
    storage::sqlite::Transaction transaction(db_);
    run(insert_user_, {user_id, user_id, now});
    run(insert_key_, {key_sha256, user_id, now});
    if (grant_runtimes) run(insert_runtime_grant_, {user_id, now});
    transaction.commit();
  }

  int remove_keys(std::string_view user_id) override {
    storage::sqlite::Transaction transaction(db_);
    run(delete_keys_, {user_id});
    const int removed = storage::sqlite::changes(db_);
    run(delete_user_sessions_, {user_id});
    run(increment_revocations_, {});
    transaction.commit();
    return removed;
  }

  std::optional<StoredUser> key_user(std::string_view key_sha256) override {
    Reset r{key_user_};
    key_user_.bind(1, key_sha256);
    if (!key_user_.step()) return std::nullopt;
    return StoredUser{key_user_.text(0), key_user_.text(1)};
  }

  std::optional<StoredUser> user(std::string_view id) override {
    Reset r{user_by_id_};
    user_by_id_.bind(1, id);
    if (!user_by_id_.step()) return std::nullopt;
    return StoredUser{user_by_id_.text(0), user_by_id_.text(1)};
  }

  // Counted in the file, not in memory: `runt token revoke` runs in another process. One small
  // query per call.
  std::uint64_t revocations() override {
    Reset r{revocations_};
    revocations_.step();
    return static_cast<std::uint64_t>(revocations_.integer(0));
  }

  std::uint64_t revocations_now() override { return revocations(); }

  void add_session(std::string_view id_sha256, std::string_view user_id, std::string_view credential_sha256,
                   std::int64_t now, std::int64_t expires_at) override {
    storage::sqlite::Transaction transaction(db_);
    run(delete_expired_sessions_, {now});
    {
      Reset r{insert_session_};
      insert_session_.bind(1, id_sha256).bind(2, user_id).bind(3, credential_sha256).bind(4, now).bind(5, expires_at).step();
    }
    transaction.commit();
  }

  std::optional<StoredSession> live_session(std::string_view id_sha256, std::int64_t now) override {
    Reset r{session_};
    session_.bind(1, id_sha256).bind(2, now);
    if (!session_.step()) return std::nullopt;
    StoredSession s{session_.text(0), session_.text(1), std::nullopt};
    if (!session_.is_null(2)) s.key_user_name = session_.text(2);
    return s;
  }

  bool remove_session(std::string_view id_sha256) override {
    storage::sqlite::Transaction transaction(db_);
    run(delete_session_, {id_sha256});
    const bool removed = storage::sqlite::changes(db_) > 0;
    if (removed) run(increment_revocations_, {});
    transaction.commit();
    return removed;
  }

  bool runtime_grant(std::string_view user_id) override {
    Reset r{runtime_grant_};
    runtime_grant_.bind(1, user_id);
    return runtime_grant_.step();
  }

  void set_runtime_grant(std::string_view user_id, bool granted, std::int64_t now) override {
    if (granted)
      run(insert_runtime_grant_, {user_id, now});
    else
      run(delete_runtime_grant_, {user_id});
  }

  std::optional<std::string> notebook_owner(std::string_view notebook_id) override {
    Reset r{notebook_owner_};
    notebook_owner_.bind(1, notebook_id);
    if (!notebook_owner_.step()) return std::nullopt;
    return notebook_owner_.text(0);
  }

  std::optional<Access> access(std::string_view notebook_id, std::string_view user_id) override {
    Reset r{access_};
    access_.bind(1, notebook_id).bind(2, user_id);
    if (!access_.step()) return std::nullopt;
    return Access{access_.text(0), access_.is_null(1) ? Role::none : stored_role(access_.text(1))};
  }

  bool add_notebook(std::string_view id, std::string_view owner_id, std::int64_t now) override {
    run(insert_notebook_, {id, owner_id, now});
    return storage::sqlite::changes(db_) > 0;
  }

  void set_grant(std::string_view notebook_id, std::string_view user_id, Role role) override {
    if (role == Role::none)
      run(delete_grant_, {notebook_id, user_id});
    else
      run(upsert_grant_, {notebook_id, user_id, role_name(role)});
  }

  std::vector<StoredNotebook> all_notebooks() override {
    std::vector<StoredNotebook> out;
    Reset r{all_notebooks_};
    while (all_notebooks_.step()) out.push_back({all_notebooks_.text(0), all_notebooks_.text(1), Role::none});
    return out;
  }

  std::vector<StoredNotebook> notebooks_of(std::string_view user_id) override {
    std::vector<StoredNotebook> out;
    Reset r{user_notebooks_};
    user_notebooks_.bind(1, user_id);
    while (user_notebooks_.step())
      out.push_back({user_notebooks_.text(0), user_notebooks_.text(1),
                     user_notebooks_.is_null(2) ? Role::none : stored_role(user_notebooks_.text(2))});
    return out;
  }

  void add_artifact(std::string_view notebook_id, std::string_view sha256, std::string_view content_type,
                    std::int64_t size, std::int64_t now) override {
    Reset r{insert_artifact_};
    insert_artifact_.bind(1, notebook_id).bind(2, sha256).bind(3, content_type).bind(4, size).bind(5, now).step();
  }

  std::optional<Accounts::Artifact> artifact(std::string_view notebook_id, std::string_view sha256) override {
    Reset r{artifact_};
    artifact_.bind(1, notebook_id).bind(2, sha256);
    if (!artifact_.step()) return std::nullopt;
    return Accounts::Artifact{artifact_.text(0), artifact_.integer(1)};
  }

 private:
  // A statement whose parameters are all text or integers, run once for its effect.
  struct Value {
    Value(std::string_view t) : text(t), is_text(true) {}
    Value(std::int64_t n) : number(n) {}
    std::string_view text;
    std::int64_t number = 0;
    bool is_text = false;
  };
  static void run(Statement& statement, std::initializer_list<Value> values) {
    Reset r{statement};
    int i = 1;
    for (const Value& v : values) {
      if (v.is_text)
        statement.bind(i++, v.text);
      else
        statement.bind(i++, v.number);
    }
    statement.step();
  }

  storage::sqlite::Database db_;
  Statement insert_user_{db_, "INSERT OR IGNORE INTO users (id, name, created_at) VALUES (?, ?, ?)"};
  Statement insert_key_{db_, "INSERT INTO api_keys (key_sha256, user_id, created_at) VALUES (?, ?, ?)"};
  Statement delete_keys_{db_, "DELETE FROM api_keys WHERE user_id = ?"};
  Statement insert_session_{db_,
                            "INSERT INTO sessions (id_sha256, user_id, credential_sha256, created_at, expires_at) "
                            "VALUES (?, ?, ?, ?, ?)"};
  Statement delete_expired_sessions_{db_, "DELETE FROM sessions WHERE expires_at <= ?"};
  Statement delete_session_{db_, "DELETE FROM sessions WHERE id_sha256 = ?"};
  Statement delete_user_sessions_{db_, "DELETE FROM sessions WHERE user_id = ?"};
  // The session's user, and whether the key that started it still exists.
  Statement session_{db_,
                     "SELECT s.user_id, s.credential_sha256, u.name FROM sessions s "
                     "LEFT JOIN api_keys k ON k.key_sha256 = s.credential_sha256 AND k.user_id = s.user_id "
                     "LEFT JOIN users u ON u.id = k.user_id WHERE s.id_sha256 = ? AND s.expires_at > ?"};
  Statement key_user_{db_, "SELECT u.id, u.name FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_sha256 = ?"};
  Statement user_by_id_{db_, "SELECT id, name FROM users WHERE id = ?"};
  Statement runtime_grant_{db_, "SELECT 1 FROM runtime_grants WHERE user_id = ?"};
  Statement insert_runtime_grant_{db_, "INSERT OR IGNORE INTO runtime_grants (user_id, granted_at) VALUES (?, ?)"};
  Statement delete_runtime_grant_{db_, "DELETE FROM runtime_grants WHERE user_id = ?"};
  Statement notebook_owner_{db_, "SELECT owner_id FROM notebooks WHERE id = ?"};
  Statement access_{db_,
                    "SELECT n.owner_id, g.role FROM notebooks n "
                    "LEFT JOIN grants g ON g.notebook_id = n.id AND g.user_id = ?2 WHERE n.id = ?1"};
  Statement insert_notebook_{db_, "INSERT OR IGNORE INTO notebooks (id, owner_id, created_at) VALUES (?, ?, ?)"};
  Statement upsert_grant_{db_, "INSERT OR REPLACE INTO grants (notebook_id, user_id, role) VALUES (?, ?, ?)"};
  Statement delete_grant_{db_, "DELETE FROM grants WHERE notebook_id = ? AND user_id = ?"};
  Statement all_notebooks_{db_, "SELECT id, owner_id FROM notebooks ORDER BY rowid"};
  Statement user_notebooks_{db_,
                            "SELECT n.id, n.owner_id, g.role FROM notebooks n LEFT JOIN grants g "
                            "ON g.notebook_id = n.id AND g.user_id = ?1 "
                            "WHERE n.owner_id = ?1 OR g.role IS NOT NULL ORDER BY n.rowid"};
  Statement insert_artifact_{db_,
                             "INSERT OR IGNORE INTO artifacts (notebook_id, sha256, content_type, size, created_at) "
                             "VALUES (?, ?, ?, ?, ?)"};
  Statement artifact_{db_, "SELECT content_type, size FROM artifacts WHERE notebook_id = ? AND sha256 = ?"};
  Statement increment_revocations_{db_, "UPDATE revocations SET count = count + 1 WHERE id = 1"};
  Statement revocations_{db_, "SELECT count FROM revocations WHERE id = 1"};
};

}  // namespace

std::unique_ptr<AccountRecords> open_sqlite_records(const std::filesystem::path& file) {
  return std::make_unique<SqliteRecords>(file);
}

}  // namespace runt::auth
