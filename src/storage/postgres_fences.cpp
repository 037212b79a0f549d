#include "runt/storage/postgres_fences.hpp"

#include "runt/storage/postgres_schema.hpp"

namespace runt::storage::pg {

namespace {

// Version 1: a fence never advanced has no row (and reads as 0).
constexpr std::string_view kFencesV1 = R"(
  CREATE TABLE runt_fences (
    name text PRIMARY KEY,
    value bigint NOT NULL CHECK (value >= 0)
  );
)";
constexpr std::string_view kFencesMigrations[] = {kFencesV1};

}  // namespace

void ensure_fences(Connection& db) { ensure_schema(db, "fences", kFencesMigrations); }

std::uint64_t advance_fence(Connection& db, std::string_view name) {
  const auto r = db.query(
      "INSERT INTO runt_fences (name, value) VALUES ($1, 1)"
      " ON CONFLICT (name) DO UPDATE SET value = runt_fences.value + 1 RETURNING value",
      {name});
  return static_cast<std::uint64_t>(r.integer(0, 0));
}

void raise_fence(Connection& db, std::string_view name, std::uint64_t value) {
  db.query(
      "INSERT INTO runt_fences (name, value) VALUES ($1, $2)"
      " ON CONFLICT (name) DO UPDATE SET value = greatest(runt_fences.value, excluded.value)",
      {name, static_cast<std::int64_t>(value)});
}

std::uint64_t read_fence(Connection& db, std::string_view name) {
  const auto r = db.query("SELECT value FROM runt_fences WHERE name = $1", {name}, {.prepared = true});
  return r.empty() ? 0 : static_cast<std::uint64_t>(r.integer(0, 0));
}

}  // namespace runt::storage::pg
