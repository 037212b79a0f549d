// What Accounts promises, wherever its records are kept: these tests run on SQLite
// (auth_tests) and on PostgreSQL (auth_postgres_tests), instantiated by accounts_sqlite_test.cpp
// and accounts_postgres_test.cpp.

#include "accounts_fixture.hpp"

#include <chrono>

namespace runt::auth {
namespace {

TEST_P(AccountsTest, KeysAuthenticateTheirUserAndTheServerTokenTheOperator) {
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

TEST_P(AccountsTest, KeysSurviveReopeningAndOnlyTheirHashIsStored) {
  const std::string key = accounts_.create_key("alice");
  auto reopened = open("");
  EXPECT_EQ(reopened.authenticate(key)->id, "alice");
  EXPECT_FALSE(reopened.authenticate("server-token"));  // that one is given at start-up, not stored
  EXPECT_EQ(stored().find(key), std::string::npos);
}

TEST_P(AccountsTest, RevokingRemovesEveryKeyOfAUser) {
  const std::string k1 = accounts_.create_key("alice"), k2 = accounts_.create_key("alice");
  const std::string other = accounts_.create_key("bob");
  EXPECT_EQ(accounts_.revoke_keys("alice"), 2);
  EXPECT_FALSE(accounts_.authenticate(k1));
  EXPECT_FALSE(accounts_.authenticate(k2));
  EXPECT_TRUE(accounts_.authenticate(other));
}

TEST_P(AccountsTest, UserNamesAreChecked) {
  for (const char* bad : {"", "local", "a b", "a/b", "é"}) EXPECT_THROW(accounts_.create_key(bad), std::invalid_argument) << bad;
  EXPECT_THROW(accounts_.create_key(std::string(65, 'a')), std::invalid_argument);
  EXPECT_NO_THROW(accounts_.create_key("Ada.L_1-x"));
}

TEST_P(AccountsTest, TheOpenerOfAnUnknownNotebookOwnsIt) {
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

TEST_P(AccountsTest, OwnersGrantAndRevokeWriterAndReader) {
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

TEST_P(AccountsTest, AGrantToAUserNotYetCreatedAppliesOnceTheyAre) {
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

TEST_P(AccountsTest, ListsTheNotebooksAUserCanRead) {
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

TEST_P(AccountsTest, ASessionAuthenticatesItsUserAndOnlyItsHashIsStored) {
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

  auto reopened = open("server-token");  // a restart
  EXPECT_EQ(reopened.session_user(session->id), session->user);
  EXPECT_EQ(stored().find(session->id), std::string::npos);
}

TEST_P(AccountsTest, EndingASessionLogsOutThatOneOnly) {
  const std::string key = accounts_.create_key("alice");
  const auto a = accounts_.start_session(key), b = accounts_.start_session(key);
  EXPECT_TRUE(accounts_.end_session(a->id));
  EXPECT_FALSE(accounts_.session_user(a->id));
  EXPECT_TRUE(accounts_.session_user(b->id));
  EXPECT_FALSE(accounts_.end_session(a->id));
}

TEST_P(AccountsTest, RevokingAUsersKeysEndsTheirSessions) {
  const auto alice = accounts_.start_session(accounts_.create_key("alice"));
  const auto bob = accounts_.start_session(accounts_.create_key("bob"));
  EXPECT_EQ(accounts_.revoke_keys("alice"), 1);
  EXPECT_FALSE(accounts_.session_user(alice->id));
  EXPECT_TRUE(accounts_.session_user(bob->id));
  // A new key for alice does not bring the old login back.
  accounts_.create_key("alice");
  EXPECT_FALSE(accounts_.session_user(alice->id));
}

TEST_P(AccountsTest, AnotherServerTokenEndsTheOperatorsSessions) {
  const auto op = accounts_.start_session("server-token");
  EXPECT_TRUE(open("server-token").session_user(op->id));
  EXPECT_FALSE(open("new-token").session_user(op->id));
  EXPECT_FALSE(open("").session_user(op->id));
}

TEST_P(AccountsTest, ASessionExpires) {
  const auto session = accounts_.start_session(accounts_.create_key("alice"));
  const auto started = std::chrono::system_clock::now();
  EXPECT_EQ(integer("SELECT expires_at - created_at FROM sessions"), Accounts::kSessionSeconds * 1000);
  // As if 30 days had passed.
  exec("UPDATE sessions SET expires_at = " +
       std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(started.time_since_epoch()).count()));
  EXPECT_FALSE(accounts_.session_user(session->id));
}

TEST_P(AccountsTest, ArtifactsBelongToTheirNotebook) {
  accounts_.add_artifact("nb", "abc", "image/png", 10);
  accounts_.add_artifact("nb", "abc", "image/png", 10);  // idempotent
  ASSERT_TRUE(accounts_.find_artifact("nb", "abc"));
  EXPECT_EQ(accounts_.find_artifact("nb", "abc")->content_type, "image/png");
  EXPECT_EQ(accounts_.find_artifact("nb", "abc")->size, 10);
  EXPECT_FALSE(accounts_.find_artifact("other", "abc"));
}

TEST_P(AccountsTest, OnlyTheOperatorAndGrantedUsersMayRunCode) {
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

TEST_P(AccountsTest, BadRuntimeGrantsChangeNothing) {
  EXPECT_THROW(accounts_.set_may_run_code("nobody", true), std::invalid_argument);
  EXPECT_FALSE(accounts_.find_user("nobody"));  // not created on the way
  EXPECT_FALSE(accounts_.may_run_code("nobody"));
  EXPECT_THROW(accounts_.set_may_run_code("local", false), std::invalid_argument);
  EXPECT_TRUE(accounts_.may_run_code("local"));
}

TEST_P(AccountsTest, AKeyCanComeWithTheRightToRunCodeButNeverTakesItAway) {
  accounts_.create_key("alice", {.grant_runtimes = true});
  EXPECT_TRUE(accounts_.may_run_code("alice"));
  accounts_.create_key("alice");
  EXPECT_TRUE(accounts_.may_run_code("alice"));
  accounts_.create_key("bob");
  EXPECT_FALSE(accounts_.may_run_code("bob"));
  EXPECT_TRUE(open("").may_run_code("alice"));
}

TEST_P(AccountsTest, NotebooksKnowTheirOwner) {
  const User alice = user("alice");
  accounts_.create_notebook(alice, "nb");
  EXPECT_EQ(accounts_.owner("nb"), "alice");
  EXPECT_FALSE(accounts_.owner("missing"));
}

TEST_P(AccountsTest, RevocationsMoveTheRevisionForEveryoneOnTheRecords) {
  const auto session = accounts_.start_session(accounts_.create_key("alice"));
  const std::uint64_t start = accounts_.revision();
  EXPECT_EQ(accounts_.revision(), start);  // nothing revoked, nothing moved
  accounts_.create_key("bob");
  accounts_.create_notebook(*accounts_.find_user("bob"), "nb");
  EXPECT_EQ(accounts_.revision(), start);
  EXPECT_TRUE(accounts_.end_session(session->id));
  EXPECT_GT(accounts_.revision(), start);  // seen at once by the one that revoked
  const std::uint64_t after_logout = accounts_.revision();
  EXPECT_FALSE(accounts_.end_session(session->id));  // no such session: no revocation
  EXPECT_EQ(accounts_.revision(), after_logout);
  open("").revoke_keys("bob");  // as `runt token revoke` does, in its own Accounts
  EXPECT_EQ(open("").revision(), after_logout + 1);
}

TEST_P(AccountsTest, OpeningAKnownNotebookCreatesNothing) {
  const User alice = user("alice"), bob = user("bob");
  EXPECT_EQ(accounts_.open_notebook(alice, "nb"), Role::owner);
  accounts_.grant(alice, "nb", "bob", Role::writer);
  EXPECT_EQ(accounts_.open_notebook(bob, "nb"), Role::writer);
  EXPECT_EQ(accounts_.owner("nb"), "alice");
  EXPECT_EQ(integer("SELECT count(*) FROM notebooks"), 1);
}

}  // namespace
}  // namespace runt::auth
