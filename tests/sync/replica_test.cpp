#include "runt/sync/replica.hpp"

#include "runt/schema/codec.hpp"
#include "runt/schema/json.hpp"

#include <gtest/gtest.h>

namespace runt::sync {
namespace {

using namespace runt::protocol;
namespace events = runt::schema::events;

schema::Event cell(const std::string& id, const std::string& key) {
  return events::CellCreatedV2{id, key, schema::CellType::code, "u"};
}

// A server event: `name`/`args` as another client would have pushed them.
WireEvent theirs(std::int64_t seq, const std::string& id) {
  return WireEvent{"v2.CellCreated", R"({"id":")" + id + R"(","fractionalIndex":"a)" + std::to_string(seq) +
                                         R"(","cellType":"code","createdBy":"them"})",
                   seq, seq - 1, "other", "s2"};
}

std::string pull_res(std::vector<WireEvent> events, Context context, const std::string& request, std::int64_t remaining = 0) {
  PullRes r{{}, context, request, remaining};
  for (auto& e : events) r.batch.push_back(SyncedEvent{std::move(e), "2025-06-23T03:44:09.014Z"});
  return encode(ServerMessage{r});
}

class ReplicaTest : public testing::Test {
 protected:
  void SetUp() override {
    replica_.subscribe([this](const Change& c) { changes_.push_back(c); });
  }
  // Connects and answers the initial pull with `log`.
  void connect(std::vector<WireEvent> log = {}) {
    replica_.on_connected();
    const auto out = replica_.take_outgoing();
    ASSERT_EQ(out.size(), 1u);
    const auto pull = std::get<PullReq>(decode_client_message(out[0]));
    replica_.on_frame(pull_res(std::move(log), Context::pull, pull.requestId));
  }
  std::vector<PushReq> pushes() {
    std::vector<PushReq> out;
    for (const auto& f : replica_.take_outgoing())
      if (auto m = decode_client_message(f); std::holds_alternative<PushReq>(m)) out.push_back(std::get<PushReq>(m));
    return out;
  }
  // The server's answer to an accepted push: ack, then the echo.
  void accept(const PushReq& push) {
    replica_.on_frame(encode(ServerMessage{PushAck{push.requestId}}));
    replica_.on_frame(pull_res(push.batch, Context::push, push.requestId));
  }
  std::vector<std::string> cell_ids(const schema::State& s) {
    std::vector<std::string> out;
    for (const auto* row : s.cells.in_insertion_order()) out.push_back(row->id);
    return out;
  }

  Replica replica_{"me", "s1"};
  std::vector<Change> changes_;
};

TEST_F(ReplicaTest, ACommitAppliesAtOnceAndIsPushedOnceConnected) {
  replica_.commit(cell("c1", "a1"));
  EXPECT_EQ(cell_ids(replica_.state()), (std::vector<std::string>{"c1"}));
  EXPECT_TRUE(replica_.confirmed_state().cells.empty());
  EXPECT_TRUE(replica_.take_outgoing().empty());  // not connected
  connect();
  const auto sent = pushes();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].batch.size(), 1u);
  EXPECT_EQ(sent[0].batch[0].seqNum, 1);
  EXPECT_EQ(sent[0].batch[0].parentSeqNum, 0);
  EXPECT_EQ(sent[0].batch[0].clientId, "me");
  EXPECT_EQ(*sent[0].batch[0].args, R"({"id":"c1","fractionalIndex":"a1","cellType":"code","createdBy":"u"})");
  accept(sent[0]);
  EXPECT_EQ(replica_.head(), 1);
  EXPECT_EQ(replica_.pending(), 0u);
  EXPECT_TRUE(replica_.synced());
  EXPECT_EQ(cell_ids(replica_.confirmed_state()), (std::vector<std::string>{"c1"}));
  ASSERT_FALSE(changes_.empty());
  EXPECT_EQ(changes_.back().confirmed.size(), 1u);
}

TEST_F(ReplicaTest, PullsFromItsHeadFollowingRemainingBeforePushing) {
  replica_.on_connected();
  auto pull = std::get<PullReq>(decode_client_message(replica_.take_outgoing().at(0)));
  EXPECT_FALSE(pull.cursor);  // nothing yet: from the start
  replica_.commit(cell("mine", "z"));
  replica_.on_frame(pull_res({theirs(1, "t1")}, Context::pull, pull.requestId, /*remaining=*/1));
  EXPECT_TRUE(pushes().empty());  // not before the pull is complete
  replica_.on_frame(pull_res({theirs(2, "t2")}, Context::pull, pull.requestId, 0));
  const auto sent = pushes();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].batch[0].parentSeqNum, 2);  // rebased onto what the pull brought
  EXPECT_EQ(cell_ids(replica_.state()), (std::vector<std::string>{"t1", "t2", "mine"}));
  replica_.on_disconnected();
  replica_.on_connected();
  pull = std::get<PullReq>(decode_client_message(replica_.take_outgoing().at(0)));
  EXPECT_EQ(pull.cursor, 2);  // a reconnect pulls from its own head
}

TEST_F(ReplicaTest, AnotherClientsEventFirstMeansRebaseAndPushAgain) {
  connect();
  replica_.commit(cell("m1", "b1"));
  const auto first = pushes();
  replica_.commit(cell("m2", "b2"));
  EXPECT_TRUE(pushes().empty());  // one push in flight at a time
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].batch.size(), 1u);
  // ...and the server ordered someone else's event first: it refuses ours, then sends theirs.
  replica_.on_frame(encode(ServerMessage{Error{first[0].requestId, invalid_parent_message(0, 1)}}));
  EXPECT_TRUE(pushes().empty());  // waits for the events that won
  replica_.on_frame(pull_res({theirs(1, "t1")}, Context::push, first[0].requestId));
  EXPECT_TRUE(changes_.back().rebased);
  const auto again = pushes();
  ASSERT_EQ(again.size(), 1u);
  ASSERT_EQ(again[0].batch.size(), 2u);
  EXPECT_EQ(again[0].batch[0].parentSeqNum, 1);
  EXPECT_EQ(again[0].batch[0].seqNum, 2);
  EXPECT_EQ(again[0].batch[1].seqNum, 3);
  EXPECT_EQ(cell_ids(replica_.state()), (std::vector<std::string>{"t1", "m1", "m2"}));
  EXPECT_EQ(cell_ids(replica_.confirmed_state()), (std::vector<std::string>{"t1"}));
  accept(again[0]);
  EXPECT_TRUE(replica_.synced());
  EXPECT_EQ(replica_.head(), 3);
  EXPECT_EQ(cell_ids(replica_.confirmed_state()), (std::vector<std::string>{"t1", "m1", "m2"}));
}

TEST_F(ReplicaTest, EventsArrivingBeforeTheRefusalArePushedOnAtOnce) {
  connect();
  replica_.commit(cell("m1", "b1"));
  const auto first = pushes();
  replica_.on_frame(pull_res({theirs(1, "t1")}, Context::push, "their-push"));
  EXPECT_TRUE(pushes().empty());  // ours is still in flight
  replica_.on_frame(encode(ServerMessage{Error{first[0].requestId, invalid_parent_message(0, 1)}}));
  const auto again = pushes();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].batch[0].parentSeqNum, 1);
}

TEST_F(ReplicaTest, PushesGoInBatchesOfFiftyOneAfterTheOther) {
  for (int i = 0; i < 120; ++i) replica_.commit(cell("c" + std::to_string(i), "k"));  // offline
  connect();
  auto sent = pushes();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].batch.size(), 50u);
  replica_.on_frame(encode(ServerMessage{PushAck{sent[0].requestId}}));
  auto next = pushes();  // the next goes on the ack, before the echo
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].batch.front().seqNum, 51);
  replica_.on_frame(pull_res(sent[0].batch, Context::push, sent[0].requestId));
  accept(next[0]);
  auto last = pushes();
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].batch.size(), 20u);
  accept(last[0]);
  EXPECT_EQ(replica_.head(), 120);
  EXPECT_TRUE(replica_.synced());
}

TEST_F(ReplicaTest, DuplicatesAreIgnoredAndAGapMakesItPullAgain) {
  connect({theirs(1, "t1")});
  replica_.on_frame(pull_res({theirs(1, "t1")}, Context::push, "x"));
  EXPECT_EQ(replica_.head(), 1);
  EXPECT_EQ(replica_.confirmed_state().cells.size(), 1u);
  replica_.on_frame(pull_res({theirs(3, "t3")}, Context::push, "y"));
  EXPECT_EQ(replica_.head(), 1);  // never skips e2
  EXPECT_FALSE(changes_.back().error.empty());
  const auto out = replica_.take_outgoing();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<PullReq>(decode_client_message(out[0])).cursor, 1);
}

TEST_F(ReplicaTest, AFinalRefusalDropsThoseEventsAndKeepsTheRest) {
  for (int i = 0; i < 60; ++i) replica_.commit(cell("c" + std::to_string(i), "k"));
  connect();
  const auto sent = pushes();
  replica_.on_frame(encode(ServerMessage{Error{sent[0].requestId, "Push refused: you may read notebook nb but not change it"}}));
  const Change& change = changes_.back();
  EXPECT_EQ(change.rejected.size(), 50u);
  EXPECT_EQ(change.error, "push refused: Push refused: you may read notebook nb but not change it");
  EXPECT_EQ(replica_.pending(), 10u);
  EXPECT_EQ(replica_.state().cells.size(), 10u);  // the refused ones are gone from the state too
  const auto next = pushes();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].batch.front().seqNum, 1);  // renumbered
  EXPECT_EQ(next[0].batch.front().parentSeqNum, 0);
}

TEST_F(ReplicaTest, ADisconnectMakesItPushAgainAfterThePull) {
  connect();
  replica_.commit(cell("m1", "b"));
  const auto lost = pushes();
  ASSERT_EQ(lost.size(), 1u);
  replica_.on_disconnected();
  // The push had been stored before the socket died: the pull brings it back as ours.
  connect({lost[0].batch[0]});
  EXPECT_EQ(replica_.pending(), 0u);
  EXPECT_TRUE(pushes().empty());
  EXPECT_EQ(changes_.back().confirmed.size(), 1u);
  EXPECT_TRUE(changes_.back().upstream.empty());
}

TEST_F(ReplicaTest, PushesStayUnderAMegabyteAndHugeEventsAreRefusedAtCommit) {
  const std::string big(300'000, 'x');
  for (int i = 0; i < 10; ++i) replica_.commit(events::CellSourceChanged{"c", big, "u"});
  connect();
  const auto first = pushes();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].batch.size(), 3u);  // 3 x 300 KB: the fourth would pass 1 MiB
  EXPECT_THROW(replica_.commit(events::CellSourceChanged{"c", std::string(9u << 20, 'y'), "u"}), std::length_error);
  EXPECT_EQ(replica_.pending(), 10u);  // the refused one was never added
}

TEST_F(ReplicaTest, APushTheServerCouldNotStoreIsKeptAndRetried) {
  connect();
  replica_.commit(cell("m1", "b1"));
  const auto first = pushes();
  ASSERT_EQ(first.size(), 1u);
  replica_.on_frame(encode(ServerMessage{Error{first[0].requestId, "Push not stored: sqlite: disk I/O error"}}));
  EXPECT_EQ(replica_.pending(), 1u);  // not dropped: nothing was wrong with it
  EXPECT_TRUE(changes_.back().rejected.empty());
  EXPECT_TRUE(replica_.stalled());
  EXPECT_TRUE(pushes().empty());  // not at once...
  replica_.retry();               // ...but after the transport's pause
  const auto again = pushes();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].batch[0].seqNum, 1);
  accept(again[0]);
  EXPECT_TRUE(replica_.synced());
}

TEST_F(ReplicaTest, WinnersThatNeverComeAreFetchedByAPull) {
  connect();
  replica_.commit(cell("m1", "b1"));
  const auto first = pushes();
  replica_.on_frame(encode(ServerMessage{Error{first[0].requestId, invalid_parent_message(0, 1)}}));
  EXPECT_TRUE(replica_.stalled());  // waiting for the events that beat it
  replica_.retry();
  const auto out = replica_.take_outgoing();
  ASSERT_EQ(out.size(), 1u);
  const auto pull = std::get<PullReq>(decode_client_message(out[0]));
  replica_.on_frame(pull_res({theirs(1, "t1")}, Context::pull, pull.requestId));
  const auto again = pushes();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].batch[0].parentSeqNum, 1);
}

}  // namespace
}  // namespace runt::sync
