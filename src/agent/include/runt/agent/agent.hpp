#pragma once
// The RuntimeAgent: one runtime session on one notebook. It verifies its token's user
// (GET /api/me), connects the sync client, displaces the notebook's other active sessions,
// starts its own (ready as soon as it has pulled), renews it every 15 s, claims pending
// executions one at a time, runs them on its Runtime in a worker thread, and commits
// started → outputs → completed. Defects of the original it fixes (runt-spec §10): a failing
// cell completes with status error; a cancelled execution stays cancelled; a missing cell fails
// its queue row; a predecessor's unfinished rows are failed with a reason; output is committed
// before the completion.

#include "runt/agent/local_notebook.hpp"
#include "runt/agent/runtime.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace runt::agent {

struct AgentConfig {
  std::string sync_url;  // ws://HOST:PORT/livestore; the REST API is at http://HOST:PORT
  std::string notebook_id;
  std::string auth_token;
  std::string runtime_id;    // empty: runt-<random>
  std::string runtime_type = "python3";
  std::chrono::milliseconds renewal_interval{15000};
  double valid_for_ms = 30000;
  std::size_t image_artifact_threshold = 6144;  // decoded PNG bytes kept inline; larger go to the artifact store
  std::function<void(const std::string&)> log = [](const std::string&) {};
  // Set: run on this in-process notebook instead of syncing (no server, no identity check);
  // it must then be used only through post().
  std::shared_ptr<LocalNotebook> local;
};

class AgentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RuntimeAgent {
 public:
  RuntimeAgent(AgentConfig config, std::unique_ptr<Runtime> runtime);
  ~RuntimeAgent();
  RuntimeAgent(const RuntimeAgent&) = delete;
  RuntimeAgent& operator=(const RuntimeAgent&) = delete;

  // Runs until stop() or until another session displaces this one. Throws AgentError when
  // the identity check or the runtime's start fails.
  void run();
  // From any thread (a signal handler's thread included): ends the session cleanly
  // (v1.RuntimeSessionTerminated{reason:"shutdown"}, pushed before run() returns).
  void stop();
  // Runs `task` on the agent's event thread (where a local notebook may be touched).
  void post(std::function<void()> task);

  const std::string& session_id() const;
  const std::string& user_id() const;  // known once run() has verified the token
  bool ready() const;                  // the session is started and ready

 private:
  void run_loop();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// GET <http base of sync_url>/api/me with the token; returns the user id. Throws AgentError.
std::string verify_identity(const std::string& sync_url, const std::string& token);

}  // namespace runt::agent
