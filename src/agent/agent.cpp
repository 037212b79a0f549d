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
#include <future>
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

// The runtime of one kind of cell, its queue and its worker thread.
struct Lane {
  explicit Lane(std::unique_ptr<Runtime> r) : runtime(std::move(r)) {}
  std::unique_ptr<Runtime> runtime;
  // Executions handed to the worker and not yet back on the event thread (completed, or
  // dropped): at 0 the worker waits and nothing it posted is still to be committed.
  std::size_t outstanding = 0;
  // Under the agent's mutex, shared with the worker:
  std::deque<Execution> queue;
  std::shared_ptr<ExecutionContext> running;
  std::set<std::string> announced;  // executions whose start the event thread committed
  std::condition_variable wake;
  std::thread worker;
};

struct RuntimeAgent::Impl {
  Impl(AgentConfig c, SessionRuntimes r, OpenNotebook open)
      : config(std::move(c)), open_notebook(std::move(open)), session_id(base::new_uuid()) {
    if (config.runtime_id.empty()) config.runtime_id = "runt-" + base::new_uuid().substr(0, 8);
    lanes.push_back(std::make_unique<Lane>(std::move(r.code)));
    if (r.ai) lanes.push_back(std::make_unique<Lane>(std::move(r.ai)));
  }

  Lane& code_lane() { return *lanes.front(); }
  Lane& lane_for(schema::CellType type) { return type == schema::CellType::ai && lanes.size() > 1 ? *lanes[1] : code_lane(); }

  // What the session offers: the code runtime's, and AI from the AI runtime.
  schema::RuntimeCapabilities capabilities() const {
    schema::RuntimeCapabilities caps = lanes.front()->runtime->capabilities();
    if (lanes.size() > 1) {
      const auto ai = lanes[1]->runtime->capabilities();
      caps.canExecuteAi = ai.canExecuteAi;
      caps.availableAiModels = ai.availableAiModels;
    }
    return caps;
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

  // The notebook as runtimes on the worker threads see it.
  class Access final : public NotebookAccess {
   public:
    explicit Access(Impl& agent) : a_(agent) {}
    const std::string& session_id() const override { return a_.session_id; }
    void commit(schema::Event event) override { a_.commit_later(std::move(event)); }
    void read(const std::function<void(const schema::State&)>& reader) override {
      auto done = std::make_shared<std::promise<void>>();
      auto future = done->get_future();
      asio::post(a_.io, [this, done, &reader] {
        try {
          reader(a_.state());
          done->set_value();
        } catch (...) {
          done->set_exception(std::current_exception());
        }
      });
      // A stopped event loop never runs it (nor touches `reader` again).
      while (future.wait_for(20ms) != std::future_status::ready)
        if (a_.io.stopped()) throw AgentError("the runtime session is ending");
      future.get();
    }
    bool wait_until(const std::function<bool(const schema::State&)>& done, std::chrono::milliseconds timeout,
                    const std::function<bool()>& cancelled) override {
      const auto deadline = std::chrono::steady_clock::now() + timeout;
      for (;;) {
        bool met = false;
        read([&](const schema::State& s) { met = done(s); });
        if (met) return true;
        if ((cancelled && cancelled()) || std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(25ms);
      }
    }

   private:
    Impl& a_;
  };

  void start_session() {
    const auto& s = state();
    // Only one runtime runs a notebook: every other active session is displaced.
    std::vector<std::string> others;
    for (const auto* row : s.runtimeSessions.in_insertion_order())
      if (row->isActive && row->sessionId != session_id) others.push_back(row->sessionId);
    for (const auto& other : others) commit(events::RuntimeSessionTerminated{other, schema::TerminationReason::displaced});
    commit(events::RuntimeSessionStarted{session_id, config.runtime_id, config.runtime_type, capabilities()});
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
            Execution work{id, row->cellId, cell->source, row->executionCount, cell->cellType};
            Lane& lane = lane_for(work.cell_type);
            // An idle worker starts it at once: its start is committed here, with the claim, so
            // that it goes in the claim's push and the result never waits behind a push of its
            // own (a client has one push in flight at a time).
            const bool announce = lane.outstanding == 0;
            if (announce)
              for (auto& e : start_events(work)) to_commit.push_back(std::move(e));
            enqueue(lane, std::move(work), announce);
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
  void enqueue(Lane& lane, Execution work, bool started_here) {
    ++lane.outstanding;
    {
      const std::lock_guard lock(mutex);
      if (started_here) lane.announced.insert(work.queue_id);
      lane.queue.push_back(std::move(work));
    }
    lane.wake.notify_one();
  }

  // A cancelled row: interrupt it if it runs, and cancel what waits behind it; drop it if it waits.
  void cancel(const std::string& id) {
    std::vector<Execution> dropped;
    Lane* interrupted = nullptr;
    {
      const std::lock_guard lock(mutex);
      const bool first = cancelled_ids.insert(id).second;
      for (auto& lane : lanes) {
        auto& running = lane->running;
        if (running && running->execution().queue_id == id && !running->cancelled()) {
          running->cancel();
          interrupted = lane.get();
          dropped.assign(lane->queue.begin(), lane->queue.end());
          lane->queue.clear();
          lane->outstanding -= dropped.size();
        } else if (first) {
          lane->outstanding -= std::erase_if(lane->queue, [&](const Execution& w) { return w.queue_id == id; });
        }
      }
    }
    if (!interrupted) return;
    config.log("interrupting " + id);
    interrupted->runtime->interrupt();
    for (const auto& w : dropped) {
      commit(events::ExecutionCancelled{w.queue_id, w.cell_id, runtime_actor_id(config.runtime_id), std::nullopt,
                                        "cancelled together with the running execution " + id});
      finished.insert(w.queue_id);
    }
  }

  void work_loop(Lane& lane) {
    auto& queue = lane.queue;
    for (;;) {
      std::shared_ptr<ExecutionContext> context;
      std::vector<Execution> upcoming;  // this execution and those queued behind it, in order
      bool started_here = false;
      {
        std::unique_lock lock(mutex);
        lane.wake.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) return;
        Execution next = std::move(queue.front());
        queue.pop_front();
        started_here = lane.announced.erase(next.queue_id) > 0;
        if (cancelled_ids.contains(next.queue_id)) {
          asio::post(io, [&lane] { --lane.outstanding; });
          continue;
        }
        upcoming.push_back(next);
        upcoming.insert(upcoming.end(), queue.begin(), queue.end());
        // Visible to cancel() from the moment it leaves the queue: no cancellation falls between.
        context = std::make_shared<ExecutionContext>(
            std::move(next), config.runtime_id, [this](schema::Event e) { commit_later(std::move(e)); }, [] { return base::new_uuid(); },
            artifacts(), displays);
        lane.running = context;
      }
      if (upcoming.size() > 1) lane.runtime->prefetch(upcoming);
      execute(lane, context, started_here);
    }
  }

  void execute(Lane& lane, const std::shared_ptr<ExecutionContext>& context, bool started_here) {
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
      outcome = lane.runtime->execute(*context);
    } catch (const std::exception& e) {
      outcome = Outcome{false, std::string("The runtime failed: ") + e.what()};
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    {
      const std::lock_guard lock(mutex);
      lane.running.reset();
    }
    asio::post(io, [this, &lane, outcome, ms, context] {
      const Execution& done = context->execution();
      finished.insert(done.queue_id);
      --lane.outstanding;
      const bool idle = std::all_of(lanes.begin(), lanes.end(), [](const auto& l) { return l->outstanding == 0; });
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
      stopping = true;  // read by the workers under the mutex
      for (auto& lane : lanes) {
        if (lane->running) lane->running->cancel();
        lane->queue.clear();
      }
    }
    for (auto& lane : lanes) {
      lane->wake.notify_all();
      lane->runtime->interrupt();
    }
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
  std::vector<std::unique_ptr<Lane>> lanes;  // code first, then ai
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
  std::chrono::steady_clock::time_point stop_deadline;
  Access access{*this};

  std::mutex mutex;  // the lanes' queues and running contexts and the cancelled ids, shared with the workers
  std::set<std::string> cancelled_ids;
};

RuntimeAgent::RuntimeAgent(AgentConfig config, std::unique_ptr<Runtime> runtime, OpenNotebook open_notebook)
    : RuntimeAgent(std::move(config), SessionRuntimes{std::move(runtime), nullptr}, std::move(open_notebook)) {}

RuntimeAgent::RuntimeAgent(AgentConfig config, SessionRuntimes runtimes, OpenNotebook open_notebook)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(runtimes), std::move(open_notebook))) {}

RuntimeAgent::~RuntimeAgent() = default;

const std::string& RuntimeAgent::session_id() const { return impl_->session_id; }
bool RuntimeAgent::ready() const { return impl_->started.load(); }

void RuntimeAgent::run() {
  Impl& a = *impl_;
  a.notebook = a.open_notebook(a.io, AgentIdentity{a.config.runtime_id, a.session_id});
  try {
    for (auto& lane : a.lanes) {
      lane->runtime->attach(a.access);
      lane->runtime->start();
    }
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
  for (auto& lane : a.lanes) lane->worker = std::thread([&a, &lane = *lane] { a.work_loop(lane); });
  a.io.run();
  {
    const std::lock_guard lock(a.mutex);
    a.stopping = true;
  }
  for (auto& lane : a.lanes) {
    lane->wake.notify_all();
    lane->worker.join();
  }
  for (auto& lane : a.lanes) lane->runtime->stop();
}

void RuntimeAgent::post(std::function<void()> task) { asio::post(impl_->io, std::move(task)); }

void RuntimeAgent::stop() {
  asio::post(impl_->io, [this] { impl_->begin_stop(Impl::Ending::shutdown); });
}

}  // namespace runt::agent
