// Accounts in PostgreSQL: the contract tests (accounts_test.cpp), and what sharing one database
// between server nodes adds: what one node writes the others see, revocations reach every
// node's revision() within a second without a query per call, racing nodes agree on owners,
// and a database that fails mid-way leaves nothing half-written.

#include "accounts_fixture.hpp"
#include "throwaway_cluster.hpp"

#include "runt/storage/postgres.hpp"
#include "runt/storage/postgres_fences.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <thread>
#include <vector>

namespace runt::auth {
namespace {

using namespace std::chrono_literals;
using testing_support::PostgresDatabase;

INSTANTIATE_TEST_SUITE_P(Postgres, AccountsTest, testing::Values(Backend::postgres), backend_name);

template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// Two nodes (two Accounts, two connections) on one database.
class TwoNodes : public testing::Test {
 protected:
  testing_support::TempDir dir_{"runt-accounts-nodes"};
  PostgresDatabase db_;
  Accounts a_ = Accounts::open(db_.uri(), dir_.path(), "server-token");
  Accounts b_ = Accounts::open(db_.uri(), dir_.path(), "server-token");
};

TEST_F(TwoNodes, WhatOneWritesTheOtherSees) {
  const std::string key = a_.create_key("alice", {.grant_runtimes = true});
  const auto alice = b_.authenticate(key);
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->id, "alice");
  EXPECT_TRUE(b_.may_run_code("alice"));
  const auto session = a_.start_session(key);
  EXPECT_EQ(b_.session_user(session->id), alice);  // a login on one node works on every node
  EXPECT_TRUE(a_.create_notebook(*alice, "nb"));
  EXPECT_EQ(b_.owner("nb"), "alice");
  a_.grant(*alice, "nb", "bob", Role::reader);
  b_.grant(*alice, "nb", "bob", Role::writer);  // the upsert replaces, from either node
  const std::string bob_key = b_.create_key("bob");
  EXPECT_EQ(a_.role(*a_.authenticate(bob_key), "nb"), Role::writer);
  b_.add_artifact("nb", "abc", "image/png", 3);
  EXPECT_EQ(a_.find_artifact("nb", "abc")->size, 3);
  // No file in the data directory: everything went to the database.
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "runt.sqlite"));
}

TEST_F(TwoNodes, ARevocationOnOneNodeReachesTheOthersRevisionWithinASecond) {
  const std::string key = a_.create_key("alice");
  const auto session = a_.start_session(key);
  const std::uint64_t before = b_.revision();
  EXPECT_EQ(a_.revoke_keys("alice"), 1);
  EXPECT_TRUE(eventually([&] { return b_.revision() > before; }, 1s)) << b_.revision();
  EXPECT_FALSE(b_.authenticate(key));
  EXPECT_FALSE(b_.session_user(session->id));

  // A logout too; and a third process (`runt token revoke`) that opens, revokes and goes.
  const std::uint64_t after_revoke = b_.revision();
  const auto other = a_.start_session(a_.create_key("carol"));
  EXPECT_TRUE(a_.end_session(other->id));
  EXPECT_TRUE(eventually([&] { return b_.revision() > after_revoke; }, 1s));
  const std::uint64_t after_logout = b_.revision();
  Accounts::open(db_.uri(), dir_.path(), "").revoke_keys("carol");
  EXPECT_TRUE(eventually([&] { return b_.revision() > after_logout; }, 1s));
  EXPECT_EQ(a_.revision(), b_.revision());
}

// What a server asks before it takes a push: no waiting for the notification.
TEST_F(TwoNodes, RevisionNowSeesARevocationAtOnce) {
  const std::uint64_t before = b_.revision();
  a_.revoke_keys("alice");
  EXPECT_EQ(b_.revision_now(), before + 1);
  EXPECT_EQ(b_.revision(), before + 1);  // and the cached one moved with it
}

// revision() is asked for every sync frame: on PostgreSQL it must not query the database. With
// the revocations table locked by another transaction, a query would wait; the calls must not.
TEST_F(TwoNodes, TheRevisionIsAnsweredFromMemory) {
  const std::uint64_t before = b_.revision();  // starts listening
  a_.revoke_keys("nobody");
  // Heard: b_ listens, and the re-read after it connected is done (one more call to be sure).
  ASSERT_TRUE(eventually([&] { return b_.revision() > before; }, 5s));
  b_.revision();
  storage::pg::Connection locker(db_.uri());
  locker.exec("BEGIN");
  locker.exec("LOCK TABLE runt_fences IN ACCESS EXCLUSIVE MODE");  // where the count is
  auto calls = std::async(std::launch::async, [&] {
    std::uint64_t last = 0;
    for (int i = 0; i < 100000; ++i) last = b_.revision();
    return last;
  });
  const bool answered = calls.wait_for(5s) == std::future_status::ready;
  locker.exec("ROLLBACK");  // lets a waiting query through, for the test to end either way
  EXPECT_TRUE(answered) << "revision() waited for the database";
  EXPECT_EQ(calls.get(), before + 1);
}

// The listening connection is cut: a revocation made before it is back is still seen, by the
// re-read after it reconnects.
TEST_F(TwoNodes, ARevocationMissedWhileNotListeningIsSeenAfterReconnecting) {
  const std::string key = a_.create_key("alice");
  const std::uint64_t before = b_.revision();
  storage::pg::Connection admin(db_.uri());
  // b_'s listening connection (only an Accounts asked for revision() listens), once it is up.
  ASSERT_TRUE(eventually(
      [&] {
        return !admin
                    .query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                           " AND query = 'LISTEN runt_accounts'")
                    .empty();
      },
      5s));
  a_.revoke_keys("alice");
  EXPECT_TRUE(eventually([&] { return b_.revision() > before; }, 5s));
}

TEST_F(TwoNodes, NodesCreatingOneNotebookAtOnceGiveItOneOwner) {
  const User alice = *a_.authenticate(a_.create_key("alice"));
  const User bob = *b_.authenticate(b_.create_key("bob"));
  constexpr int kNotebooks = 40;
  std::vector<bool> a_won(kNotebooks), b_won(kNotebooks);
  std::vector<Role> a_opened(kNotebooks), b_opened(kNotebooks);
  std::atomic<int> ready{0};
  auto race = [&](Accounts& accounts, const User& user, std::vector<bool>& won, std::vector<Role>& opened) {
    ++ready;
    while (ready < 2) {
    }
    for (int i = 0; i < kNotebooks; ++i) {
      won[static_cast<size_t>(i)] = accounts.create_notebook(user, "created-" + std::to_string(i));
      opened[static_cast<size_t>(i)] = accounts.open_notebook(user, "opened-" + std::to_string(i));
    }
  };
  std::thread ta([&] { race(a_, alice, a_won, a_opened); });
  std::thread tb([&] { race(b_, bob, b_won, b_opened); });
  ta.join();
  tb.join();
  for (int i = 0; i < kNotebooks; ++i) {
    const auto n = static_cast<size_t>(i);
    EXPECT_NE(a_won[n], b_won[n]) << i;  // exactly one creator
    EXPECT_EQ(a_.owner("created-" + std::to_string(i)), a_won[n] ? "alice" : "bob");
    // Whoever opened first owns it; the other got no role in someone else's notebook.
    const auto owner = b_.owner("opened-" + std::to_string(i));
    ASSERT_TRUE(owner);
    EXPECT_EQ(a_opened[n], *owner == "alice" ? Role::owner : Role::none) << i;
    EXPECT_EQ(b_opened[n], *owner == "bob" ? Role::owner : Role::none) << i;
  }
}

// A statement failing half-way through a change: the change is rolled back whole, with a
// StorageError naming the cause.
TEST_F(TwoNodes, AChangeThatFailsHalfWayLeavesNothingBehind) {
  storage::pg::Connection admin(db_.uri());
  // The second statement of create_key (its key) fails for mallory: her user row must go too.
  admin.exec("ALTER TABLE api_keys ADD CONSTRAINT no_mallory CHECK (user_id <> 'mallory')");
  EXPECT_THROW(a_.create_key("mallory"), storage::StorageError);
  EXPECT_FALSE(b_.find_user("mallory"));

  // The revocation count cannot move: the keys and sessions deleted before it come back.
  const std::string key = a_.create_key("alice");
  const auto session = a_.start_session(key);
  const std::uint64_t before = a_.revision();
  admin.exec("ALTER TABLE runt_fences ADD CONSTRAINT frozen CHECK (name <> 'revocations' OR value <= " +
             std::to_string(before) + ")");
  try {
    a_.revoke_keys("alice");
    ADD_FAILURE() << "revoked without counting it";
  } catch (const storage::StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("frozen"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(b_.authenticate(key));
  EXPECT_EQ(b_.session_user(session->id)->id, "alice");
  EXPECT_EQ(a_.revision(), before);
  // And the same Accounts carries on once the database allows it again.
  admin.exec("ALTER TABLE runt_fences DROP CONSTRAINT frozen");
  EXPECT_EQ(a_.revoke_keys("alice"), 1);
  EXPECT_FALSE(b_.authenticate(key));
}

TEST(AccountsSchema, IsVersionedAsTheAccountsComponent) {
  PostgresDatabase db;
  testing_support::TempDir dir{"runt-accounts-schema"};
  { Accounts::open(db.uri(), dir.path(), "").create_key("alice"); }
  { Accounts::open(db.uri(), dir.path(), "").create_key("bob"); }  // a second open migrates nothing
  storage::pg::Connection c(db.uri());
  EXPECT_EQ(c.query("SELECT version FROM runt_schema WHERE component = 'accounts'").integer(0, 0), 2);
  EXPECT_EQ(c.query("SELECT count(*) FROM users").integer(0, 0), 2);
  // Written by a newer runt: refused, with what to do.
  c.exec("UPDATE runt_schema SET version = 3 WHERE component = 'accounts'");
  try {
    Accounts::open(db.uri(), dir.path(), "");
    ADD_FAILURE() << "opened a newer schema";
  } catch (const storage::StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("upgrade runt"), std::string::npos) << e.what();
  }
}

// The database goes away: every change fails with a clear StorageError and nothing is written;
// revision() keeps answering (what it knew); once the database is back the same Accounts works
// again and hears revocations again. Its own cluster: stopping the shared one would disturb the
// other tests.
TEST(AccountsOutage, ChangesFailClearlyWhileTheDatabaseIsDownAndWorkAfter) {
  const testing_support::TempDir dir("runt-accounts-outage");
  testing_support::ThrowawayCluster cluster;
  const std::string uri = cluster.uri();
  {
    Accounts a = Accounts::open(uri, dir.path(), "server-token");
    Accounts b = Accounts::open(uri, dir.path(), "server-token");
    const std::string key = a.create_key("alice");
    const std::uint64_t known = b.revision();
    std::this_thread::sleep_for(200ms);  // b listens
    cluster.kill();
    for (const auto& change : std::vector<std::function<void()>>{[&] { a.create_key("bob"); },
                                                                 [&] { a.revoke_keys("alice"); },
                                                                 [&] { a.authenticate(key); }}) {
      try {
        change();
        ADD_FAILURE() << "worked without a database";
      } catch (const storage::StorageError& e) {
        EXPECT_NE(std::string(e.what()).find("PostgreSQL"), std::string::npos) << e.what();
      }
    }
    EXPECT_EQ(b.revision(), known);  // no exception on the sync path: what it knew stands
    cluster.restart();
    EXPECT_FALSE(a.find_user("bob"));   // nothing of the failed changes
    EXPECT_EQ(a.authenticate(key)->id, "alice");
    EXPECT_EQ(b.revision(), known);
    a.revoke_keys("alice");  // b's listener reconnects by itself and hears it
    EXPECT_TRUE(eventually([&] { return b.revision() > known; }, 10s));
  }
}

// Accounts version 1 kept the revocation count in its own table; version 2 moves it to the
// storage fence that event appends are written under, so a database upgraded after three
// revocations does not start again at 0 (a server would then write under a stale fence).
TEST(AccountsSchema, VersionOneCountsBecomeTheRevocationsFence) {
  testing_support::TempDir dir{"runt-accounts-v1"};
  PostgresDatabase db;
  {
    storage::pg::Connection old(db.uri());
    old.exec(
        "CREATE TABLE runt_schema (component text PRIMARY KEY, version integer NOT NULL);"
        "INSERT INTO runt_schema VALUES ('accounts', 1);"
        "CREATE TABLE users (id text PRIMARY KEY, name text NOT NULL, created_at bigint NOT NULL);"
        "CREATE TABLE api_keys (key_sha256 text PRIMARY KEY, user_id text NOT NULL REFERENCES users (id), created_at bigint NOT NULL);"
        "CREATE TABLE sessions (id_sha256 text PRIMARY KEY, user_id text NOT NULL, credential_sha256 text NOT NULL,"
        " created_at bigint NOT NULL, expires_at bigint NOT NULL);"
        "CREATE TABLE notebooks (id text PRIMARY KEY, owner_id text NOT NULL, created_at bigint NOT NULL,"
        " position bigint GENERATED BY DEFAULT AS IDENTITY UNIQUE);"
        "CREATE TABLE grants (notebook_id text NOT NULL, user_id text NOT NULL, role text NOT NULL, PRIMARY KEY (notebook_id, user_id));"
        "CREATE TABLE runtime_grants (user_id text PRIMARY KEY REFERENCES users (id), granted_at bigint NOT NULL);"
        "CREATE TABLE artifacts (notebook_id text NOT NULL, sha256 text NOT NULL, content_type text NOT NULL,"
        " size bigint NOT NULL, created_at bigint NOT NULL, PRIMARY KEY (notebook_id, sha256));"
        "CREATE TABLE revocations (id integer PRIMARY KEY CHECK (id = 1), count bigint NOT NULL);"
        "INSERT INTO revocations VALUES (1, 3);");
  }
  Accounts accounts = Accounts::open(db.uri(), dir.path(), "server-token");
  EXPECT_EQ(accounts.revision_now(), 3u);
  const std::string key = accounts.create_key("alice");
  accounts.revoke_keys("alice");
  EXPECT_EQ(accounts.revision_now(), 4u);
  storage::pg::Connection check(db.uri());
  EXPECT_EQ(storage::pg::read_fence(check, Accounts::kRevisionFence), 4u);
  EXPECT_TRUE(check.query("SELECT 1 FROM pg_tables WHERE tablename = 'revocations'").empty());
  EXPECT_EQ(check.query("SELECT version FROM runt_schema WHERE component = 'accounts'").integer(0, 0), 2);
}

}  // namespace
}  // namespace runt::auth
