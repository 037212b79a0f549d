#pragma once
// A .ipynb's cells appended to a notebook over HTTP, and the state of a stored notebook.

#include "context.hpp"

#include "runt/schema/state.hpp"

#include <string>

namespace runt::serve {

// A notebook's state now, from its stored log; an event that no anode client could apply is
// skipped, as they skip it.
schema::State materialized(storage::EventStore& store, const std::string& store_id);

// Appends the cells of `ipynb` (a .ipynb's text) after the notebook's last cell, with the
// events `runt import` commits, written through the Hub as a client's pushes would be (so open
// browsers see them at once). Returns how many cells. Throws std::invalid_argument, before
// anything is written, for a body that is not a notebook or a cell too large to sync.
std::size_t import_ipynb(ServerContext& server, const std::string& store_id, const std::string& ipynb, const auth::User& user);

// A fresh notebook id: `nb-` and 16 random characters.
std::string new_notebook_id();

}  // namespace runt::serve
