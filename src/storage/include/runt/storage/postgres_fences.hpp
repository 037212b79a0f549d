#pragma once
// Fences in PostgreSQL (see Fence in event_store.hpp): named counters in table runt_fences,
// shared by every component on the database. A writer advances one in the transaction that
// makes the change others must act on; the event store's append_if writes a group only while
// the fence holds the value its caller acted on.

#include "runt/storage/postgres.hpp"

#include <cstdint>
#include <string_view>

namespace runt::storage::pg {

// Creates runt_fences (component "fences" of runt_schema) when missing.
void ensure_fences(Connection& db);

// Inside the caller's transaction: the fence's new value (the first advance gives 1).
std::uint64_t advance_fence(Connection& db, std::string_view name);

// Inside the caller's transaction: moves the fence up to `value` if it is below (a copy of
// another database's count); never down.
void raise_fence(Connection& db, std::string_view name, std::uint64_t value);

// The fence's committed value; 0 for one never advanced.
std::uint64_t read_fence(Connection& db, std::string_view name);

}  // namespace runt::storage::pg
