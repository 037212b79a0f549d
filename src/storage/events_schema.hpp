#pragma once
// The layout of the `events` table, and its migration from earlier layouts.

#include "runt/storage/sqlite.hpp"

namespace runt::storage {

// Brings `events` to the current layout (creating it in a new file), in one transaction:
// a crash leaves either the old table or the new one, never a mix. Idempotent.
void ensure_events_schema(sqlite::Database& db);

}  // namespace runt::storage
