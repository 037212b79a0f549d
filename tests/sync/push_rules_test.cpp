#include "runt/sync/push_rules.hpp"

#include <gtest/gtest.h>

namespace runt::sync {
namespace {

using protocol::WireEvent;

std::vector<WireEvent> chain(std::int64_t head, int n) {
  std::vector<WireEvent> out;
  for (int i = 0; i < n; ++i)
    out.push_back(WireEvent{"v1.Debug", R"({"id":"x"})", head + i + 1, head + i, "client", "session"});
  return out;
}

TEST(PushRules, AcceptsAContiguousBatchAtTheHead) {
  EXPECT_EQ(check_push(chain(0, 1), 0), std::nullopt);
  EXPECT_EQ(check_push(chain(41, 50), 41), std::nullopt);
}

TEST(PushRules, AWrongFirstParentGetsSyncCfsExactMessage) {
  EXPECT_EQ(check_push(chain(1, 2), 0), "Invalid parent event number. Received e1 but expected e0");
  EXPECT_EQ(check_push(chain(3, 1), 7), "Invalid parent event number. Received e3 but expected e7");
}

TEST(PushRules, ChecksTheWholeChainNotJustTheFirstParent) {
  auto gap = chain(0, 3);
  gap[2].parentSeqNum = 5;
  gap[2].seqNum = 6;
  EXPECT_EQ(check_push(gap, 0), "Event 2 of the push has parent e5 but follows e2");
  auto jump = chain(0, 2);
  jump[1].seqNum = 4;
  EXPECT_EQ(check_push(jump, 0), "Event 1 of the push has seqNum e4 but its parent is e1");
  auto duplicate = chain(0, 2);
  duplicate[1] = duplicate[0];
  EXPECT_EQ(check_push(duplicate, 0), "Event 1 of the push has parent e0 but follows e1");
}

TEST(PushRules, RefusesEmptyOversizedAndAnonymousBatches) {
  EXPECT_EQ(check_push({}, 0), "A push must carry 1 to 50 events, got 0");
  EXPECT_EQ(check_push(chain(0, 51), 0), "A push must carry 1 to 50 events, got 51");
  auto nameless = chain(0, 1);
  nameless[0].name.clear();
  EXPECT_EQ(check_push(nameless, 0), "Event 0 of the push has no name");
  auto no_client = chain(0, 1);
  no_client[0].clientId.clear();
  EXPECT_EQ(check_push(no_client, 0), "Event 0 of the push has no clientId");
  auto no_session = chain(0, 1);
  no_session[0].sessionId.clear();
  EXPECT_EQ(check_push(no_session, 0), "Event 0 of the push has no sessionId");
}

TEST(PushRules, StoreIds) {
  const std::vector<std::string> good{"kX3m9QpL2vZa", "a", "notebook-1_b", std::string(64, 'x')};
  for (const auto& id : good) EXPECT_TRUE(is_valid_store_id(id)) << id;
  const std::vector<std::string> bad{"", std::string(65, 'x'), "a b", "a/b", "..", "\xc3\xa9", "a;drop"};
  for (const auto& id : bad) EXPECT_FALSE(is_valid_store_id(id)) << id;
}

}  // namespace
}  // namespace runt::sync
