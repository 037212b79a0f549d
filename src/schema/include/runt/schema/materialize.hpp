#pragma once
// Pure materializers: `materialize(state, event)` changes `state` exactly as the anode materializers
// change their SQLite tables (anode-schema.md §3). Everything they need is in the event or the
// state: no clock, no randomness, no I/O.

#include "runt/schema/events.hpp"
#include "runt/schema/state.hpp"

#include <stdexcept>

namespace runt::schema {

// An event that every anode client fails to materialize (a duplicate output-delta id is a
// plain-INSERT conflict there). The state is left unchanged.
class MaterializeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns false for an unknown event, which is skipped (state unchanged).
bool materialize(State& state, const Event& event);
// The same state change for an event the caller is done with: its strings and media move into
// the rows instead of being copied (replaying a log). Afterwards the event is valid but
// unspecified, except that an unknown event is left untouched.
bool materialize(State& state, Event&& event);

// The client-only `uiStateSet` of LiveStore's client-document table: merges the given keys into
// the session's row, creating it if needed. (LiveStore 0.3.1 drops every key when it creates
// the row; nothing in anode reads this table, and keeping the keys is what a caller means.)
void set_ui_state(State& state, const UiStateRow& patch);

}  // namespace runt::schema
