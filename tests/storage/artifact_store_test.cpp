#include "runt/storage/artifact_store.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace runt::storage {
namespace {

TEST(Sha256, MatchesTheStandardTestVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ArtifactStore, StoresByContentAndReadsBack) {
  runt::testing_support::TempDir dir{"runt-artifacts"};
  ArtifactStore store(dir.path() / "artifacts");
  const std::string bytes("\x89PNG\r\n\x1a\n\0\0binary", 16);
  const std::string hash = store.put(bytes);
  EXPECT_EQ(hash, sha256_hex(bytes));
  EXPECT_EQ(store.put(bytes), hash);  // same content, same id, stored once
  ASSERT_TRUE(store.get(hash));
  EXPECT_EQ(*store.get(hash), bytes);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path() / "artifacts"), {}), 1);  // no temporaries left
  ArtifactStore reopened(dir.path() / "artifacts");
  EXPECT_EQ(*reopened.get(hash), bytes);
}

TEST(ArtifactStore, RefusesNamesThatAreNotADigest) {
  runt::testing_support::TempDir dir{"runt-artifacts"};
  ArtifactStore store(dir.path() / "artifacts");
  store.put("x");
  EXPECT_FALSE(store.get(std::string(64, '0')));
  EXPECT_FALSE(store.get("../../etc/passwd"));
  EXPECT_FALSE(store.get(sha256_hex("x") + ".tmp"));
  EXPECT_FALSE(store.get(""));
}

}  // namespace
}  // namespace runt::storage
