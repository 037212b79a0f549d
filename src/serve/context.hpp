#pragma once
// What every part of `runt serve` shares: its options, the event store, the accounts, the
// artifacts, the sync Hub, the live sync sessions and the event loop they all run on. One per
// server; used from the loop's thread only.

#include "queued_frames.hpp"
#include "open_notebooks.hpp"

#include "runt/serve/server.hpp"

#include "runt/auth/accounts.hpp"
#include "runt/storage/artifact_store.hpp"
#include "runt/storage/event_store.hpp"
#include "runt/sync/hub.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <map>
#include <memory>
#include <string>

namespace runt::serve {

class SyncSession;

struct ServerContext {
  ServerContext(Options options, boost::asio::io_context& io);

  void log(const std::string& line) const { options.log(line); }
  // Pushes wait in the Hub until the frames already at hand are handled; then one transaction
  // (one fsync) writes them all.
  void schedule_flush();
  // Ends the live sync sockets of `user_id` on `store_id` (every notebook when empty): their
  // access changed, and they reconnect and are authorized afresh.
  void end_sessions(const std::string& store_id, const std::string& user_id);
  // False when sync socket `id` was ended because its credentials were revoked. When any were
  // revoked since the last check (accounts.revision(): one small query on SQLite, memory on
  // PostgreSQL), every open socket is checked again.
  bool still_authorized(sync::Hub::ConnectionId id);
  // On PostgreSQL the count still_authorized uses moves by notification, which a push sent
  // right after `runt token revoke` (on any node) can outrun. So each group of pushes is written
  // under the revocations fence at the count the sockets were last checked for
  // (write_fence()); when it has moved the Hub calls recheck_before_write(), which re-checks
  // with the count as the database has it and ends the sockets revoked, and the Hub drops
  // their waiting pushes.
  storage::Fence write_fence() const;
  void recheck_before_write();
  // Drops the socket with the most bytes waiting for it: the queues together hold too much.
  void shed_slowest();

  Options options;
  boost::asio::io_context& io;
  std::unique_ptr<storage::EventStore> store;
  auth::Accounts accounts;
  std::unique_ptr<storage::ArtifactStore> artifacts;
  sync::Hub hub;
  // Other nodes' appends, when the store is shared (PostgreSQL); handed to the hub on the loop.
  std::unique_ptr<storage::ChangeFeed> feed;
  std::string cookie_name;  // the login cookie, named after this server's port
  std::map<sync::Hub::ConnectionId, std::weak_ptr<SyncSession>> sessions;
  QueuedFrames queued;
  OpenNotebooks open_notebooks{options};
  // Work too slow for the event loop (hashing an upload, parsing a large .ipynb); its results
  // come back to the loop with asio::post(io, ...). Last member: joined before the rest goes.
  boost::asio::thread_pool workers{1};

 private:
  void recheck(std::uint64_t revision);
  bool flush_scheduled_ = false;
  std::uint64_t revocations_seen_ = 0;
};

}  // namespace runt::serve
