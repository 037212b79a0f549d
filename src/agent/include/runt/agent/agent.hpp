#pragma once
// The RuntimeAgent: one runtime session on one notebook, in-process or synced (it does not
// know which). It opens its notebook, displaces the notebook's other active sessions, starts
// its own (ready as soon as the notebook is live), renews it every 15 s, claims pending
// executions one at a time, runs them on its Runtime in a worker thread, and commits
// started → outputs → completed. Defects of the original it fixes (runt-spec §10): a failing
// cell completes with status error; a cancelled execution stays cancelled; a missing cell fails
// its queue row; a predecessor's unfinished rows are failed with a reason; output is committed
// before the completion.

#include "runt/agent/runtime.hpp"
#include "runt/notebook/notebook.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace boost::asio {
class io_context;
}

namespace runt::agent {

// Who the agent's session is: a synced notebook connects as it.
struct AgentIdentity {
  std::string runtime_id;
  std::string session_id;
};
// Opens the notebook the agent runs, on the agent's event loop (once, from run()). Throws
// AgentError when it cannot (e.g. the server refuses the token).
using OpenNotebook = std::function<std::shared_ptr<notebook::Notebook>(boost::asio::io_context&, const AgentIdentity&)>;

struct AgentConfig {
  // The server's sync endpoint (ws://HOST:PORT/livestore; its REST API, where large images
  // are uploaded, is at http://HOST:PORT) and the token for it. Empty for an in-process
  // notebook: images then stay inline.
  std::string sync_url;
  std::string auth_token;
  std::string notebook_id;
  std::string runtime_id;    // empty: runt-<random>
  std::string runtime_type = "python";  // what anode's UI names ("python3" shows as "Unknown"): anode_runtime_type()
  // The kernel's display name ("Python 3 (ipykernel)"): the session's actor profile carries it,
  // so the kernel stays visible where the runtimeType is only "python". Empty: no profile.
  std::string kernel_display_name;
  std::chrono::milliseconds renewal_interval{15000};
  double valid_for_ms = 30000;
  std::size_t image_artifact_threshold = 6144;  // decoded PNG bytes kept inline; larger go to the artifact store
  std::function<void(const std::string&)> log = [](const std::string&) {};
};

class AgentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The runtimes a session runs cells on: code cells on `code`; ai cells on `ai` when there is
// one. They run side by side, each on its own worker, so that an AI cell can run code cells
// and wait for them.
struct SessionRuntimes {
  std::unique_ptr<Runtime> code;
  std::unique_ptr<Runtime> ai;
};

class RuntimeAgent {
 public:
  RuntimeAgent(AgentConfig config, std::unique_ptr<Runtime> runtime, OpenNotebook open_notebook);
  RuntimeAgent(AgentConfig config, SessionRuntimes runtimes, OpenNotebook open_notebook);
  ~RuntimeAgent();
  RuntimeAgent(const RuntimeAgent&) = delete;
  RuntimeAgent& operator=(const RuntimeAgent&) = delete;

  // Runs until stop() or until another session displaces this one. Throws AgentError when
  // the notebook cannot be opened or the runtime does not start.
  void run();
  // From any thread (a signal handler's thread included): ends the session cleanly
  // (v1.RuntimeSessionTerminated{reason:"shutdown"}, pushed before run() returns).
  void stop();
  // Runs `task` on the agent's event thread (where its notebook may be touched).
  void post(std::function<void()> task);

  const std::string& session_id() const;
  bool ready() const;  // the session is started and ready

 private:
  void run_loop();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// GET <http base of sync_url>/api/me with the token; returns the user id. Throws AgentError.
std::string verify_identity(const std::string& sync_url, const std::string& token);

// The notebook `notebook_id` on the server at `sync_url`, synced as a runtime: the token's user
// is verified first (GET /api/me), then the agent connects as that user's runtime session.
OpenNotebook server_notebook(std::string sync_url, std::string notebook_id, std::string auth_token,
                             std::function<void(const std::string&)> log);

}  // namespace runt::agent
