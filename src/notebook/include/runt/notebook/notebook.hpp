#pragma once
// A notebook as its clients use it — the runtime agent, and later the AI runtime and the
// terminal UI: commit events, read the state they materialize to (optimistic, and as the log
// has confirmed it), hear about changes. In-process (LocalNotebook) or synced through a server
// (SyncedNotebook): a client does not need to know which it has.
//
// A notebook lives on one thread (its event loop): every member is called there.

#include "runt/schema/events.hpp"
#include "runt/schema/state.hpp"
#include "runt/sync/replica.hpp"

#include <cstdint>
#include <functional>

namespace runt::notebook {

// What a change brought: others' events, own events confirmed or refused for good, an error.
using Change = sync::Change;
using Listener = std::function<void(const Change&)>;

class Notebook {
 public:
  virtual ~Notebook() = default;

  // Appends a local event, materialized at once into state(); returns its (provisional)
  // seqNum. Throws for an event that cannot be encoded or is too big to ever be stored.
  virtual std::int64_t commit(const schema::Event& event) = 0;
  // Confirmed events plus the pending ones.
  virtual const schema::State& state() const = 0;
  // Only what the log has ordered: where a pending event may still lose to another client's.
  virtual const schema::State& confirmed_state() const = 0;
  // Local events not yet confirmed.
  virtual std::size_t pending() const = 0;
  // Caught up with the log (a synced notebook: connected and pulled; a local one: always).
  virtual bool live() const = 0;
  // Called after every change, commits included (a listener may commit: it is called again
  // for that commit, from inside commit()).
  virtual void subscribe(Listener listener) = 0;
  virtual void start() = 0;
  virtual void stop() = 0;
};

}  // namespace runt::notebook
