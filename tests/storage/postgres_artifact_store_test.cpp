// Artifacts in PostgreSQL against the tests' cluster (ctest fixture `postgres`): the same
// contract as files, plus what sharing one database between server nodes adds.

#include "artifact_store_contract.hpp"

#include "runt/storage/postgres.hpp"

#include "postgres_database.hpp"

#include <map>
#include <thread>

namespace runt::storage {
namespace {

using testing_support::PostgresDatabase;

// One database per local directory: reopening on the same directory reopens the same store.
std::unique_ptr<ArtifactStore> open_on_database_of(const std::filesystem::path& dir) {
  static std::map<std::filesystem::path, std::unique_ptr<PostgresDatabase>> databases;
  auto& db = databases[dir];
  if (!db) db = std::make_unique<PostgresDatabase>();
  return open_postgres_artifact_store(db->uri(), dir);
}

INSTANTIATE_TEST_SUITE_P(Postgres, ArtifactStoreContract, testing::Values(ArtifactStoreFactory(open_on_database_of)),
                         [](const auto&) { return std::string("Postgres"); });

class PostgresArtifacts : public testing::Test {
 protected:
  PostgresDatabase db_;
  testing_support::TempDir dir_{"runt-pg-artifacts"};
};

// Two server nodes on one database, each with its own local directory: what one stores, the
// other serves (from the database, then from its own copy).
TEST_F(PostgresArtifacts, TwoStoresOnOneDatabaseSeeEachOthersBlobs) {
  auto a = open_postgres_artifact_store(db_.uri(), dir_.path() / "a");
  auto b = open_postgres_artifact_store(db_.uri(), dir_.path() / "b");
  EXPECT_TRUE(a->shared());
  const std::string bytes("from a\0\\001", 11);
  const std::string hash = a->put(bytes);
  EXPECT_EQ(*b->get(hash), bytes);
  const auto file = b->file_of(hash);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->parent_path(), dir_.path() / "b");
  EXPECT_EQ(*b->file_of(hash), *file);  // the second time from the copy

  const auto staging = b->new_staging_file();
  std::ofstream(staging, std::ios::binary) << "from b";
  const auto adopted = b->adopt(staging);
  EXPECT_EQ(*a->get(adopted.hash), "from b");
  EXPECT_EQ(a->hashes(), b->hashes());
  EXPECT_EQ(a->hashes().size(), 2u);
}

// The same content stored by several nodes at once: one blob, whole.
TEST_F(PostgresArtifacts, TheSameContentStoredAtOnceIsStoredOnce) {
  const std::string bytes((3u << 20) + 7, 'z');
  std::vector<std::thread> nodes;
  std::vector<std::string> hashes(4);
  for (size_t i = 0; i < hashes.size(); ++i)
    nodes.emplace_back([&, i] { hashes[i] = open_postgres_artifact_store(db_.uri(), dir_.path() / std::to_string(i))->put(bytes); });
  for (auto& t : nodes) t.join();
  for (const auto& h : hashes) EXPECT_EQ(h, sha256_hex(bytes));
  auto store = open_postgres_artifact_store(db_.uri(), dir_.path() / "reader");
  EXPECT_EQ(store->hashes().size(), 1u);
  EXPECT_EQ(*store->get(hashes[0]), bytes);
}

TEST_F(PostgresArtifacts, AnUnknownOrMalformedHashIsNotThere) {
  auto store = open_postgres_artifact_store(db_.uri(), dir_.path());
  EXPECT_FALSE(store->get(sha256_hex("never stored")));
  EXPECT_FALSE(store->file_of(sha256_hex("never stored")));
  EXPECT_FALSE(store->get("'; DROP TABLE artifact_blobs; --"));
  EXPECT_FALSE(store->file_of("../../etc/passwd"));
}

// No database: StorageError naming it, when opening and when it goes away under an open store
// (nothing is reported stored).
TEST_F(PostgresArtifacts, ADatabaseThatIsDownGivesStorageError) {
  EXPECT_THROW(open_postgres_artifact_store("postgresql:///nowhere?host=/nonexistent-dir&user=postgres", dir_.path()), StorageError);
  auto store = open_postgres_artifact_store(db_.uri(), dir_.path());
  const std::string hash = store->put("kept");
  pg::Connection admin(testing_support::postgres_cluster_uri());
  admin.exec("DROP DATABASE " + db_.name() + " WITH (FORCE)");
  EXPECT_THROW(store->put("lost"), StorageError);
  EXPECT_THROW(store->get(hash), StorageError);
  const auto staging = store->new_staging_file();
  std::ofstream(staging, std::ios::binary) << "an upload";
  EXPECT_THROW(store->adopt(staging), StorageError);
  EXPECT_FALSE(std::filesystem::exists(staging));
}

}  // namespace
}  // namespace runt::storage
