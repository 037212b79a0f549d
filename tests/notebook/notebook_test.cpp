// The Notebook interface, held to one contract by both implementations: the in-process
// LocalNotebook and the SyncedNotebook on a real runt serve (in-process, real sockets and
// SQLite). A client written against Notebook must not be able to tell them apart, except that a
// synced notebook has pending events until the server confirms them.

#include "runt/notebook/local_notebook.hpp"
#include "runt/notebook/synced_notebook.hpp"
#include "run_until.hpp"
#include "server_thread.hpp"
#include "temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>


namespace runt::notebook {
namespace {

using namespace std::chrono_literals;
namespace events = schema::events;

const events::CellCreatedV2 kCell{"cell-1", "a0", schema::CellType::code, "user-1"};

bool run_until(boost::asio::io_context& io, const std::function<bool()>& done) {
  return testing_support::run_until(io, done, 10s);
}

TEST(LocalNotebook, CommitsAreOrderedMaterializedAndLoggedAtOnce) {
  LocalNotebook notebook("runt-test");
  std::vector<std::int64_t> heard;
  notebook.subscribe([&](const Change& change) { heard.push_back(change.committed); });
  EXPECT_TRUE(notebook.live());
  EXPECT_EQ(notebook.commit(kCell), 1);
  EXPECT_EQ(notebook.commit(events::CellSourceChanged{"cell-1", "1 + 1", "user-1"}), 2);
  EXPECT_EQ(heard, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(notebook.pending(), 0u);
  ASSERT_NE(notebook.state().cells.find("cell-1"), nullptr);
  EXPECT_EQ(notebook.state().cells.find("cell-1")->source, "1 + 1");
  EXPECT_EQ(&notebook.confirmed_state(), &notebook.state());
  ASSERT_EQ(notebook.log().size(), 2u);
  EXPECT_EQ(notebook.log()[1].name, "v1.CellSourceChanged");
  EXPECT_EQ(notebook.log()[1].args, R"({"id":"cell-1","source":"1 + 1","modifiedBy":"user-1"})");
  EXPECT_EQ(notebook.log()[1].parentSeqNum, 1);
  EXPECT_EQ(notebook.log()[1].clientId, "runt-test");
}

// A listener may commit; it hears about that commit too, from inside commit().
TEST(LocalNotebook, AListenerThatCommitsHearsItsOwnCommit) {
  LocalNotebook notebook;
  std::vector<std::int64_t> heard;
  notebook.subscribe([&](const Change& change) {
    heard.push_back(change.committed);
    if (change.committed == 1) notebook.commit(events::CellSourceChanged{"cell-1", "x", "u"});
  });
  notebook.commit(kCell);
  EXPECT_EQ(heard, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(notebook.state().cells.find("cell-1")->source, "x");
}

// What the materializers refuse is reported as a synced notebook reports it, and stays logged.
TEST(LocalNotebook, AnEventTheMaterializersRefuseIsReportedAndKept) {
  LocalNotebook notebook;
  std::string error;
  notebook.subscribe([&](const Change& change) { error = change.error; });
  const events::TerminalOutputAppendedV2 delta{"delta-1", "out-1", "x", 1};
  notebook.commit(delta);
  EXPECT_EQ(error, "");
  notebook.commit(delta);
  EXPECT_NE(error.find("duplicate output delta id \"delta-1\""), std::string::npos) << error;
  EXPECT_EQ(notebook.log().size(), 2u);
}

class SyncedNotebookTest : public testing::Test {
 protected:
  std::unique_ptr<SyncedNotebook> open(const std::string& client) {
    sync::ClientOptions o;
    o.url = "ws://127.0.0.1:" + std::to_string(server_.port()) + "/livestore";
    o.store_id = "nb";
    o.payload = {{"authToken", "operator-token"}};
    o.client_id = client;
    o.session_id = client + "-session";
    return std::make_unique<SyncedNotebook>(io_, o);
  }
  testing_support::TempDir dir_{"runt-notebook-test"};
  testing_support::ServerThread server_{dir_.path()};
  boost::asio::io_context io_;
};

TEST_F(SyncedNotebookTest, ACommitIsOptimisticThenConfirmedAndReachesTheOtherClient) {
  auto alice = open("alice");
  auto bob = open("bob");
  std::vector<std::string> bob_heard;
  bob->subscribe([&](const Change& change) {
    for (const auto& e : change.upstream) bob_heard.push_back(e.name);
  });
  EXPECT_FALSE(alice->live());
  alice->start();
  bob->start();
  ASSERT_TRUE(run_until(io_, [&] { return alice->live() && bob->live(); }));

  alice->commit(kCell);
  // Optimistic at once, confirmed only once the server has ordered it.
  EXPECT_NE(alice->state().cells.find("cell-1"), nullptr);
  EXPECT_EQ(alice->confirmed_state().cells.find("cell-1"), nullptr);
  EXPECT_EQ(alice->pending(), 1u);
  ASSERT_TRUE(run_until(io_, [&] { return alice->pending() == 0 && bob->state().cells.find("cell-1"); }));
  EXPECT_NE(alice->confirmed_state().cells.find("cell-1"), nullptr);
  EXPECT_EQ(bob_heard, std::vector<std::string>{"v2.CellCreated"});
  alice->stop();
  bob->stop();
}

TEST_F(SyncedNotebookTest, AnotherClientsEarlierEventIsAppliedFirst) {
  auto alice = open("alice");
  auto bob = open("bob");
  alice->start();
  bob->start();
  ASSERT_TRUE(run_until(io_, [&] { return alice->live() && bob->live(); }));
  alice->commit(kCell);
  ASSERT_TRUE(run_until(io_, [&] { return bob->state().cells.find("cell-1") != nullptr; }));
  // Both edit the cell; the server orders them, and both end with the later one's source.
  bob->commit(events::CellSourceChanged{"cell-1", "bob", "bob"});
  alice->commit(events::CellSourceChanged{"cell-1", "alice", "alice"});
  ASSERT_TRUE(run_until(io_, [&] {
    return alice->pending() == 0 && bob->pending() == 0 &&
           alice->state().cells.find("cell-1")->source == bob->state().cells.find("cell-1")->source;
  }));
  EXPECT_EQ(alice->state().cells.find("cell-1")->source, alice->confirmed_state().cells.find("cell-1")->source);
}

}  // namespace
}  // namespace runt::notebook
