#pragma once
// A notebook synced through a sync-cf server (runt serve): a SyncClient on the caller's event
// loop. Commits are pushed in order; others' events arrive as changes.

#include "runt/notebook/notebook.hpp"
#include "runt/sync/client.hpp"

#include <memory>

namespace runt::notebook {

class SyncedNotebook final : public Notebook {
 public:
  // Throws std::invalid_argument for a URL the client cannot use.
  SyncedNotebook(boost::asio::io_context& io, sync::ClientOptions options) : client_(io, std::move(options)) {}

  std::int64_t commit(const schema::Event& event) override { return client_.commit(event); }
  const schema::State& state() const override { return client_.replica().state(); }
  const schema::State& confirmed_state() const override { return client_.replica().confirmed_state(); }
  std::size_t pending() const override { return client_.replica().pending(); }
  bool live() const override { return client_.replica().live(); }
  void subscribe(Listener listener) override { client_.subscribe(std::move(listener)); }
  void start() override { client_.start(); }
  void stop() override { client_.stop(); }
  // The connection to the server is up (a notebook keeps and pushes its edits when it is back).
  bool connected() const { return client_.connected(); }

 private:
  sync::SyncClient client_;
};

}  // namespace runt::notebook
