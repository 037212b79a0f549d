#include "runt/sync/hub.hpp"

#include "runt/schema/codec.hpp"

#include "hub_sockets.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

namespace runt::sync {
namespace {

namespace fs = std::filesystem;
using namespace runt::protocol;

using Socket = testing_support::HubSocket;
using testing_support::pull_frame;
using testing_support::push_frame;

std::vector<std::int64_t> seqs(const PullRes& r) {
  std::vector<std::int64_t> out;
  for (const auto& e : r.batch) out.push_back(e.event.seqNum);
  return out;
}

class HubTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = storage::open_sqlite_store(temp_.path() / "runt.sqlite");
    hub_ = std::make_unique<Hub>(*store_, [this] { return clock_ms_; });
  }
  void TearDown() override {
    hub_.reset();
    store_.reset();
  }
  runt::testing_support::TempDir temp_{"runt-hub"};
  std::int64_t clock_ms_ = 1750650249014;  // 2025-06-23T03:44:09.014Z
  std::unique_ptr<storage::EventStore> store_;
  std::unique_ptr<Hub> hub_;
};

TEST_F(HubTest, AnEmptyPullStillGetsOneAnswer) {
  Socket a;
  const auto id = hub_->attach("nb", a);
  hub_->on_frame(id, pull_frame("p1"));
  ASSERT_EQ(a.frames.size(), 1u);
  EXPECT_EQ(a.frames[0], R"({"_tag":"WSMessage.PullRes","batch":[],"requestId":{"context":"pull","requestId":"p1"},"remaining":0})");
}

TEST_F(HubTest, PushIsStoredThenAckedThenBroadcastToEverySocketIncludingThePusher) {
  Socket a, b, elsewhere;
  const auto ia = hub_->attach("nb", a), ib = hub_->attach("nb", b), ie = hub_->attach("other", elsewhere);
  for (auto [id, s] : {std::pair{ia, &a}, {ib, &b}, {ie, &elsewhere}}) {
    hub_->on_frame(id, pull_frame("p"));
    s->frames.clear();
  }
  hub_->on_frame(ia, push_frame("push1", 0, 2));
  EXPECT_EQ(store_->head("nb"), 2);
  const auto to_a = a.take();
  ASSERT_EQ(to_a.size(), 2u);
  EXPECT_EQ(std::get<PushAck>(to_a[0]).requestId, "push1");
  const auto& echo = std::get<PullRes>(to_a[1]);
  EXPECT_EQ(echo.context, Context::push);
  EXPECT_EQ(echo.requestId, "push1");
  EXPECT_EQ(seqs(echo), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(echo.batch[0].createdAt, "2025-06-23T03:44:09.014Z");
  EXPECT_EQ(echo.batch[0].event.args, R"({"id":"push10"})");
  const auto to_b = b.take();
  ASSERT_EQ(to_b.size(), 1u);
  EXPECT_EQ(std::get<PullRes>(to_b[0]), echo);
  EXPECT_TRUE(elsewhere.frames.empty());
}

TEST_F(HubTest, PullsComeInPagesOfAHundredWithRemaining) {
  Socket a;
  const auto id = hub_->attach("nb", a);
  hub_->on_frame(id, push_frame("seed1", 0, 50));
  hub_->on_frame(id, push_frame("seed2", 50, 50));
  hub_->on_frame(id, push_frame("seed3", 100, 50));
  hub_->on_frame(id, push_frame("seed4", 150, 50));
  hub_->on_frame(id, push_frame("seed5", 200, 50));
  Socket reader;
  const auto ir = hub_->attach("nb", reader);
  hub_->on_frame(ir, pull_frame("p", 0));
  const auto pages = reader.take();
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(std::get<PullRes>(pages[0]).batch.size(), 100u);
  EXPECT_EQ(std::get<PullRes>(pages[0]).remaining, 150);
  EXPECT_EQ(std::get<PullRes>(pages[1]).remaining, 50);
  EXPECT_EQ(std::get<PullRes>(pages[2]).batch.size(), 50u);
  EXPECT_EQ(std::get<PullRes>(pages[2]).remaining, 0);
  EXPECT_EQ(std::get<PullRes>(pages[2]).batch.back().event.seqNum, 250);
  // A cursor starts after it.
  hub_->on_frame(hub_->attach("nb", reader), pull_frame("p2", 240));
  const auto tail = reader.take();
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(seqs(std::get<PullRes>(tail[0])).front(), 241);
}

TEST_F(HubTest, PagesOfLargeEventsStayNearTheByteCapAndRemainingStaysExact) {
  // Ten events of a million bytes, then one larger than a whole page.
  std::vector<WireEvent> events;
  for (int i = 0; i < 10; ++i)
    events.push_back(WireEvent{"v9.Large", R"({"x":")" + std::string(1'000'000, 'a') + R"("})", 0, 0, "c", "s"});
  events.push_back(WireEvent{"v9.Large", R"({"x":")" + std::string(Hub::kMaxPageBytes + 10, 'b') + R"("})", 0, 0, "c", "s"});
  ASSERT_EQ(hub_->append("nb", events), 11);
  const auto check_pages = [&](Socket& socket, Context context) {
    std::int64_t next = 1;
    size_t pages = 0;
    for (const auto& frame : socket.frames) {
      const auto page = std::get<PullRes>(decode_server_message(frame));
      EXPECT_EQ(page.context, context);
      ASSERT_FALSE(page.batch.empty());
      if (page.batch.size() > 1) {
        EXPECT_LE(frame.size(), Hub::kMaxPageBytes + 4096);
      }
      for (const auto& e : page.batch) EXPECT_EQ(e.event.seqNum, next++);
      EXPECT_EQ(page.remaining, context == Context::pull ? 11 - page.batch.back().event.seqNum : 0);
      ++pages;
    }
    EXPECT_EQ(next, 12);
    EXPECT_GE(pages, 4u);  // 4 MiB holds four of the first ten; the last goes alone
    socket.frames.clear();
  };
  Socket reader;
  hub_->on_frame(hub_->attach("nb", reader), pull_frame("p", 0));
  check_pages(reader, Context::pull);
  // A silent socket's catch-up (from 0: no socket has left since the Hub first saw the
  // notebook empty) is paged the same way.
  Socket quiet;
  hub_->attach("nb", quiet);
  clock_ms_ += Hub::kGraceMs;
  hub_->tick();
  check_pages(quiet, Context::push);
}

TEST_F(HubTest, AWrongParentIsRefusedWithTheExactMessageAndNothingChanges) {
  Socket a, b;
  const auto ia = hub_->attach("nb", a), ib = hub_->attach("nb", b);
  hub_->on_frame(ib, pull_frame("p"));
  b.frames.clear();
  hub_->on_frame(ia, pull_frame("p"));
  a.frames.clear();
  hub_->on_frame(ia, push_frame("x", 1, 1));
  ASSERT_EQ(a.frames.size(), 1u);
  EXPECT_EQ(a.frames[0], R"({"_tag":"WSMessage.Error","requestId":"x","message":"Invalid parent event number. Received e1 but expected e0"})");
  EXPECT_EQ(store_->head("nb"), 0);
  EXPECT_TRUE(b.frames.empty());
}

TEST_F(HubTest, BadFramesGetAnErrorAndChangeNothing) {
  Socket a;
  const auto id = hub_->attach("nb", a);
  hub_->on_frame(id, "{not json");
  hub_->on_frame(id, R"({"_tag":"WSMessage.PushReq","requestId":"r9","batch":[{"name":"x","seqNum":1.5,"parentSeqNum":0,"clientId":"c","sessionId":"s"}]})");
  hub_->on_frame(id, R"({"_tag":"WSMessage.AdminInfoReq","requestId":"r10","adminSecret":"s"})");
  const auto replies = a.take();
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(std::get<Error>(replies[0]).requestId, "");
  EXPECT_EQ(std::get<Error>(replies[0]).message.rfind("malformed JSON: ", 0), 0u);
  EXPECT_EQ(std::get<Error>(replies[1]), (Error{"r9", "WSMessage.PushReq: batch[0].seqNum: expected an integer, got 1.5"}));
  EXPECT_EQ(std::get<Error>(replies[2]).requestId, "r10");
  EXPECT_EQ(store_->head("nb"), 0);
}

TEST_F(HubTest, AReaderMayPullButEveryPushIsRefused) {
  Socket writer, reader;
  const auto iw = hub_->attach("nb", writer), ir = hub_->attach("nb", reader, /*may_push=*/false);
  hub_->on_frame(iw, push_frame("w1", 0, 1));
  hub_->on_frame(ir, pull_frame("p"));
  ASSERT_EQ(reader.frames.size(), 1u);
  EXPECT_EQ(seqs(std::get<PullRes>(reader.take()[0])), (std::vector<std::int64_t>{1}));
  hub_->on_frame(ir, push_frame("r1", 1, 1));
  const auto answer = reader.take();
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(std::get<Error>(answer[0]).requestId, "r1");
  EXPECT_EQ(std::get<Error>(answer[0]).message, "Push refused: you may read notebook nb but not change it");
  EXPECT_EQ(store_->head("nb"), 1);
  EXPECT_TRUE(writer.frames.size() == 2u);  // only its own ack and echo
}

TEST_F(HubTest, PingGetsPong) {
  Socket a;
  const auto id = hub_->attach("nb", a);
  hub_->on_frame(id, R"({"_tag":"WSMessage.Ping","requestId":"ping"})");
  ASSERT_EQ(a.frames.size(), 1u);
  EXPECT_EQ(a.frames[0], R"({"_tag":"WSMessage.Pong","requestId":"ping"})");
}

// A 0.3.1 client reconnects and never pulls again. Until it pushes (or its grace period ends)
// it gets no broadcasts; its push on a stale parent gets the error and then exactly the events
// it missed, so it can rebase.
TEST_F(HubTest, AReconnectedClientCatchesUpWithoutDuplicates) {
  Socket a1, b;
  const auto ia1 = hub_->attach("nb", a1), ib = hub_->attach("nb", b);
  hub_->on_frame(ia1, pull_frame("pa"));
  hub_->on_frame(ib, pull_frame("pb"));
  hub_->on_frame(ia1, push_frame("a1", 0, 2));  // a has e1, e2
  hub_->detach(ia1);
  hub_->on_frame(ib, push_frame("b1", 2, 2));  // e3, e4 while a is away

  Socket a2;
  const auto ia2 = hub_->attach("nb", a2);
  hub_->on_frame(ib, push_frame("b2", 4, 1));  // e5: not sent to a socket of unknown position
  EXPECT_TRUE(a2.frames.empty());

  hub_->on_frame(ia2, push_frame("a2", 2, 1));  // built on e2
  auto got = a2.take();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(std::get<Error>(got[0]).message, "Invalid parent event number. Received e2 but expected e5");
  EXPECT_EQ(seqs(std::get<PullRes>(got[1])), (std::vector<std::int64_t>{3, 4, 5}));
  EXPECT_EQ(std::get<PullRes>(got[1]).context, Context::push);

  hub_->on_frame(ia2, push_frame("a3", 5, 1));  // rebased
  got = a2.take();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(std::get<PushAck>(got[0]).requestId, "a3");
  EXPECT_EQ(seqs(std::get<PullRes>(got[1])), (std::vector<std::int64_t>{6}));
  EXPECT_EQ(store_->head("nb"), 6);
}

// A client whose push died with its old socket waits for that ack forever and never pushes or
// pulls again: after the grace period it is caught up from where the log was when it came
// back, which makes it rebase and push again.
TEST_F(HubTest, ASilentSocketIsCaughtUpWhenItsGracePeriodEnds) {
  Socket b, old, silent;
  const auto ib = hub_->attach("nb", b);
  const auto iold = hub_->attach("nb", old);
  hub_->on_frame(iold, pull_frame("p"));
  hub_->on_frame(ib, push_frame("b1", 0, 2));  // e1, e2
  hub_->detach(iold);                          // its client comes back...
  const auto is = hub_->attach("nb", silent);  // ...assumed at e2, the head when it did
  hub_->on_frame(ib, push_frame("b2", 2, 1));  // e3
  hub_->tick();
  EXPECT_TRUE(silent.frames.empty());  // still in its grace period
  clock_ms_ += Hub::kGraceMs;
  hub_->tick();
  auto got = silent.take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(seqs(std::get<PullRes>(got[0])), (std::vector<std::int64_t>{3}));
  hub_->on_frame(ib, push_frame("b3", 3, 1));  // and from now on it hears every push
  got = silent.take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(seqs(std::get<PullRes>(got[0])), (std::vector<std::int64_t>{4}));
  hub_->tick();
  EXPECT_TRUE(silent.frames.empty());
  (void)is;
}

// After a server restart every client reconnects silently. One that reconnects late must still
// get what others pushed to the new server before it came back.
TEST_F(HubTest, AfterARestartSilentSocketsGetEverythingTheNewServerStored) {
  {
    Socket before;
    hub_->on_frame(hub_->attach("nb", before), push_frame("old", 0, 2));  // the old server's e1, e2
    hub_ = std::make_unique<Hub>(*store_, [this] { return clock_ms_; });  // restart
  }
  Socket fast, late;
  const auto ifast = hub_->attach("nb", fast);
  hub_->on_frame(ifast, push_frame("f1", 2, 2));  // e3, e4 before the late one is back
  const auto ilate = hub_->attach("nb", late);
  clock_ms_ += Hub::kGraceMs;
  hub_->tick();
  const auto got = late.take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(seqs(std::get<PullRes>(got[0])), (std::vector<std::int64_t>{3, 4}));
  (void)ilate;
}

TEST_F(HubTest, AStalePushGetsTheMissingEventsAfterTheError) {
  Socket b;
  const auto ib = hub_->attach("nb", b);
  hub_->on_frame(ib, push_frame("b1", 0, 3));  // e1..e3
  // A client comes back after a restart with a log that ends at e0 and pushes on it: the push
  // tells its position, so it gets the error and then e1..e3 to rebase on.
  Socket a;
  const auto ia = hub_->attach("nb", a);
  hub_->on_frame(ia, push_frame("a1", 0, 1));
  const auto got = a.take();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(std::get<Error>(got[0]).message, "Invalid parent event number. Received e0 but expected e3");
  EXPECT_EQ(seqs(std::get<PullRes>(got[1])), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(std::get<PullRes>(got[1]).requestId, "a1");
}

TEST_F(HubTest, ASocketBehindGetsWhatItMissedBeforeTheBroadcast) {
  Socket a, b;
  const auto ia = hub_->attach("nb", a);
  hub_->on_frame(ia, pull_frame("pa"));
  a.frames.clear();
  const auto ib = hub_->attach("nb", b);
  // b starts pushing without pulling: its position comes from its push.
  hub_->on_frame(ib, push_frame("b1", 0, 1));
  const auto to_a = a.take();
  ASSERT_EQ(to_a.size(), 1u);
  EXPECT_EQ(seqs(std::get<PullRes>(to_a[0])), (std::vector<std::int64_t>{1}));
  // Every event reaches a exactly once, in order.
  hub_->on_frame(ib, push_frame("b2", 1, 3));
  hub_->on_frame(ib, push_frame("b3", 4, 1));
  std::vector<std::int64_t> all;
  for (const auto& m : a.take())
    for (auto s : seqs(std::get<PullRes>(m))) all.push_back(s);
  EXPECT_EQ(all, (std::vector<std::int64_t>{2, 3, 4, 5}));
}

// A push of `events`, given as (name, args text or nullopt) pairs, on `parent`.
std::string push_of(const std::string& request, std::int64_t parent,
                    const std::vector<std::pair<std::string, std::optional<std::string>>>& events) {
  PushReq p{request, {}};
  for (const auto& [name, args] : events) {
    p.batch.push_back(WireEvent{name, args, parent + 1, parent, "c", "s"});
    ++parent;
  }
  return encode(ClientMessage{p});
}

const std::string kCell = R"({"id":"c1","fractionalIndex":"a0","cellType":"code","createdBy":"u"})";

// Each event no anode client could apply, alone or in the middle of a valid batch: refused with
// an error that names the event (index and name) and the field; nothing is stored, acknowledged
// or broadcast, and the socket goes on pushing.
TEST_F(HubTest, AnEventClientsCannotApplyIsRefusedAndNothingOfItsPushIsStored) {
  struct Case {
    std::string name, args, message;
  };
  const std::vector<Case> cases{
      {"v2.CellCreated", R"({"id":5,"fractionalIndex":"a0","cellType":"code","createdBy":"u"})",
       R"(Event 1 of the push is refused: v2.CellCreated: field "id": expected a string, got 5)"},
      {"v2.CellCreated", R"({"id":"c2","cellType":"code","createdBy":"u"})",
       R"(Event 1 of the push is refused: v2.CellCreated: field "fractionalIndex": missing)"},
      {"v1.CellSourceChanged", R"("c1")",
       R"(Event 1 of the push is refused: v1.CellSourceChanged: args: expected an object, got the string "c1")"},
      {"v2.CellCreated", R"({"id":"c2","fractionalIndex":"a1","cellType":"spreadsheet","createdBy":"u"})",
       R"(Event 1 of the push is refused: v2.CellCreated: field "cellType": expected one of "code" | "markdown" | "sql" | "ai" | "raw", got the string "spreadsheet")"},
      {"v9.FromTheFuture", R"([1,2])", R"(Event 1 of the push is refused: v9.FromTheFuture: args: expected an object, got an array)"},
  };
  Socket a, b;
  const auto ia = hub_->attach("nb", a), ib = hub_->attach("nb", b);
  for (auto [id, s] : {std::pair{ia, &a}, {ib, &b}}) {
    hub_->on_frame(id, pull_frame("p"));
    s->frames.clear();
  }
  std::int64_t head = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const std::string request = "bad" + std::to_string(i);
    // A valid event before the bad one and one after it.
    hub_->on_frame(ia, push_of(request, head, {{"v1.Debug", R"({"id":"before"})"}, {c.name, c.args}, {"v1.Debug", R"({"id":"after"})"}}));
    const auto replies = a.take();
    ASSERT_EQ(replies.size(), 1u) << c.args;
    EXPECT_EQ(std::get<Error>(replies[0]), (Error{request, c.message}));
    EXPECT_EQ(store_->head("nb"), head) << c.args;
    EXPECT_TRUE(b.frames.empty()) << c.args;
    // The socket is still usable: a valid push goes through.
    hub_->on_frame(ia, push_of("good" + std::to_string(i), head, {{"v2.CellCreated", kCell}}));
    const auto after = a.take();
    ASSERT_EQ(after.size(), 2u);
    EXPECT_EQ(std::get<PushAck>(after[0]).requestId, "good" + std::to_string(i));
    EXPECT_EQ(store_->head("nb"), ++head);
    b.frames.clear();
  }
  for (const auto& stored : store_->read("nb", 0, 100)) EXPECT_EQ(stored.event.name, "v2.CellCreated");

  // What anode clients accept passes, byte for byte: extra keys (Effect Schema ignores them), a
  // Schema.Void event without args or with sync-cf's stored null, unknown names.
  const std::vector<std::pair<std::string, std::optional<std::string>>> accepted{
      {"v1.Debug", R"({"id":"x","pad":"extra keys are ignored"})"},
      {"v1.AllExecutionsCancelled", std::nullopt},
      {"v1.AllExecutionsCancelled", "null"},
      {"v9.FromTheFuture", R"({"anything": [1.0, {"b":2}]})"},
      {"v9.FromTheFuture", std::nullopt},
  };
  hub_->on_frame(ia, push_of("accepted", head, accepted));
  EXPECT_EQ(std::get<PushAck>(a.take()[0]).requestId, "accepted");
  const auto stored = store_->read("nb", head, 100);
  ASSERT_EQ(stored.size(), accepted.size());
  for (size_t i = 0; i < accepted.size(); ++i) {
    EXPECT_EQ(stored[i].event.name, accepted[i].first);
    EXPECT_EQ(stored[i].event.args, accepted[i].second);
  }
}

// sync-cf 0.3.1: "An empty batch gets an immediate PushAck". Nothing is stored or broadcast,
// even while other pushes wait for the group commit.
TEST_F(HubTest, AnEmptyPushIsAcknowledgedAtOnceAndChangesNothing) {
  Hub hub(*store_, [this] { return clock_ms_; }, /*group_commit=*/true);
  Socket a, b;
  const auto ia = hub.attach("nb", a), ib = hub.attach("nb", b);
  for (auto [id, s] : {std::pair{ia, &a}, {ib, &b}}) {
    hub.on_frame(id, pull_frame("p"));
    s->frames.clear();
  }
  hub.on_frame(ib, push_frame("waiting", 0, 1));
  hub.on_frame(ia, R"({"_tag":"WSMessage.PushReq","requestId":"empty","batch":[]})");
  ASSERT_EQ(a.frames.size(), 1u);
  EXPECT_EQ(a.frames[0], R"({"_tag":"WSMessage.PushAck","requestId":"empty"})");
  a.frames.clear();
  EXPECT_TRUE(b.frames.empty());
  EXPECT_EQ(store_->head("nb"), 0);
  hub.flush();  // only the waiting push is written and broadcast
  EXPECT_EQ(store_->head("nb"), 1);
  const auto heard = a.take();
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(seqs(std::get<PullRes>(heard[0])), (std::vector<std::int64_t>{1}));
  hub.on_frame(ia, push_frame("next", 1, 1));  // the empty push did not move a's position
  hub.flush();
  EXPECT_EQ(std::get<PushAck>(a.take()[0]).requestId, "next");
}

TEST_F(HubTest, TheServersOwnAppendOfAnEventClientsCannotApplyThrowsAndStoresNothing) {
  Socket a;
  const auto ia = hub_->attach("nb", a);
  hub_->on_frame(ia, pull_frame("p"));
  a.frames.clear();
  std::vector<WireEvent> events{WireEvent{"v1.Debug", R"({"id":"ok"})", 0, 0, "server", "s"},
                                WireEvent{"v2.CellCreated", R"({"id":5})", 0, 0, "server", "s"}};
  try {
    hub_->append("nb", events);
    ADD_FAILURE() << "append accepted v2.CellCreated {\"id\":5}";
  } catch (const schema::DecodeError& e) {
    EXPECT_EQ(e.event_name(), "v2.CellCreated");
    EXPECT_EQ(e.field_path(), "id");
  }
  EXPECT_THROW(hub_->append("nb", {WireEvent{"v1.Debug", "{not json", 0, 0, "server", "s"}}), schema::DecodeError);
  EXPECT_THROW(hub_->append("nb", {WireEvent{"x.Other", "7", 0, 0, "server", "s"}}), schema::DecodeError);
  EXPECT_EQ(store_->head("nb"), 0);
  EXPECT_TRUE(a.frames.empty());
  EXPECT_EQ(hub_->append("nb", {events[0]}), 1);
}

// Counts the transactions the Hub asks for, and can fail them.
class CountingStore final : public storage::EventStore {
 public:
  explicit CountingStore(storage::EventStore& inner) : inner_(inner) {}
  storage::AppendResult append(std::span<const storage::Append> appends) override {
    ++transactions;
    if (fail) throw storage::StorageError("disk full");
    return inner_.append(appends);
  }
  std::int64_t head(std::string_view id) override { return inner_.head(id); }
  std::vector<storage::StoredEvent> read(std::string_view id, std::int64_t after, size_t limit, size_t max_bytes) override {
    return inner_.read(id, after, limit, max_bytes);
  }
  std::optional<storage::StoredEvent> last(std::string_view id, std::optional<std::string_view> name) override {
    return inner_.last(id, name);
  }
  std::vector<std::string> store_ids() override { return inner_.store_ids(); }
  int transactions = 0;
  bool fail = false;

 private:
  storage::EventStore& inner_;
};

TEST_F(HubTest, GroupCommitWritesWaitingPushesInOneTransactionBeforeAnyAck) {
  CountingStore counting(*store_);
  Hub hub(counting, [this] { return clock_ms_; }, /*group_commit=*/true);
  Socket a, b, c;
  const auto ia = hub.attach("nb1", a), ib = hub.attach("nb2", b), ic = hub.attach("nb1", c);
  hub.on_frame(ic, pull_frame("pc"));
  c.frames.clear();
  hub.on_frame(ia, push_frame("a1", 0, 2));
  hub.on_frame(ib, push_frame("b1", 0, 1));
  hub.on_frame(ia, push_frame("a2", 2, 1));  // builds on its own waiting push
  EXPECT_TRUE(a.frames.empty());             // nothing is acknowledged before it is durable
  EXPECT_EQ(store_->head("nb1"), 0);
  hub.flush();
  EXPECT_EQ(counting.transactions, 1);
  EXPECT_EQ(store_->head("nb1"), 3);
  EXPECT_EQ(store_->head("nb2"), 1);
  const auto to_a = a.take();
  ASSERT_EQ(to_a.size(), 4u);
  EXPECT_EQ(std::get<PushAck>(to_a[0]).requestId, "a1");
  EXPECT_EQ(seqs(std::get<PullRes>(to_a[1])), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(std::get<PushAck>(to_a[2]).requestId, "a2");
  EXPECT_EQ(seqs(std::get<PullRes>(to_a[3])), (std::vector<std::int64_t>{3}));
  const auto to_c = c.take();  // the other socket of nb1 hears both, nb2's push not at all
  ASSERT_EQ(to_c.size(), 2u);
  EXPECT_EQ(seqs(std::get<PullRes>(to_c[1])), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(std::get<PushAck>(b.take()[0]).requestId, "b1");
  hub.flush();  // nothing waiting: no transaction
  EXPECT_EQ(counting.transactions, 1);
}

TEST_F(HubTest, AFailedGroupCommitTellsEveryPusherAndStoresNothing) {
  CountingStore counting(*store_);
  Hub hub(counting, [this] { return clock_ms_; }, /*group_commit=*/true);
  Socket a, b;
  const auto ia = hub.attach("nb1", a), ib = hub.attach("nb2", b);
  hub.on_frame(ia, push_frame("a1", 0, 1));
  hub.on_frame(ib, push_frame("b1", 0, 1));
  counting.fail = true;
  hub.flush();
  EXPECT_EQ(std::get<Error>(a.take()[0]), (Error{"a1", "Push not stored: disk full"}));
  EXPECT_EQ(std::get<Error>(b.take()[0]), (Error{"b1", "Push not stored: disk full"}));
  EXPECT_EQ(store_->head("nb1"), 0);
  counting.fail = false;
  hub.on_frame(ia, push_frame("a2", 0, 1));  // the waiting head was dropped with the group
  hub.flush();
  EXPECT_EQ(std::get<PushAck>(a.take()[0]).requestId, "a2");
}

TEST_F(HubTest, TheServersOwnAppendFollowsWaitingPushesIsDurableAndReachesEverySocket) {
  CountingStore counting(*store_);
  Hub hub(counting, [this] { return clock_ms_; }, /*group_commit=*/true);
  Socket a, b;
  const auto ia = hub.attach("nb", a), ib = hub.attach("nb", b);
  for (auto [id, s] : {std::pair{ia, &a}, {ib, &b}}) {
    hub.on_frame(id, pull_frame("p"));
    s->frames.clear();
  }
  hub.on_frame(ia, push_frame("a1", 0, 2));  // waiting for the group commit
  std::vector<WireEvent> events;
  for (int i = 0; i < 120; ++i) events.push_back(WireEvent{"v1.Debug", R"({"id":"s)" + std::to_string(i) + R"("})", 0, 0, "server", "s"});
  EXPECT_EQ(hub.append("nb", events), 122);
  EXPECT_EQ(counting.transactions, 1);  // one group: the waiting push and the append
  const auto stored = store_->read("nb", 0, 200);
  ASSERT_EQ(stored.size(), 122u);
  EXPECT_EQ(stored[2].event.name, "v1.Debug");
  EXPECT_EQ(*stored[2].event.args, R"({"id":"s0"})");
  EXPECT_EQ(stored[2].event.parentSeqNum, 2);
  EXPECT_EQ(stored[121].event.seqNum, 122);
  // The pusher gets its ack; both sockets get everything once, in pushes of at most 50.
  for (auto* s : {&a, &b}) {
    std::vector<std::int64_t> seen;
    for (const auto& m : s->take())
      if (const auto* r = std::get_if<PullRes>(&m)) {
        EXPECT_LE(r->batch.size(), 50u);
        for (auto n : seqs(*r)) seen.push_back(n);
      }
    ASSERT_EQ(seen.size(), 122u);
    for (std::int64_t i = 0; i < 122; ++i) EXPECT_EQ(seen[i], i + 1);
  }
  // A client on the old head is refused and catches up, as after anyone's push.
  hub.on_frame(ia, push_frame("a2", 2, 1));
  EXPECT_TRUE(std::holds_alternative<Error>(a.take()[0]));
  EXPECT_EQ(hub.append("nb", {}), 122);
}

TEST_F(HubTest, AFailedAppendThrowsAndStoresNothing) {
  CountingStore counting(*store_);
  Hub hub(counting, [this] { return clock_ms_; }, /*group_commit=*/true);
  counting.fail = true;
  EXPECT_THROW(hub.append("nb", {WireEvent{"v1.Debug", R"({"id":"x"})", 0, 0, "server", "s"}}), storage::StorageError);
  EXPECT_EQ(store_->head("nb"), 0);
  counting.fail = false;
  EXPECT_EQ(hub.append("nb", {WireEvent{"v1.Debug", R"({"id":"x"})", 0, 0, "server", "s"}}), 1);
}

}  // namespace
}  // namespace runt::sync
