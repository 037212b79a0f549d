#include "accounts_copy.hpp"

#include "runt/auth/accounts.hpp"
#include "runt/storage/postgres.hpp"
#include "runt/storage/postgres_fences.hpp"
#include "runt/storage/sqlite.hpp"

#include <vector>

namespace runt::migrate {

namespace {

struct Table {
  const char* name;
  std::vector<const char*> columns;
  const char* order;  // the source's order: notebooks by creation (rowid)
};

// Parents before children (api_keys and runtime_grants refer to users).
const std::vector<Table>& tables() {
  static const std::vector<Table> all{
      {"users", {"id", "name", "created_at"}, "rowid"},
      {"api_keys", {"key_sha256", "user_id", "created_at"}, "rowid"},
      {"sessions", {"id_sha256", "user_id", "credential_sha256", "created_at", "expires_at"}, "rowid"},
      {"notebooks", {"id", "owner_id", "created_at"}, "rowid"},
      {"grants", {"notebook_id", "user_id", "role"}, "notebook_id, user_id"},
      {"runtime_grants", {"user_id", "granted_at"}, "rowid"},
      {"artifacts", {"notebook_id", "sha256", "content_type", "size", "created_at"}, "notebook_id, sha256"},
  };
  return all;
}

bool has_table(const storage::sqlite::Database& db, const char* name) {
  storage::sqlite::Statement query(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  query.bind(1, std::string_view(name));
  const bool found = query.step();
  query.reset();
  return found;
}

}  // namespace

AccountCounts copy_accounts(const std::filesystem::path& sqlite_file, const std::string& uri) {
  // The target's tables as runt serve creates them (and at the version it expects).
  { auth::Accounts::open(uri, {}, ""); }
  const storage::sqlite::Database source(sqlite_file, "");
  storage::pg::Connection target(uri);
  AccountCounts counts;
  storage::pg::Transaction transaction(target);
  target.exec("SET LOCAL synchronous_commit = on");
  for (const auto& table : tables()) {
    if (!has_table(source, table.name)) continue;  // a data directory older than the table
    std::string columns, placeholders;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      columns += std::string(i ? ", " : "") + table.columns[i];
      placeholders += (i ? ", $" : "$") + std::to_string(i + 1);
    }
    const std::string insert =
        "INSERT INTO " + std::string(table.name) + " (" + columns + ") VALUES (" + placeholders + ") ON CONFLICT DO NOTHING";
    storage::sqlite::Statement rows(source, ("SELECT " + columns + " FROM " + table.name + " ORDER BY " + table.order).c_str());
    storage::sqlite::Reset reset{rows};
    while (rows.step()) {
      std::vector<std::optional<std::string>> values;
      for (size_t i = 0; i < table.columns.size(); ++i)
        values.push_back(rows.is_null(static_cast<int>(i)) ? std::nullopt : std::optional(rows.text(static_cast<int>(i))));
      std::vector<storage::pg::Param> params;
      for (const auto& v : values) params.emplace_back(v);
      ++counts.rows;
      counts.copied += target.query(insert, params).affected();
    }
  }
  // Revocations only ever count up (on PostgreSQL, the accounts' fence): holders of open
  // connections re-check theirs when it moves.
  if (has_table(source, "revocations")) {
    storage::sqlite::Statement count(source, "SELECT count FROM revocations WHERE id = 1");
    storage::sqlite::Reset reset{count};
    if (count.step())
      storage::pg::raise_fence(target, auth::Accounts::kRevisionFence, static_cast<std::uint64_t>(count.integer(0)));
  }
  transaction.commit();
  return counts;
}

}  // namespace runt::migrate
