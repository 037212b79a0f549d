// The C++ sync client against a real `runt serve` (in-process, on a real socket and SQLite).
#include "runt/auth/accounts.hpp"
#include "runt/schema/state_json.hpp"
#include "runt/serve/server.hpp"
#include "runt/sync/client.hpp"

#include "run_until.hpp"
#include "server_thread.hpp"
#include "temp_dir.hpp"
#include "test_client.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace runt::sync {
namespace {

namespace events = runt::schema::events;
using namespace std::chrono_literals;

schema::Event cell(const std::string& id, const std::string& key, const std::string& by) {
  return events::CellCreatedV2{id, key, schema::CellType::code, by};
}
schema::Event source(const std::string& id, const std::string& text, const std::string& by) {
  return events::CellSourceChanged{id, text, by};
}

class SyncClientTest : public testing::Test {
 protected:
  std::unique_ptr<SyncClient> client(const std::string& name, const std::string& token = "operator-token",
                                     const std::string& store = "nb") {
    return runt::testing_support::start_client(io_, "ws://127.0.0.1:" + std::to_string(port_) + "/livestore", store, token,
                                               name, [this, name](const std::string& line) { log_ += name + ": " + line + "\n"; });
  }
  template <class F> bool run_until(F done, std::chrono::milliseconds limit = 10s) {
    return runt::testing_support::run_until(io_, done, limit);
  }

  runt::testing_support::TempDir dir_{"runt-client"};
  std::unique_ptr<runt::testing_support::ServerThread> server_ = std::make_unique<runt::testing_support::ServerThread>(dir_.path());
  std::uint16_t port_ = server_->port();
  boost::asio::io_context io_;
  std::string log_;
};

TEST_F(SyncClientTest, CommitsReachAnotherClientAndBothEndIdentical) {
  auto a = client("a");
  std::vector<protocol::WireEvent> seen_by_b;
  a->commit(cell("c1", "a1", "a"));
  a->commit(source("c1", "print('hi')", "a"));
  ASSERT_TRUE(run_until([&] { return a->replica().synced() && a->replica().head() == 2; })) << log_;
  auto b = client("b");
  b->subscribe([&](const Change& c) { seen_by_b.insert(seen_by_b.end(), c.upstream.begin(), c.upstream.end()); });
  ASSERT_TRUE(run_until([&] { return b->replica().head() == 2; })) << log_;
  EXPECT_EQ(seen_by_b.size(), 2u);
  EXPECT_EQ(schema::state_to_json(a->replica().state()), schema::state_to_json(b->replica().state()));
  EXPECT_EQ(b->replica().state().cells.find("c1")->source, "print('hi')");
}

TEST_F(SyncClientTest, ConcurrentCommitsAreRebasedUntilEveryoneAgrees) {
  auto a = client("a"), b = client("b"), c = client("c");
  ASSERT_TRUE(run_until([&] { return a->connected() && b->connected() && c->connected(); })) << log_;
  int rebases = 0;
  for (auto* x : {a.get(), b.get(), c.get()})
    x->subscribe([&](const Change& change) { rebases += change.rebased; });
  // Every client commits on the same head, again and again while the others' events arrive.
  for (int round = 0; round < 10; ++round) {
    for (auto [name, x] : {std::pair{"a", a.get()}, {"b", b.get()}, {"c", c.get()}}) {
      const std::string id = std::string(name) + std::to_string(round);
      x->commit(cell(id, "k" + id, name));
      x->commit(source(id, "x = " + std::to_string(round), name));
    }
    io_.run_for(2ms);
    io_.restart();
  }
  ASSERT_TRUE(run_until([&] {
    return a->replica().synced() && b->replica().synced() && c->replica().synced() && a->replica().head() == 60 &&
           b->replica().head() == 60 && c->replica().head() == 60;
  })) << log_;
  EXPECT_GT(rebases, 0);
  const auto state = schema::state_to_json(a->replica().state());
  EXPECT_EQ(state, schema::state_to_json(b->replica().state()));
  EXPECT_EQ(state, schema::state_to_json(c->replica().state()));
  EXPECT_EQ(a->replica().state().cells.size(), 30u);
}

TEST_F(SyncClientTest, ReconnectsAfterAServerRestartAndPushesWhatWasCommittedMeanwhile) {
  auto a = client("a"), b = client("b");
  a->commit(cell("before", "a0", "a"));
  ASSERT_TRUE(run_until([&] { return b->replica().head() == 1; })) << log_;
  server_.reset();  // the server goes away
  ASSERT_TRUE(run_until([&] { return !a->connected() && !b->connected(); })) << log_;
  a->commit(cell("offline-a", "a1", "a"));
  b->commit(cell("offline-b", "a2", "b"));  // both on head 1: one of them must rebase
  EXPECT_EQ(a->replica().state().cells.size(), 2u);  // visible locally at once
  server_ = std::make_unique<runt::testing_support::ServerThread>(dir_.path(), port_);
  ASSERT_TRUE(run_until([&] {
    return a->replica().synced() && b->replica().synced() && a->replica().head() == 3 && b->replica().head() == 3;
  })) << log_;
  EXPECT_GE(a->connections(), 2);
  EXPECT_EQ(schema::state_to_json(a->replica().state()), schema::state_to_json(b->replica().state()));
}

TEST_F(SyncClientTest, AReadersCommitsAreRefusedAndRolledBack) {
  auto owner = client("owner");
  owner->commit(cell("c1", "a1", "owner"));
  ASSERT_TRUE(run_until([&] { return owner->replica().synced() && owner->replica().head() == 1; })) << log_;
  std::string reader_key;
  {
    auto accounts = runt::testing_support::ServerThread::accounts_for(dir_.path(), "operator-token");
    reader_key = accounts.create_key("reader");
    accounts.grant(*accounts.authenticate("operator-token"), "nb", "reader", auth::Role::reader);
  }
  auto reader = client("reader", reader_key);
  std::vector<Change> changes;
  reader->subscribe([&](const Change& c) { changes.push_back(c); });
  ASSERT_TRUE(run_until([&] { return reader->replica().synced() && reader->replica().head() == 1; })) << log_;
  reader->commit(cell("sneaky", "a2", "reader"));
  EXPECT_EQ(reader->replica().state().cells.size(), 2u);
  ASSERT_TRUE(run_until([&] { return !changes.empty() && !changes.back().rejected.empty(); })) << log_;
  EXPECT_NE(changes.back().error.find("may read notebook nb but not change it"), std::string::npos);
  EXPECT_EQ(reader->replica().state().cells.size(), 1u);
  EXPECT_EQ(reader->replica().pending(), 0u);
}

TEST_F(SyncClientTest, ABadTokenIsReportedAndRetried) {
  auto x = client("x", "wrong-token");
  ASSERT_TRUE(run_until([&] { return log_.find("refused: 400 Invalid auth token") != std::string::npos; })) << log_;
  EXPECT_FALSE(x->connected());
}

TEST(SyncClientOptions, RefusesURLsItCannotUse) {
  boost::asio::io_context io;
  ClientOptions o;
  for (const char* url : {"wss://example.com/livestore", "example.com", "ws:///x"}) {
    o.url = url;
    EXPECT_THROW(SyncClient(io, o), std::invalid_argument) << url;
  }
}

}  // namespace
}  // namespace runt::sync
