#pragma once
// `runt up`'s runtimes: an agent (and its kernel) per open notebook, as Jupyter starts a
// kernel per open notebook, but only as far as the host allows. A kernel runs whatever its
// users type as this OS user, so starting one is the host's decision, not a side effect of
// opening a notebook:
//   - a notebook gets a runtime only when its owner may run code (auth::Accounts::may_run_code:
//     the operator always; others once granted), whoever opens it;
//   - at most `max_kernels` run at once;
//   - a runtime whose notebook nobody has had open for `idle` stops, ending its session as
//     Ctrl-C does, and starts again when the notebook is opened.
// Who may run code is re-read every `recheck` interval, so `runt token allow-runtime` and
// `deny-runtime` take effect while runt up runs. Why a notebook has no runtime is kept for the
// browser (refusal()).

#include "runt/agent/runtime.hpp"
#include "runt/auth/accounts.hpp"
#include "runt/serve/server.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace runt::runner {

struct AgentPoolOptions {
  std::function<std::unique_ptr<agent::Runtime>()> make_runtime;  // one per agent (runt up: a kernel)
  std::function<std::unique_ptr<agent::Runtime>()> make_ai_runtime;  // for ai cells, beside it (empty: none)
  std::string runtime_type;             // shown to clients (agent::anode_runtime_type of the kernel)
  std::string kernel_display_name;      // for each session's actor profile
  std::string token;                    // the server's: agents connect as the operator
  std::filesystem::path accounts_file;  // the server's SQLite file: owners and who may run code
  std::size_t max_kernels = 8;
  std::chrono::milliseconds idle{std::chrono::minutes(30)};  // 0: never stop for idleness
  std::chrono::milliseconds recheck{1000};
};

class AgentPool {
 public:
  // Lines for the operator (what was refused, what stopped) go to `err`.
  AgentPool(AgentPoolOptions options, std::ostream& err);
  ~AgentPool();
  AgentPool(const AgentPool&) = delete;
  AgentPool& operator=(const AgentPool&) = delete;

  // Runtimes wanted before the server's address is known start once it is.
  void ready(std::string sync_url);
  // The notebook runt up opens by itself: its agent's failure stops runt up (a SIGTERM to it).
  void start_essential(const std::string& notebook);

  // From the server's thread (serve::Options): someone opened the notebook; the last of them
  // left it; why it has no runtime, if the pool decided so.
  void opened(const std::string& notebook);
  void closed(const std::string& notebook);
  std::optional<serve::RuntimeRefusal> refusal(const std::string& notebook);

  // Ends every agent's session (each pushes v1.RuntimeSessionTerminated{shutdown}).
  void stop_all();
  int failures() const { return failures_; }
  // Agents running now (started, and not yet stopped by the pool).
  std::size_t running();

 private:
  struct Slot;
  using Clock = std::chrono::steady_clock;

  void consider_locked(const std::string& notebook);
  void refuse_locked(const std::string& notebook, serve::RuntimeRefusal refusal);
  void start_locked(const std::string& notebook);
  void supervise();
  // Takes out the agents to stop (idle, or their owner lost the right) and the finished ones.
  std::vector<std::unique_ptr<Slot>> sweep_locked();

  const AgentPoolOptions options_;
  std::ostream& err_;
  std::mutex mutex_;
  auth::Accounts accounts_;  // its own connection to the server's file, used under mutex_
  std::string sync_url_;
  std::string essential_;
  std::set<std::string> waiting_;  // wanted before ready()
  std::set<std::string> open_;     // notebooks someone has open
  std::set<std::string> ended_;    // agents that ended by themselves (failed, or displaced by another runtime)
  std::map<std::string, std::unique_ptr<Slot>> agents_;
  std::map<std::string, serve::RuntimeRefusal> refused_;
  bool stopping_ = false;
  std::condition_variable wake_;
  std::atomic<int> failures_{0};
  std::thread supervisor_;
};

}  // namespace runt::runner
