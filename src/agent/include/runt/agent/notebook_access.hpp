#pragma once
// A runtime's way into its session's notebook from the worker thread it runs on (the AI
// runtime creates, edits and runs cells and waits for their executions). The notebook itself
// lives on the agent's event thread: commits are queued there in order with the execution's
// outputs; reads and waits run there and block the caller until they are done.

#include "runt/schema/events.hpp"
#include "runt/schema/state.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace runt::agent {

class NotebookAccess {
 public:
  virtual ~NotebookAccess() = default;
  // The session that runs the cells (an AI's actor is "ai-assistant-<session id>").
  virtual const std::string& session_id() const = 0;
  virtual void commit(schema::Event event) = 0;
  // Runs `reader` on the optimistic state. Throws AgentError once the session is ending.
  virtual void read(const std::function<void(const schema::State&)>& reader) = 0;
  // Until `done(state)` holds (true), or `timeout` passes or `cancelled()` (false).
  virtual bool wait_until(const std::function<bool(const schema::State&)>& done, std::chrono::milliseconds timeout,
                          const std::function<bool()>& cancelled) = 0;
};

}  // namespace runt::agent
