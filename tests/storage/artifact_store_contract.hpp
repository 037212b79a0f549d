#pragma once
// What every ArtifactStore does, whatever keeps the bytes: each backend's test instantiates
// these with a factory for a fresh store (and a way to reopen it on the same place).

#include "runt/storage/artifact_store.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>

namespace runt::storage {

// Opens a store on the place named by `dir` (the same dir: the same store, reopened).
using ArtifactStoreFactory = std::function<std::unique_ptr<ArtifactStore>(const std::filesystem::path& dir)>;

class ArtifactStoreContract : public testing::TestWithParam<ArtifactStoreFactory> {
 protected:
  std::unique_ptr<ArtifactStore> open() { return GetParam()(dir_.path() / "store"); }
  static std::string file_content(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  static void write_file(const std::filesystem::path& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::binary);
    out << bytes;
  }
  // Bytes that are not text: every byte value, NULs and backslashes included.
  static std::string binary(size_t size) {
    std::string out(size, '\0');
    for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 7919 + i / 251) & 0xff);
    return out;
  }
  testing_support::TempDir dir_{"runt-artifacts"};
};

TEST_P(ArtifactStoreContract, StoresByContentAndReadsBack) {
  auto store = open();
  const std::string bytes("\x89PNG\r\n\x1a\n\0\0binary\\x00", 21);
  const std::string hash = store->put(bytes);
  EXPECT_EQ(hash, sha256_hex(bytes));
  EXPECT_EQ(store->put(bytes), hash);  // same content, same id, stored once
  ASSERT_TRUE(store->get(hash));
  EXPECT_EQ(*store->get(hash), bytes);
  EXPECT_EQ(store->hashes(), std::vector<std::string>{hash});
  const auto file = store->file_of(hash);
  ASSERT_TRUE(file);
  EXPECT_EQ(file_content(*file), bytes);
  store.reset();
  auto reopened = open();
  EXPECT_EQ(*reopened->get(hash), bytes);
  EXPECT_EQ(reopened->put(""), sha256_hex(""));
  EXPECT_EQ(*reopened->get(sha256_hex("")), "");
  EXPECT_EQ(file_content(*reopened->file_of(sha256_hex(""))), "");
}

TEST_P(ArtifactStoreContract, RefusesNamesThatAreNotADigest) {
  auto store = open();
  store->put("x");
  for (const std::string& bad : {std::string(64, '0'), std::string("../../etc/passwd"), sha256_hex("x") + ".tmp",
                                 std::string(""), std::string(64, 'A'), "staging-" + std::string(56, '0')}) {
    EXPECT_FALSE(store->get(bad)) << bad;
    EXPECT_FALSE(store->file_of(bad)) << bad;
  }
}

// Uploads arrive as staging files: adopted by content (several MiB, in many pieces), gone
// afterwards; the same content adopted again is the same artifact.
TEST_P(ArtifactStoreContract, AdoptsStagingFilesByTheirContent) {
  auto store = open();
  const std::string big = binary((5u << 20) + 12345);
  const auto staging = store->new_staging_file();
  write_file(staging, big);
  const auto adopted = store->adopt(staging);
  EXPECT_EQ(adopted.hash, sha256_hex(big));
  EXPECT_EQ(adopted.size, big.size());
  EXPECT_FALSE(std::filesystem::exists(staging));
  EXPECT_EQ(*store->get(adopted.hash), big);
  EXPECT_EQ(file_content(*store->file_of(adopted.hash)), big);

  const auto again = store->new_staging_file();
  EXPECT_NE(again, staging);
  write_file(again, big);
  EXPECT_EQ(store->adopt(again).hash, adopted.hash);
  EXPECT_FALSE(std::filesystem::exists(again));
  EXPECT_EQ(store->hashes().size(), 1u);
}

// A staging file a crash left behind is removed when the store opens again.
TEST_P(ArtifactStoreContract, ForgetsStagingFilesLeftByACrash) {
  auto store = open();
  const auto staging = store->new_staging_file();
  write_file(staging, "half an upload");
  store.reset();
  auto reopened = open();
  EXPECT_FALSE(std::filesystem::exists(staging));
  EXPECT_TRUE(reopened->hashes().empty());
}

}  // namespace runt::storage
