#pragma once
// runt's tables in PostgreSQL, versioned per component ("events", "accounts", ...) in table
// runt_schema, and brought up to date by the runt that opens the database.

#include "runt/storage/postgres.hpp"

#include <span>
#include <string_view>

namespace runt::storage::pg {

// Runs migrations[v..] for a component at version v (0 when new), each in the same
// transaction as its version bump, under an advisory lock: nodes starting together wait for
// each other instead of racing. Throws StorageError when the database's version is newer than
// migrations.size() (written by a newer runt: upgrade this one).
void ensure_schema(Connection& db, std::string_view component, std::span<const std::string_view> migrations);

}  // namespace runt::storage::pg
