// Artifacts as files in the data directory (runt serve without --store).

#include "artifact_store_contract.hpp"

namespace runt::storage {
namespace {

TEST(Sha256, MatchesTheStandardTestVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

INSTANTIATE_TEST_SUITE_P(Files, ArtifactStoreContract, testing::Values(ArtifactStoreFactory(open_file_artifact_store)),
                         [](const auto&) { return std::string("Files"); });

TEST(FileArtifactStore, LeavesOneFilePerContentAndNoTemporaries) {
  testing_support::TempDir dir{"runt-artifacts"};
  auto store = open_file_artifact_store(dir.path() / "artifacts");
  const std::string hash = store->put("bytes");
  store->put("bytes");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path() / "artifacts"), {}), 1);
  EXPECT_EQ(*store->file_of(hash), dir.path() / "artifacts" / hash);
}

}  // namespace
}  // namespace runt::storage
