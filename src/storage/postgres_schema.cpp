#include "runt/storage/postgres_schema.hpp"

#include <string>

namespace runt::storage::pg {

namespace {
// pg_advisory_xact_lock's key for schema changes: any constant shared by every runt.
constexpr std::int64_t kSchemaLock = 0x72756e74;  // "runt"
}  // namespace

void ensure_schema(Connection& db, std::string_view component, std::span<const std::string_view> migrations) {
  Transaction transaction(db);
  db.query("SELECT pg_advisory_xact_lock($1)", {kSchemaLock});
  db.exec("CREATE TABLE IF NOT EXISTS runt_schema (component text PRIMARY KEY, version integer NOT NULL)");
  const auto r = db.query("SELECT version FROM runt_schema WHERE component = $1", {component});
  const std::int64_t version = r.empty() ? 0 : r.integer(0, 0);
  const auto known = static_cast<std::int64_t>(migrations.size());
  if (version > known)
    throw StorageError("the database's " + std::string(component) + " tables are at version " + std::to_string(version) +
                       ", newer than this runt knows (" + std::to_string(known) + "): upgrade runt");
  for (std::int64_t v = version; v < known; ++v) db.exec(migrations[static_cast<size_t>(v)]);
  if (version < known)
    db.query(
        "INSERT INTO runt_schema (component, version) VALUES ($1, $2)"
        " ON CONFLICT (component) DO UPDATE SET version = excluded.version",
        {component, known});
  transaction.commit();
}

}  // namespace runt::storage::pg
