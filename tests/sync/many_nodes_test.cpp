// Several `runt serve` nodes on one PostgreSQL database (the tests' cluster, fixture
// `postgres`), each serving every notebook: clients on different nodes edit one notebook at
// once and converge; a node's clients see other nodes' commits; a node that goes away leaves
// every acknowledged event stored once.

#include "runt/schema/state_json.hpp"
#include "runt/serve/server.hpp"
#include "runt/storage/event_store.hpp"
#include "runt/sync/client.hpp"

#include "postgres_database.hpp"
#include "run_until.hpp"
#include "server_thread.hpp"
#include "temp_dir.hpp"
#include "test_client.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <set>

namespace runt::sync {
namespace {

namespace events = runt::schema::events;
using namespace std::chrono_literals;
using testing_support::ServerThread;

schema::Event cell(const std::string& id, const std::string& key, const std::string& by) {
  return events::CellCreatedV2{id, key, schema::CellType::code, by};
}
schema::Event source(const std::string& id, const std::string& text, const std::string& by) {
  return events::CellSourceChanged{id, text, by};
}

class ManyNodes : public testing::Test {
 protected:
  std::unique_ptr<ServerThread> node(const std::string& name, std::uint16_t port = 0) {
    serve::Options options;
    options.port = port;
    options.data_dir = dir_.path() / name;
    options.token = "operator-token";
    options.store = db_.uri();
    return std::make_unique<ServerThread>(std::move(options));
  }
  std::unique_ptr<SyncClient> client(const ServerThread& on, const std::string& name) {
    return testing_support::start_client(io_, "ws://127.0.0.1:" + std::to_string(on.port()) + "/livestore", "nb",
                                         "operator-token", name,
                                         [this, name](const std::string& line) { log_ += name + ": " + line + "\n"; });
  }
  template <class F> bool run_until(F done, std::chrono::milliseconds limit = 20s) {
    return testing_support::run_until(io_, done, limit);
  }

  testing_support::PostgresDatabase db_;
  testing_support::TempDir dir_{"runt-nodes"};
  boost::asio::io_context io_;
  std::string log_;
};

TEST_F(ManyNodes, ACommitOnOneNodeReachesClientsOfTheOthers) {
  auto a = node("a"), b = node("b"), c = node("c");
  auto on_a = client(*a, "on-a"), on_b = client(*b, "on-b"), on_c = client(*c, "on-c");
  ASSERT_TRUE(run_until([&] { return on_a->connected() && on_b->connected() && on_c->connected(); })) << log_;
  on_b->commit(cell("c1", "a1", "on-b"));
  on_b->commit(source("c1", "print(6*7)", "on-b"));
  // Only the change feed can tell node A's and C's sockets: nothing else is pulled.
  ASSERT_TRUE(run_until([&] { return on_a->replica().head() == 2 && on_c->replica().head() == 2; })) << log_;
  EXPECT_EQ(on_a->replica().state().cells.find("c1")->source, "print(6*7)");
  on_c->commit(source("c1", "print(42)", "on-c"));
  ASSERT_TRUE(run_until([&] { return on_a->replica().head() == 3 && on_b->replica().head() == 3; })) << log_;
  EXPECT_EQ(on_b->replica().state().cells.find("c1")->source, "print(42)");
}

// Everyone commits on the same head again and again, each through a different node: the
// database orders them, losers get sync-cf's parent error and rebase, and all end identical.
TEST_F(ManyNodes, ConcurrentCommitsThroughThreeNodesConverge) {
  auto a = node("a"), b = node("b"), c = node("c");
  auto x = client(*a, "x"), y = client(*b, "y"), z = client(*c, "z");
  ASSERT_TRUE(run_until([&] { return x->connected() && y->connected() && z->connected(); })) << log_;
  int rebases = 0;
  for (auto* s : {x.get(), y.get(), z.get()})
    s->subscribe([&](const Change& change) { rebases += change.rebased; });
  for (int round = 0; round < 10; ++round) {
    for (auto [name, s] : {std::pair{"x", x.get()}, {"y", y.get()}, {"z", z.get()}}) {
      const std::string id = std::string(name) + std::to_string(round);
      s->commit(cell(id, "k" + id, name));
      s->commit(source(id, "x = " + std::to_string(round), name));
    }
    io_.run_for(2ms);
    io_.restart();
  }
  ASSERT_TRUE(run_until([&] {
    for (auto* s : {x.get(), y.get(), z.get()})
      if (!s->replica().synced() || s->replica().head() != 60) return false;
    return true;
  })) << log_;
  EXPECT_GT(rebases, 0);
  const auto state = schema::state_to_json(x->replica().state());
  EXPECT_EQ(state, schema::state_to_json(y->replica().state()));
  EXPECT_EQ(state, schema::state_to_json(z->replica().state()));
  EXPECT_EQ(x->replica().state().cells.size(), 30u);
  // The log itself: one unbroken chain, every event once.
  auto store = storage::open_postgres_store(db_.uri());
  const auto log = store->read("nb", 0, 1000);
  ASSERT_EQ(log.size(), 60u);
  std::set<std::string> distinct;
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].event.seqNum, static_cast<std::int64_t>(i + 1));
    distinct.insert(log[i].event.name + *log[i].event.args);
  }
  EXPECT_EQ(distinct.size(), 60u);
}

// A node goes away while its clients commit; they come back through another node (here: a
// new node on the dead one's address, as behind a load balancer) and nothing acknowledged is
// lost or doubled.
TEST_F(ManyNodes, ClientsOfANodeThatDiesCarryOnThroughAnother) {
  auto a = node("a"), b = node("b");
  const std::uint16_t b_port = b->port();
  auto on_a = client(*a, "on-a"), on_b = client(*b, "on-b");
  for (int i = 0; i < 5; ++i) on_b->commit(cell("b" + std::to_string(i), "b" + std::to_string(i), "on-b"));
  ASSERT_TRUE(run_until([&] { return on_a->replica().head() == 5; })) << log_;
  b.reset();  // node B is gone
  for (int i = 5; i < 10; ++i) on_b->commit(cell("b" + std::to_string(i), "b" + std::to_string(i), "on-b"));
  for (int i = 0; i < 5; ++i) on_a->commit(cell("a" + std::to_string(i), "a" + std::to_string(i), "on-a"));
  ASSERT_TRUE(run_until([&] { return on_a->replica().synced() && on_a->replica().head() == 10; })) << log_;
  auto replacement = node("b2", b_port);
  ASSERT_TRUE(run_until([&] {
    return on_a->replica().synced() && on_b->replica().synced() && on_a->replica().head() == 15 &&
           on_b->replica().head() == 15;
  })) << log_;
  EXPECT_EQ(schema::state_to_json(on_a->replica().state()), schema::state_to_json(on_b->replica().state()));
  EXPECT_EQ(on_a->replica().state().cells.size(), 15u);
}

}  // namespace
}  // namespace runt::sync
