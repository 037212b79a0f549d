#pragma once
// A notebook held only in this process (runt execute): a commit is ordered and materialized at
// once, nothing is synced, so nothing is ever pending.

#include "runt/notebook/notebook.hpp"
#include "runt/protocol/frames.hpp"

#include <string>
#include <vector>

namespace runt::notebook {

class LocalNotebook final : public Notebook {
 public:
  explicit LocalNotebook(std::string client_id = "runt-local") : client_id_(std::move(client_id)) {}

  std::int64_t commit(const schema::Event& event) override;
  const schema::State& state() const override { return state_; }
  const schema::State& confirmed_state() const override { return state_; }
  std::size_t pending() const override { return 0; }
  bool live() const override { return true; }
  void subscribe(Listener listener) override { listeners_.push_back(std::move(listener)); }
  void start() override {}
  void stop() override {}

  const std::vector<protocol::WireEvent>& log() const { return log_; }  // as `runt replay` reads it

 private:
  std::string client_id_;
  schema::State state_;
  std::vector<protocol::WireEvent> log_;
  std::vector<Listener> listeners_;
};

}  // namespace runt::notebook
