// Accounts in SQLite: the contract tests (accounts_test.cpp), and what only the SQLite file has.

#include "accounts_fixture.hpp"

#include "runt/storage/artifact_store.hpp"

namespace runt::auth {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, AccountsTest, testing::Values(Backend::sqlite), backend_name);

// Without --store, runt serve and `runt token` keep accounts where they always have.
TEST(AccountsOpen, WithoutAStoreTheyLiveInTheDataDirectorysFile) {
  runt::testing_support::TempDir dir{"runt-accounts-open"};
  const std::string key = Accounts::open("", dir.path(), "").create_key("alice");
  EXPECT_TRUE(std::filesystem::is_regular_file(dir.path() / "runt.sqlite"));
  EXPECT_EQ(Accounts(dir.path() / "runt.sqlite", "").authenticate(key)->id, "alice");
}

// A data directory written before runtime grants existed keeps its users, keys and notebooks,
// and its users may not run code until granted.
TEST(AccountsMigration, OlderDataDirectoriesGainRuntimeGrants) {
  runt::testing_support::TempDir dir{"runt-accounts-old"};
  const std::string key = "runt_" + std::string(48, 'a');
  {
    storage::sqlite::Database old(dir.path() / "runt.sqlite", R"(
      CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;
      CREATE TABLE api_keys (
        key_sha256 TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), created_at INTEGER NOT NULL) STRICT;
      CREATE TABLE notebooks (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;
      CREATE TABLE grants (
        notebook_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL,
        PRIMARY KEY (notebook_id, user_id)) STRICT, WITHOUT ROWID;
      CREATE TABLE artifacts (
        notebook_id TEXT NOT NULL, sha256 TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL,
        created_at INTEGER NOT NULL, PRIMARY KEY (notebook_id, sha256)) STRICT, WITHOUT ROWID;
      INSERT INTO users VALUES ('bob', 'bob', 1);
      INSERT INTO notebooks VALUES ('nb', 'bob', 1);
    )");
    old.exec("INSERT INTO api_keys VALUES ('" + storage::sha256_hex(key) + "', 'bob', 1)");
  }
  Accounts accounts(dir.path() / "runt.sqlite", "");
  ASSERT_TRUE(accounts.authenticate(key));
  EXPECT_EQ(accounts.owner("nb"), "bob");
  EXPECT_FALSE(accounts.may_run_code("bob"));
  accounts.set_may_run_code("bob", true);
  EXPECT_TRUE(accounts.may_run_code("bob"));
}

TEST(Roles, NamesRoundTrip) {
  for (const Role r : {Role::none, Role::reader, Role::writer, Role::owner}) EXPECT_EQ(parse_role(role_name(r)), r);
  EXPECT_FALSE(parse_role("admin"));
}

}  // namespace
}  // namespace runt::auth
