#pragma once
// A .ipynb's cells appended to a notebook over HTTP, and the state of a stored notebook.

#include "context.hpp"

#include "runt/ipynb/ipynb.hpp"
#include "runt/schema/state.hpp"

#include <filesystem>

#include <string>

namespace runt::serve {

// A notebook's state now, from its stored log; an event that no anode client could apply is
// skipped, as they skip it.
schema::State materialized(storage::EventStore& store, const std::string& store_id);

// A .ipynb file read and checked; throws std::invalid_argument for one that is not a notebook.
// Pure: safe on a worker thread (parsing tens of megabytes takes a while).
ipynb::Json read_ipynb(const std::filesystem::path& file);

// Appends the cells of `notebook` after the notebook's last cell, with the events `runt import`
// commits, written through the Hub as a client's pushes would be (so open browsers see them at
// once). Returns how many cells. Throws std::invalid_argument, before anything is written, for
// a cell too large to sync.
std::size_t import_ipynb(ServerContext& server, const std::string& store_id, ipynb::Json notebook, const auth::User& user);

// A fresh notebook id: `nb-` and 16 random characters.
std::string new_notebook_id();

}  // namespace runt::serve
