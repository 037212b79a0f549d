// The Hub on a shared store (PostgreSQL, fixture `postgres`): each group of pushes is written
// under the revocations fence, with no read of its own. A revocation committed by another node
// moves the fence: the group writes nothing, the guard's recheck ends the revoked socket, its
// waiting push is dropped, a push built on it gets the parent error, and the rest is written.

#include "runt/storage/event_store.hpp"
#include "runt/storage/postgres.hpp"
#include "runt/storage/postgres_fences.hpp"
#include "runt/sync/hub.hpp"

#include "hub_sockets.hpp"
#include "postgres_database.hpp"

#include <gtest/gtest.h>

namespace runt::sync {
namespace {

using testing_support::HubSocket;
using testing_support::push_frame;

TEST(HubOnASharedStore, AGroupWrittenAfterARevocationElsewhereIsRecheckedFirst) {
  testing_support::PostgresDatabase db;
  auto store = storage::open_postgres_store(db.uri());
  Hub hub(*store, [] { return std::int64_t{1750000000000}; }, /*group_commit=*/true);
  HubSocket a, b, c;
  const auto revoked = hub.attach("nb", a);
  const auto other = hub.attach("nb", b);
  const auto elsewhere = hub.attach("nb2", c);

  storage::pg::Connection another_node(db.uri());
  std::uint64_t acted_on = 0;  // the revocations count the sockets were last checked for
  int rechecks = 0;
  hub.set_write_guard({[&] { return storage::Fence{"revocations", acted_on}; },
                       [&] {
                         ++rechecks;
                         acted_on = storage::pg::read_fence(another_node, "revocations");
                         hub.detach(revoked);  // what a server's recheck does to revoked credentials
                       }});

  hub.on_frame(revoked, push_frame("ok", 0, 1));
  hub.flush();
  EXPECT_EQ(store->head("nb"), 1);
  EXPECT_EQ(rechecks, 0);  // the fence held: no read, no recheck

  {
    storage::pg::Transaction revocation(another_node);
    storage::pg::advance_fence(another_node, "revocations");
    revocation.commit();
  }
  hub.on_frame(revoked, push_frame("gone", 1, 1));
  hub.on_frame(other, push_frame("built-on-it", 2, 1));
  hub.on_frame(elsewhere, push_frame("fine", 0, 1));
  b.frames.clear();
  hub.flush();
  EXPECT_EQ(rechecks, 1);
  EXPECT_EQ(acted_on, 1u);
  EXPECT_EQ(store->head("nb"), 1);   // neither the revoked socket's push nor the one built on it
  EXPECT_EQ(store->head("nb2"), 1);  // written on the second try, under the new count
  ASSERT_FALSE(b.frames.empty());
  EXPECT_NE(b.frames.front().find("Invalid parent event number"), std::string::npos) << b.frames.front();
  ASSERT_FALSE(c.frames.empty());
  EXPECT_NE(c.frames.front().find("PushAck"), std::string::npos) << c.frames.front();

  hub.on_frame(elsewhere, push_frame("later", 1, 1));
  hub.flush();
  EXPECT_EQ(rechecks, 1);  // nothing revoked since
  EXPECT_EQ(store->head("nb2"), 2);
}

}  // namespace
}  // namespace runt::sync
