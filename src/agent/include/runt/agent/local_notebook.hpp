#pragma once
// A notebook held only in this process (runt execute): commits are ordered and materialized at
// once, nothing is synced. The agent drives it like a synced notebook.

#include "runt/protocol/frames.hpp"
#include "runt/schema/events.hpp"
#include "runt/schema/state.hpp"

#include <functional>
#include <string>
#include <vector>

namespace runt::agent {

class LocalNotebook {
 public:
  explicit LocalNotebook(std::string client_id = "runt-local") : client_id_(std::move(client_id)) {}

  // Appends and materializes; returns the event's seqNum. Listeners are told after each commit.
  std::int64_t commit(const schema::Event& event);
  const schema::State& state() const { return state_; }
  const std::vector<protocol::WireEvent>& log() const { return log_; }  // as `runt replay` reads it
  void subscribe(std::function<void()> listener) { listeners_.push_back(std::move(listener)); }

 private:
  std::string client_id_;
  schema::State state_;
  std::vector<protocol::WireEvent> log_;
  std::vector<std::function<void()>> listeners_;
};

}  // namespace runt::agent
