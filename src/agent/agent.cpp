#include "runt/agent/agent.hpp"

#include "runt/agent/runtime_label.hpp"

#include "runt/base/clock.hpp"
#include "runt/base/endpoint.hpp"
#include "runt/base/ids.hpp"
#include "runt/schema/codec.hpp"
#include "runt/notebook/synced_notebook.hpp"
#include "runt/schema/timestamp.hpp"
#include "runt/rest/client.hpp"

#include <boost/asio.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

namespace runt::agent {

namespace asio = boost::asio;
namespace events = schema::events;
using namespace std::chrono_literals;

using base::now_ms;

std::string verify_identity(const std::string& sync_url, const std::string& token) {
  std::string endpoint = sync_url;  // until its REST base is known
  try {
    const std::string api = base::http_base_of(sync_url);
    endpoint = api + "/api/me";
    const auto response = rest::request(api, "GET", "/api/me", token, "", "", {{"User-Agent", "runt-runtime-agent/1.0"}});
    if (response.status != 200) throw AgentError("HTTP " + std::to_string(response.status) + ": " + response.body);
    const auto me = schema::parse_json(response.body);
    if (!me.is_object() || !me.contains("id") || !me["id"].is_string()) throw AgentError("no user id in " + response.body);
    return me["id"].get<std::string>();
  } catch (const std::exception& e) {
    throw AgentError("Authentication failed: could not verify identity with " + endpoint + ": " + e.what() +
                     " (check the token: --auth-token, RUNT_API_KEY or AUTH_TOKEN)");
  }
}

OpenNotebook server_notebook(std::string sync_url, std::string notebook_id, std::string auth_token,
                             std::function<void(const std::string&)> log) {
  return [=](asio::io_context& io, const AgentIdentity& me) -> std::shared_ptr<notebook::Notebook> {
    const std::string user_id = verify_identity(sync_url, auth_token);
    sync::ClientOptions options;
    options.url = sync_url;
    options.store_id = notebook_id;
    options.payload = {{"authToken", auth_token},
                       {"runtime", true},
                       {"runtimeId", me.runtime_id},
                       {"sessionId", me.session_id},
                       {"userId", user_id}};
    options.client_id = me.runtime_id;
    options.session_id = me.session_id;
    options.log = log;
    return std::make_shared<notebook::SyncedNotebook>(io, std::move(options));
  };
}

struct RuntimeAgent::Impl {
  Impl(AgentConfig c, std::unique_ptr<Runtime> r, OpenNotebook open)
      : config(std::move(c)), runtime(std::move(r)), open_notebook(std::move(open)), session_id(base::new_uuid()) {
    if (config.runtime_id.empty()) config.runtime_id = "runt-" + base::new_uuid().substr(0, 8);
  }

  void commit(schema::Event event) {
    try {
      notebook->commit(event);
    } catch (const std::exception& e) {
      config.log(std::string("could not commit ") + std::string(schema::event_name(event)) + ": " + e.what());
    }
  }
  // From the worker thread: commits happen on the event thread, in order.
  void commit_later(schema::Event event) {
    asio::post(io, [this, e = std::move(event)]() mutable { commit(std::move(e)); });
  }

  // POST /api/artifacts on the sync server (from the worker thread, before the output is
  // committed, so the output never points at an artifact that is not stored).
  Artifacts artifacts() {
    Artifacts a;
    if (config.sync_url.empty()) return a;  // no server to upload to: images stay inline
    a.image_threshold_bytes = config.image_artifact_threshold;
    const std::string api = base::http_base_of(config.sync_url);
    a.url = [api](const std::string& id) { return api + "/api/artifacts/" + id; };
    a.now_iso = [] { return schema::format_iso(schema::Timestamp{now_ms()}); };
    a.upload = [this, api](const std::string& bytes, const std::string& mime) -> std::optional<std::string> {
      try {
        const auto response =
            rest::request(api, "POST", "/api/artifacts", config.auth_token, bytes, mime, {{"x-notebook-id", config.notebook_id}});
        if (response.status != 200) throw AgentError("HTTP " + std::to_string(response.status) + ": " + response.body);
        return schema::parse_json(response.body).at("artifactId").get<std::string>();
      } catch (const std::exception& e) {
        config.log(std::string("Artifact submission failed (the image stays inline): ") + e.what());
        return std::nullopt;
      }
    };
    return a;
  }

  const schema::State& state() const { return notebook->state(); }

  void start_session() {
    const auto& s = state();
    // Only one runtime runs a notebook: every other active session is displaced.
    std::vector<std::string> others;
    for (const auto* row : s.runtimeSessions.in_insertion_order())
      if (row->isActive && row->sessionId != session_id) others.push_back(row->sessionId);
    for (const auto& other : others) commit(events::RuntimeSessionTerminated{other, schema::TerminationReason::displaced});
    commit(events::RuntimeSessionStarted{session_id, config.runtime_id, config.runtime_type, runtime->capabilities()});
    if (!config.kernel_display_name.empty()) commit(runtime_actor_profile(config.runtime_id, config.kernel_display_name));
    // What a dead predecessor left running would otherwise wait forever.
    std::vector<events::ExecutionCompleted> orphans;
    for (const auto* row : s.executionQueue.in_insertion_order())
      if (row->status == schema::QueueStatus::assigned || row->status == schema::QueueStatus::executing)
        orphans.push_back({row->id, row->cellId, schema::CompletionStatus::error,
                           "The runtime session " + row->assignedRuntimeSession.value_or("?") + " ended before this execution finished",
                           schema::Timestamp{now_ms()}, 0});
    for (auto& orphan : orphans) {
      finished.insert(orphan.queueId);
      commit(std::move(orphan));
    }
    commit(events::RuntimeSessionStatusChanged{session_id, schema::SessionStatusUpdate::ready});
    started = true;
    config.log("runtime session " + session_id + " ready on notebook " + config.notebook_id + " (" + config.runtime_type + ")");
    renew();
  }

  void renew() {
    renewal.expires_after(config.renewal_interval);
    renewal.async_wait([this](boost::system::error_code ec) {
      if (ec || stopping) return;
      commit(events::RuntimeSessionRenewal{session_id, schema::Timestamp{now_ms()}, config.valid_for_ms});
      renew();
    });
  }

  // Looks at the queue after every change: claims, hands work to the worker, cancels.
  // A commit made here notifies again: that pass runs after this one, never inside it.
  void reconcile() {
    if (reconciling) {
      again = true;
      return;
    }
    reconciling = true;
    do {
      again = false;
      reconcile_once();
    } while (again);
    reconciling = false;
  }

  void reconcile_once() {
    if (!started || stopping) return;
    // Decide first, commit after: committing changes the tables being read.
    std::vector<schema::Event> to_commit;
    const auto& s = state();
    if (const auto* me = s.runtimeSessions.find(session_id); me && !me->isActive) {
      config.log("this session was displaced by another runtime; stopping");
      displaced = true;
      return begin_stop(Ending::displaced);
    }
    std::vector<std::string> cancelled;
    // A cancel the server ordered before one of our own events is undone in the local state by
    // the rebase (the materializers have no status guards): the confirmed log decides.
    // (Only while events are pending does the local state differ from the confirmed one.)
    if (notebook->pending() > 0)
      for (const auto* row : notebook->confirmed_state().executionQueue.in_insertion_order())
        if (row->status == schema::QueueStatus::cancelled && !finished.contains(row->id)) cancelled.push_back(row->id);
    const auto is_cancelled = [&](const std::string& id) {
      if (std::find(cancelled.begin(), cancelled.end(), id) != cancelled.end()) return true;
      const std::lock_guard lock(mutex);
      return cancelled_ids.contains(id);
    };
    for (const auto* row : s.executionQueue.in_insertion_order()) {
      const std::string& id = row->id;
      switch (row->status) {
        case schema::QueueStatus::pending:
          if (claiming.empty()) {
            claiming = id;
            to_commit.push_back(events::ExecutionAssigned{id, session_id});
          }
          break;
        case schema::QueueStatus::assigned:
          if (claiming == id) claiming.clear();
          if (row->assignedRuntimeSession == session_id && !finished.contains(id) && !handed.contains(id) && !is_cancelled(id)) {
            handed.insert(id);
            const auto* cell = s.cells.find(row->cellId);
            if (!cell) {
              to_commit.push_back(events::ExecutionCompleted{id, row->cellId, schema::CompletionStatus::error,
                                                             "Cell " + row->cellId + " not found", schema::Timestamp{now_ms()}, 0});
              finished.insert(id);
              break;
            }
            Execution work{id, row->cellId, cell->source, row->executionCount};
            // An idle worker starts it at once: its start is committed here, with the claim, so
            // that it goes in the claim's push and the result never waits behind a push of its
            // own (a client has one push in flight at a time).
            const bool announce = outstanding == 0;
            if (announce)
              for (auto& e : start_events(work)) to_commit.push_back(std::move(e));
            enqueue(std::move(work), announce);
          }
          break;
        case schema::QueueStatus::cancelled:
          if (claiming == id) claiming.clear();
          cancelled.push_back(id);
          break;
        default:
          if (claiming == id) claiming.clear();
          break;
      }
    }
    for (auto& e : to_commit) commit(std::move(e));
    for (const auto& id : cancelled) {
      cancel(id);
      finished.insert(id);  // never completed by us: it stays cancelled
    }
  }

  // What an execution's start says: busy, started, its cell's outputs cleared (as
  // ExecutionContext::clear(ClearTiming::now) words it).
  std::vector<schema::Event> start_events(const Execution& work) const {
    std::vector<schema::Event> out;
    out.push_back(events::RuntimeSessionStatusChanged{session_id, schema::SessionStatusUpdate::busy});
    out.push_back(events::ExecutionStarted{work.queue_id, work.cell_id, session_id, schema::Timestamp{now_ms()}});
    out.push_back(events::CellOutputsCleared{work.cell_id, false, runtime_actor_id(config.runtime_id)});
    return out;
  }

  // `started_here`: its start events are committed already (start_events): the worker says nothing.
  void enqueue(Execution work, bool started_here) {
    ++outstanding;
    {
      const std::lock_guard lock(mutex);
      if (started_here) announced.insert(work.queue_id);
      queue.push_back(std::move(work));
    }
    wake.notify_one();
  }

  // A cancelled row: interrupt it if it runs, and cancel what waits behind it; drop it if it waits.
  void cancel(const std::string& id) {
    std::vector<Execution> dropped;
    bool running_cancelled = false;
    {
      const std::lock_guard lock(mutex);
      if (!cancelled_ids.insert(id).second && !(running && running->execution().queue_id == id && !running->cancelled())) return;
      if (running && running->execution().queue_id == id && !running->cancelled()) {
        running->cancel();
        running_cancelled = true;
        dropped.assign(queue.begin(), queue.end());
        queue.clear();
        outstanding -= dropped.size();
      } else {
        outstanding -= std::erase_if(queue, [&](const Execution& w) { return w.queue_id == id; });
      }
    }
    if (!running_cancelled) return;
    config.log("interrupting " + id);
    runtime->interrupt();
    for (const auto& w : dropped) {
      commit(events::ExecutionCancelled{w.queue_id, w.cell_id, runtime_actor_id(config.runtime_id), std::nullopt,
                                        "cancelled together with the running execution " + id});
      finished.insert(w.queue_id);
    }
  }

  void work_loop() {
    for (;;) {
      std::shared_ptr<ExecutionContext> context;
      std::vector<Execution> upcoming;  // this execution and those queued behind it, in order
      bool started_here = false;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) return;
        Execution next = std::move(queue.front());
        queue.pop_front();
        started_here = announced.erase(next.queue_id) > 0;
        if (cancelled_ids.contains(next.queue_id)) {
          asio::post(io, [this] { --outstanding; });
          continue;
        }
        upcoming.push_back(next);
        upcoming.insert(upcoming.end(), queue.begin(), queue.end());
        // Visible to cancel() from the moment it leaves the queue: no cancellation falls between.
        context = std::make_shared<ExecutionContext>(
            std::move(next), config.runtime_id, [this](schema::Event e) { commit_later(std::move(e)); }, [] { return base::new_uuid(); },
            artifacts(), displays);
        running = context;
      }
      if (upcoming.size() > 1) runtime->prefetch(upcoming);
      execute(context, started_here);
    }
  }

  void execute(const std::shared_ptr<ExecutionContext>& context, bool started_here) {
    const Execution& work = context->execution();
    const auto t0 = std::chrono::steady_clock::now();
    // One post, so they are committed together (one push).
    if (!started_here)
      asio::post(io, [this, start = start_events(work)]() mutable {
        for (auto& e : start) commit(std::move(e));
      });
    // The start wiped the cell's outputs without its context: the registry (touched only on
    // this thread) must forget the cell's results, or a later update would bring one back.
    displays->cell_cleared(work.cell_id);
    Outcome outcome;
    try {
      outcome = runtime->execute(*context);
    } catch (const std::exception& e) {
      outcome = Outcome{false, std::string("The runtime failed: ") + e.what()};
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    bool idle;
    {
      const std::lock_guard lock(mutex);
      running.reset();
      idle = queue.empty();
    }
    asio::post(io, [this, outcome, ms, context, idle] {
      const Execution& done = context->execution();
      finished.insert(done.queue_id);
      --outstanding;
      // A cancelled execution stays cancelled: no completion after v1.ExecutionCancelled.
      if (!context->cancelled())
        commit(events::ExecutionCompleted{done.queue_id, done.cell_id,
                                          outcome.success ? schema::CompletionStatus::success : schema::CompletionStatus::error,
                                          outcome.error, schema::Timestamp{now_ms()}, ms});
      if (idle && !stopping) commit(events::RuntimeSessionStatusChanged{session_id, schema::SessionStatusUpdate::ready});
    });
  }

  // How a session ends: displaced by another runtime (which already ended it), or shut down.
  enum class Ending { displaced, shutdown };
  void begin_stop(Ending ending) {
    if (stopping) return;
    renewal.cancel();
    {
      const std::lock_guard lock(mutex);
      stopping = true;  // read by the worker under the mutex
      if (running) running->cancel();
      queue.clear();
    }
    wake.notify_all();
    runtime->interrupt();
    if (ending == Ending::shutdown && started) commit(events::RuntimeSessionTerminated{session_id, schema::TerminationReason::shutdown});
    stop_deadline = std::chrono::steady_clock::now() + 5s;
    poll_stop();
  }

  // Leaves once the termination is pushed (or after 5 s).
  void poll_stop() {
    if (notebook->pending() == 0 || std::chrono::steady_clock::now() > stop_deadline) {
      notebook->stop();
      io.stop();
      return;
    }
    renewal.expires_after(20ms);
    renewal.async_wait([this](boost::system::error_code) { poll_stop(); });
  }

  AgentConfig config;
  std::unique_ptr<Runtime> runtime;
  OpenNotebook open_notebook;
  std::string session_id;
  asio::io_context io;
  asio::steady_timer renewal{io};
  std::shared_ptr<notebook::Notebook> notebook;
  // Which result outputs carry which display id, across the session's executions: a later cell
  // may update an earlier one's result (IPython display handles).
  std::shared_ptr<ResultDisplays> displays = std::make_shared<ResultDisplays>();
  bool starting = false, stopping = false, displaced = false;
  std::atomic<bool> started{false};  // read by other threads (ready())
  bool reconciling = false, again = false;
  std::string claiming;                 // the queue row we asked for and do not have yet
  std::set<std::string> handed, finished;
  // Executions handed to the worker and not yet back on this thread (completed, or dropped):
  // at 0 the worker waits and nothing it posted is still to be committed.
  std::size_t outstanding = 0;
  std::chrono::steady_clock::time_point stop_deadline;

  std::mutex mutex;  // the work queue, the running context and cancelled ids, shared with the worker
  std::set<std::string> cancelled_ids;
  std::set<std::string> announced;  // executions whose start the event thread committed
  std::condition_variable wake;
  std::deque<Execution> queue;
  std::shared_ptr<ExecutionContext> running;
};

RuntimeAgent::RuntimeAgent(AgentConfig config, std::unique_ptr<Runtime> runtime, OpenNotebook open_notebook)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(runtime), std::move(open_notebook))) {}

RuntimeAgent::~RuntimeAgent() = default;

const std::string& RuntimeAgent::session_id() const { return impl_->session_id; }
bool RuntimeAgent::ready() const { return impl_->started.load(); }

void RuntimeAgent::run() {
  Impl& a = *impl_;
  a.notebook = a.open_notebook(a.io, AgentIdentity{a.config.runtime_id, a.session_id});
  try {
    a.runtime->start();
  } catch (const std::exception& e) {
    throw AgentError(std::string("The runtime did not start: ") + e.what());
  }
  // The session starts once the notebook is live (a synced one has pulled what exists).
  const auto on_change = [&a](const notebook::Change& change) {
    for (const auto& refused : change.rejected) {
      // A refused claim leaves the row pending: claim again. Anything else is only reported.
      if (refused.name == "v1.ExecutionAssigned") a.claiming.clear();
      a.config.log("the server refused our " + refused.name + ": " + change.error);
    }
    if (!a.starting && !a.stopping && a.notebook->live()) {
      a.starting = true;
      a.start_session();
    }
    a.reconcile();
  };
  a.notebook->subscribe(on_change);
  asio::post(a.io, [&a, on_change] {
    a.notebook->start();
    on_change(notebook::Change{});  // a notebook may be live already
  });
  run_loop();
}

void RuntimeAgent::run_loop() {
  Impl& a = *impl_;
  std::thread worker([&a] { a.work_loop(); });
  a.io.run();
  {
    const std::lock_guard lock(a.mutex);
    a.stopping = true;
  }
  a.wake.notify_all();
  worker.join();
  a.runtime->stop();
}

void RuntimeAgent::post(std::function<void()> task) { asio::post(impl_->io, std::move(task)); }

void RuntimeAgent::stop() {
  asio::post(impl_->io, [this] { impl_->begin_stop(Impl::Ending::shutdown); });
}

}  // namespace runt::agent
