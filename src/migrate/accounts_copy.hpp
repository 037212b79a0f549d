#pragma once
// The account tables (users, keys, logins, notebooks, access, artifact records, the revocation
// count) copied from a data directory's runt.sqlite into PostgreSQL's tables of the same names
// and columns (auth's PostgreSQL records, component "accounts").

#include <cstdint>
#include <filesystem>
#include <string>

namespace runt::migrate {

struct AccountCounts {
  std::int64_t rows = 0;    // in the source's account tables
  std::int64_t copied = 0;  // of those, new in the target
};

// Row by row, INSERT ... ON CONFLICT DO NOTHING in one transaction: a row already there (by its
// key) is left as it is, so running it again copies nothing. Notebooks go in the source's
// creation order (their position in PostgreSQL). Throws storage::StorageError.
AccountCounts copy_accounts(const std::filesystem::path& sqlite_file, const std::string& uri);

}  // namespace runt::migrate
