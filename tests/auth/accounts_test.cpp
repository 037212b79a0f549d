#include "runt/auth/accounts.hpp"
#include "runt/storage/sqlite.hpp"

#include "runt/storage/artifact_store.hpp"
#include "runt/storage/sqlite.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>

namespace runt::auth {
namespace {

class AccountsTest : public testing::Test {
 protected:
  runt::testing_support::TempDir dir_{"runt-accounts"};
  Accounts accounts_{dir_.path() / "runt.sqlite", "server-token"};
  User user(const std::string& name) {
    const auto u = accounts_.authenticate(accounts_.create_key(name));
    EXPECT_TRUE(u);
    return *u;
  }
};

TEST_F(AccountsTest, KeysAuthenticateTheirUserAndTheServerTokenTheOperator) {
  const std::string key = accounts_.create_key("alice");
  EXPECT_EQ(key.size(), 53u);
  EXPECT_EQ(accounts_.authenticate(key), (User{"alice", "alice", false}));
  EXPECT_EQ(accounts_.authenticate("server-token"), (User{"local", "local", true}));
  EXPECT_FALSE(accounts_.authenticate(""));
  EXPECT_FALSE(accounts_.authenticate("server-toke"));
  EXPECT_FALSE(accounts_.authenticate(key.substr(0, 52) + (key.back() == '0' ? "1" : "0")));
  EXPECT_NE(accounts_.create_key("alice"), key);  // a second key; both work
  EXPECT_TRUE(accounts_.authenticate(key));
}

TEST_F(AccountsTest, KeysSurviveReopeningAndOnlyTheirHashIsStored) {
  const std::string key = accounts_.create_key("alice");
  Accounts reopened(dir_.path() / "runt.sqlite", "");
  EXPECT_EQ(reopened.authenticate(key)->id, "alice");
  EXPECT_FALSE(reopened.authenticate("server-token"));  // that one is given at start-up, not stored
  std::ifstream file(dir_.path() / "runt.sqlite", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), {});
  EXPECT_EQ(bytes.find(key), std::string::npos);
}

TEST_F(AccountsTest, RevokingRemovesEveryKeyOfAUser) {
  const std::string k1 = accounts_.create_key("alice"), k2 = accounts_.create_key("alice");
  const std::string other = accounts_.create_key("bob");
  EXPECT_EQ(accounts_.revoke_keys("alice"), 2);
  EXPECT_FALSE(accounts_.authenticate(k1));
  EXPECT_FALSE(accounts_.authenticate(k2));
  EXPECT_TRUE(accounts_.authenticate(other));
}

TEST_F(AccountsTest, UserNamesAreChecked) {
  for (const char* bad : {"", "local", "a b", "a/b", "é"}) EXPECT_THROW(accounts_.create_key(bad), std::invalid_argument) << bad;
  EXPECT_THROW(accounts_.create_key(std::string(65, 'a')), std::invalid_argument);
  EXPECT_NO_THROW(accounts_.create_key("Ada.L_1-x"));
}

TEST_F(AccountsTest, TheOpenerOfAnUnknownNotebookOwnsIt) {
  const User alice = user("alice"), bob = user("bob");
  EXPECT_EQ(accounts_.role(alice, "nb"), Role::none);
  EXPECT_EQ(accounts_.open_notebook(alice, "nb"), Role::owner);
  EXPECT_EQ(accounts_.open_notebook(bob, "nb"), Role::none);
  EXPECT_EQ(accounts_.open_notebook(alice, "nb"), Role::owner);
  const User op = *accounts_.authenticate("server-token");
  EXPECT_EQ(accounts_.open_notebook(op, "nb"), Role::owner);  // the operator owns everything
  EXPECT_FALSE(accounts_.create_notebook(bob, "nb"));
  EXPECT_TRUE(accounts_.create_notebook(bob, "nb2"));
}

TEST_F(AccountsTest, OwnersGrantAndRevokeWriterAndReader) {
  const User alice = user("alice"), bob = user("bob"), carol = user("carol");
  accounts_.create_notebook(alice, "nb");
  accounts_.grant(alice, "nb", "bob", Role::reader);
  EXPECT_EQ(accounts_.role(bob, "nb"), Role::reader);
  accounts_.grant(alice, "nb", "bob", Role::writer);
  EXPECT_EQ(accounts_.role(bob, "nb"), Role::writer);
  EXPECT_THROW(accounts_.grant(bob, "nb", "carol", Role::reader), AccessDenied);  // writers cannot grant
  EXPECT_THROW(accounts_.grant(alice, "nb", "carol", Role::owner), std::invalid_argument);
  EXPECT_THROW(accounts_.grant(alice, "nb", "alice", Role::reader), std::invalid_argument);
  EXPECT_THROW(accounts_.grant(alice, "nb", "local", Role::reader), std::invalid_argument);
  EXPECT_THROW(accounts_.grant(alice, "nb", "a b", Role::reader), std::invalid_argument);
  EXPECT_THROW(accounts_.grant(alice, "missing", "bob", Role::reader), std::invalid_argument);
  EXPECT_EQ(accounts_.role(carol, "nb"), Role::none);
  accounts_.grant(alice, "nb", "bob", Role::none);
  EXPECT_EQ(accounts_.role(bob, "nb"), Role::none);
}

TEST_F(AccountsTest, AGrantToAUserNotYetCreatedAppliesOnceTheyAre) {
  // Granting must not tell an owner which user names exist: an unknown name is kept for later.
  const User alice = user("alice");
  accounts_.create_notebook(alice, "nb");
  EXPECT_NO_THROW(accounts_.grant(alice, "nb", "dave", Role::writer));
  const User dave = user("dave");
  EXPECT_EQ(accounts_.role(dave, "nb"), Role::writer);
  ASSERT_EQ(accounts_.notebooks(dave).size(), 1u);
  EXPECT_EQ(accounts_.notebooks(dave)[0].role, Role::writer);
  EXPECT_NO_THROW(accounts_.grant(alice, "nb", "erin", Role::none));  // revoking what no one has
}

TEST_F(AccountsTest, ListsTheNotebooksAUserCanRead) {
  const User alice = user("alice"), bob = user("bob");
  accounts_.create_notebook(alice, "a1");
  accounts_.create_notebook(bob, "b1");
  accounts_.create_notebook(alice, "a2");
  accounts_.grant(alice, "a2", "bob", Role::reader);
  const auto of_bob = accounts_.notebooks(bob);
  ASSERT_EQ(of_bob.size(), 2u);
  EXPECT_EQ(of_bob[0].id, "b1");
  EXPECT_EQ(of_bob[0].role, Role::owner);
  EXPECT_EQ(of_bob[1].id, "a2");
  EXPECT_EQ(of_bob[1].role, Role::reader);
  EXPECT_EQ(of_bob[1].owner_id, "alice");
  EXPECT_EQ(accounts_.notebooks(alice).size(), 2u);
  EXPECT_EQ(accounts_.notebooks(*accounts_.authenticate("server-token")).size(), 3u);
}

// ---- browser sessions

TEST_F(AccountsTest, ASessionAuthenticatesItsUserAndOnlyItsHashIsStored) {
  const std::string key = accounts_.create_key("alice");
  const auto session = accounts_.start_session(key);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->user, (User{"alice", "alice", false}));
  EXPECT_EQ(session->id.size(), 64u);
  EXPECT_NE(session->id, key);
  EXPECT_EQ(accounts_.session_user(session->id), session->user);
  EXPECT_NE(accounts_.start_session(key)->id, session->id);  // every login its own
  // A session id is not a token, and a token is not a session id.
  EXPECT_FALSE(accounts_.authenticate(session->id));
  EXPECT_FALSE(accounts_.session_user(key));
  EXPECT_FALSE(accounts_.session_user(""));
  EXPECT_FALSE(accounts_.start_session("wrong"));
  EXPECT_FALSE(accounts_.start_session(""));
  EXPECT_EQ(accounts_.start_session("server-token")->user, (User{"local", "local", true}));

  Accounts reopened(dir_.path() / "runt.sqlite", "server-token");  // a restart
  EXPECT_EQ(reopened.session_user(session->id), session->user);
  std::ifstream file(dir_.path() / "runt.sqlite", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), {});
  EXPECT_EQ(bytes.find(session->id), std::string::npos);
}

TEST_F(AccountsTest, EndingASessionLogsOutThatOneOnly) {
  const std::string key = accounts_.create_key("alice");
  const auto a = accounts_.start_session(key), b = accounts_.start_session(key);
  EXPECT_TRUE(accounts_.end_session(a->id));
  EXPECT_FALSE(accounts_.session_user(a->id));
  EXPECT_TRUE(accounts_.session_user(b->id));
  EXPECT_FALSE(accounts_.end_session(a->id));
}

TEST_F(AccountsTest, RevokingAUsersKeysEndsTheirSessions) {
  const auto alice = accounts_.start_session(accounts_.create_key("alice"));
  const auto bob = accounts_.start_session(accounts_.create_key("bob"));
  EXPECT_EQ(accounts_.revoke_keys("alice"), 1);
  EXPECT_FALSE(accounts_.session_user(alice->id));
  EXPECT_TRUE(accounts_.session_user(bob->id));
  // A new key for alice does not bring the old login back.
  accounts_.create_key("alice");
  EXPECT_FALSE(accounts_.session_user(alice->id));
}

TEST_F(AccountsTest, AnotherServerTokenEndsTheOperatorsSessions) {
  const auto op = accounts_.start_session("server-token");
  EXPECT_TRUE(Accounts(dir_.path() / "runt.sqlite", "server-token").session_user(op->id));
  EXPECT_FALSE(Accounts(dir_.path() / "runt.sqlite", "new-token").session_user(op->id));
  EXPECT_FALSE(Accounts(dir_.path() / "runt.sqlite", "").session_user(op->id));
}

TEST_F(AccountsTest, ASessionExpires) {
  const auto session = accounts_.start_session(accounts_.create_key("alice"));
  const auto started = std::chrono::system_clock::now();
  {
    storage::sqlite::Database db(dir_.path() / "runt.sqlite", "");
    storage::sqlite::Statement q(db, "SELECT expires_at - created_at FROM sessions");
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.integer(0), Accounts::kSessionSeconds * 1000);
    q.reset();
    // As if 30 days had passed.
    db.exec("UPDATE sessions SET expires_at = " +
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(started.time_since_epoch()).count()));
  }
  EXPECT_FALSE(accounts_.session_user(session->id));
}

TEST_F(AccountsTest, ArtifactsBelongToTheirNotebook) {
  accounts_.add_artifact("nb", "abc", "image/png", 10);
  accounts_.add_artifact("nb", "abc", "image/png", 10);  // idempotent
  ASSERT_TRUE(accounts_.find_artifact("nb", "abc"));
  EXPECT_EQ(accounts_.find_artifact("nb", "abc")->content_type, "image/png");
  EXPECT_EQ(accounts_.find_artifact("nb", "abc")->size, 10);
  EXPECT_FALSE(accounts_.find_artifact("other", "abc"));
}

TEST_F(AccountsTest, OnlyTheOperatorAndGrantedUsersMayRunCode) {
  user("alice");
  EXPECT_TRUE(accounts_.may_run_code("local"));
  EXPECT_FALSE(accounts_.may_run_code("alice"));  // a key and notebooks of one's own are not enough
  accounts_.set_may_run_code("alice", true);
  EXPECT_TRUE(accounts_.may_run_code("alice"));
  accounts_.set_may_run_code("alice", true);  // granting twice is harmless
  accounts_.set_may_run_code("alice", false);
  EXPECT_FALSE(accounts_.may_run_code("alice"));
  EXPECT_FALSE(accounts_.may_run_code("nobody"));
}

TEST_F(AccountsTest, BadRuntimeGrantsChangeNothing) {
  EXPECT_THROW(accounts_.set_may_run_code("nobody", true), std::invalid_argument);
  EXPECT_FALSE(accounts_.find_user("nobody"));  // not created on the way
  EXPECT_FALSE(accounts_.may_run_code("nobody"));
  EXPECT_THROW(accounts_.set_may_run_code("local", false), std::invalid_argument);
  EXPECT_TRUE(accounts_.may_run_code("local"));
}

TEST_F(AccountsTest, AKeyCanComeWithTheRightToRunCodeButNeverTakesItAway) {
  accounts_.create_key("alice", {.grant_runtimes = true});
  EXPECT_TRUE(accounts_.may_run_code("alice"));
  accounts_.create_key("alice");
  EXPECT_TRUE(accounts_.may_run_code("alice"));
  accounts_.create_key("bob");
  EXPECT_FALSE(accounts_.may_run_code("bob"));
  Accounts reopened(dir_.path() / "runt.sqlite", "");
  EXPECT_TRUE(reopened.may_run_code("alice"));
}

TEST_F(AccountsTest, NotebooksKnowTheirOwner) {
  const User alice = user("alice");
  accounts_.create_notebook(alice, "nb");
  EXPECT_EQ(accounts_.owner("nb"), "alice");
  EXPECT_FALSE(accounts_.owner("missing"));
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
