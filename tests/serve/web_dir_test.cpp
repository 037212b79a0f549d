// Where runt finds its browser notebook without --web-dir: the build's bundle from the build
// tree, the installed copy beside an installed binary (tests/install runs a real install).
#include "runt/serve/web_dir.hpp"

#include <gtest/gtest.h>

namespace runt::serve {
namespace {

namespace fs = std::filesystem;

TEST(WebDir, TheBuildTreeBinaryUsesTheBuildsBundle) {
  EXPECT_EQ(web_dir_for("/src/runt/build/runt", "/src/runt/build"), fs::path("/src/runt/build/web-ui"));
}

TEST(WebDir, ProgramsDeeperInTheBuildTreeUseItToo) {
  // The test programs serve the build's bundle through ServerThread.
  EXPECT_EQ(web_dir_for("/src/runt/build/tests/serve/serve_tests", "/src/runt/build"), fs::path("/src/runt/build/web-ui"));
}

TEST(WebDir, AnInstalledBinaryUsesTheShareDirectoryOfItsPrefix) {
  EXPECT_EQ(web_dir_for("/usr/bin/runt", "/src/runt/build"), fs::path("/usr/share/runt/web-ui"));
  EXPECT_EQ(web_dir_for("/home/ann/.local/bin/runt", "/src/runt/build"), fs::path("/home/ann/.local/share/runt/web-ui"));
  EXPECT_EQ(web_dir_for("/tmp/stage/usr/bin/runt", "/src/runt/build"), fs::path("/tmp/stage/usr/share/runt/web-ui"));
}

TEST(WebDir, ADirectoryNamedLikeTheBuildTreeIsNotInIt) {
  EXPECT_EQ(web_dir_for("/src/runt/build2/bin/runt", "/src/runt/build"), fs::path("/src/runt/build2/share/runt/web-ui"));
  EXPECT_EQ(web_dir_for("/src/runt/bin/runt", "/src/runt/build"), fs::path("/src/runt/share/runt/web-ui"));
}

TEST(WebDir, ThisTestProgramIsInTheBuildTree) {
  // default_web_dir() reads /proc/self/exe: this program lies in the build tree, so it gets
  // the build's web-ui, wherever the build tree is.
  EXPECT_EQ(default_web_dir(), fs::weakly_canonical(RUNT_TEST_BUILD_DIR) / "web-ui");
}

}  // namespace
}  // namespace runt::serve
