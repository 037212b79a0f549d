#include "runt/serve/server.hpp"

#include "caller.hpp"
#include "runt/base/clock.hpp"
#include "context.hpp"
#include "http_session.hpp"
#include "listener.hpp"
#include "rest_api.hpp"
#include "sync_session.hpp"
#include "web.hpp"

#include "runt/storage/artifact_store.hpp"
#include "runt/storage/event_store.hpp"

#include <chrono>

namespace runt::serve {

namespace {


}  // namespace

ServerContext::ServerContext(Options o, asio::io_context& loop)
    : options(std::move(o)),
      io(loop),
      store(options.store.empty() ? storage::open_sqlite_store(options.data_dir / "runt.sqlite")
                                  : storage::open_postgres_store(options.store)),
      // Beside the event logs: on PostgreSQL every node shares the users, keys, logins and access,
      // and serves every artifact; the data directory keeps only uploads in flight and copies
      // fetched for downloads.
      accounts(auth::Accounts::open(options.store, options.data_dir, options.token)),
      artifacts(options.store.empty() ? storage::open_file_artifact_store(options.data_dir / "artifacts")
                                      : storage::open_postgres_artifact_store(options.store, options.data_dir / "artifact-cache")),
      hub(*store, base::now_ms, /*group_commit=*/true) {
  hub.set_log(options.log);
  if (store->shared()) hub.set_write_guard({[this] { return write_fence(); }, [this] { recheck_before_write(); }});
  feed = store->watch(storage::ChangeHandlers{
      [this](const std::string& store_id, std::int64_t head) {
        asio::post(io, [this, store_id, head] { hub.log_moved(store_id, head); });
      },
      [this] { asio::post(io, [this] { hub.resync(); }); },
      [this](const std::string& line) {
        asio::post(io, [this, line] { log(line); });
      }});
  revocations_seen_ = accounts.revision();
  // Logs written before notebooks had owners belong to the operator, not to whoever opens
  // them first.
  const auto operator_user = *accounts.find_user(auth::kOperatorId);
  for (const auto& id : store->store_ids()) accounts.create_notebook(operator_user, id);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.web_dir / "index.html", ec))
    log("no web UI in " + options.web_dir.string() + " (no index.html): pages answer 404");
}

void ServerContext::schedule_flush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  asio::post(io, [this] {
    flush_scheduled_ = false;
    hub.flush();
  });
}

void ServerContext::end_sessions(const std::string& store_id, const std::string& user_id) {
  std::vector<std::shared_ptr<SyncSession>> ending;
  for (const auto& [id, weak] : sessions)
    if (auto s = weak.lock(); s && (store_id.empty() || s->peer().store_id == store_id) && s->peer().user_id == user_id)
      ending.push_back(std::move(s));
  for (const auto& s : ending) s->terminate();
}

bool ServerContext::still_authorized(sync::Hub::ConnectionId id) {
  recheck(accounts.revision());
  return sessions.contains(id);
}

storage::Fence ServerContext::write_fence() const {
  return storage::Fence{std::string(auth::Accounts::kRevisionFence), revocations_seen_};
}

void ServerContext::recheck_before_write() {
  std::uint64_t revision = 0;
  try {
    revision = accounts.revision_now();
  } catch (const storage::StorageError&) {
    revision = accounts.revision();  // the database is away: so is the store, which refuses the pushes
  }
  recheck(revision);
}

void ServerContext::recheck(std::uint64_t revision) {
  if (revision == revocations_seen_) return;
  revocations_seen_ = revision;
  std::vector<std::shared_ptr<SyncSession>> revoked;
  for (const auto& [session_id, weak] : sessions) {
    auto s = weak.lock();
    if (!s) continue;
    try {
      const auto user = authenticate(*this, s->peer().credential);
      if (!user || user->id != s->peer().user_id) revoked.push_back(std::move(s));
    } catch (const storage::StorageError& e) {
      // Credentials that cannot be checked after a revocation are not trusted: the client
      // reconnects and is authorized afresh once the accounts' database is back.
      log("could not re-check a sync connection of " + s->peer().user_id + ": " + e.what());
      revoked.push_back(std::move(s));
    }
  }
  for (const auto& s : revoked) {
    log("closed a sync connection of " + s->peer().user_id + " to " + s->peer().store_id + ": its credentials were revoked");
    s->terminate();
  }
}

void ServerContext::shed_slowest() {
  while (queued.bytes() > options.max_total_queued_bytes) {
    std::shared_ptr<SyncSession> slowest;
    for (const auto& [id, weak] : sessions)
      if (auto s = weak.lock(); s && (!slowest || s->queued_bytes() > slowest->queued_bytes())) slowest = std::move(s);
    if (!slowest || slowest->queued_bytes() == 0) return;  // what is left is being written
    slowest->shed();
  }
}

struct Server::Impl {
  explicit Impl(Options options)
      : server(std::move(options), io),
        api(server),
        listener(io, tcp::endpoint(asio::ip::make_address(server.options.host), server.options.port),
                 AdmissionLimits{server.options.max_connections, server.options.max_connections_per_address},
                 [this](Stream stream) { serve_http(server, api, std::move(stream)); }, server.options.log) {
    server.cookie_name = web::cookie_name(listener.port());
  }

  void tick() {
    timer.expires_after(std::chrono::milliseconds(500));
    timer.async_wait([this](beast::error_code ec) {
      if (ec) return;
      server.hub.tick();
      server.still_authorized(0);  // an idle socket of a revoked key is closed too
      tick();
    });
  }

  asio::io_context io{1};
  ServerContext server;
  RestApi api;
  Listener listener;
  asio::steady_timer timer{io};
};

Server::Server(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Server::~Server() = default;

std::uint16_t Server::port() const { return impl_->listener.port(); }

void Server::run() {
  asio::signal_set signals(impl_->io, SIGINT, SIGTERM);
  signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) stop();
  });
  impl_->listener.start();
  impl_->tick();
  impl_->io.run();
}

void Server::stop() {
  asio::post(impl_->io, [this] {
    impl_->listener.stop();
    impl_->timer.cancel();
    impl_->io.stop();
  });
}

}  // namespace runt::serve
