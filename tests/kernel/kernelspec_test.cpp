#include "runt/kernel/kernelspec.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace runt::kernel {
namespace {

namespace fs = std::filesystem;

void write_spec(const fs::path& dir, const std::string& json) {
  fs::create_directories(dir);
  std::ofstream(dir / "kernel.json") << json;
}

TEST(KernelDirs, FollowJupytersOrder) {
  const std::map<std::string, std::string> env{{"JUPYTER_PATH", "/a:/b/"}, {"HOME", "/home/u"}};
  const auto getenv = [&](const std::string& k) -> std::optional<std::string> {
    const auto it = env.find(k);
    return it == env.end() ? std::nullopt : std::optional(it->second);
  };
  EXPECT_EQ(kernel_dirs(getenv), (std::vector<fs::path>{"/a/kernels", "/b/kernels", "/home/u/.local/share/jupyter/kernels",
                                                         "/usr/local/share/jupyter/kernels", "/usr/share/jupyter/kernels"}));
  const auto xdg = [](const std::string& k) -> std::optional<std::string> {
    if (k == "XDG_DATA_HOME") return "/x";
    return std::nullopt;
  };
  EXPECT_EQ(kernel_dirs(xdg).front(), fs::path("/x/jupyter/kernels"));
}

TEST(KernelSpecs, AreReadAndTheFirstDirectoryWins) {
  runt::testing_support::TempDir tmp{"runt-kernelspecs"};
  const fs::path user = tmp.path() / "user", system = tmp.path() / "system";
  write_spec(user / "py", R"({"argv":["python","-f","{connection_file}"],"display_name":"Mine","language":"python","env":{"A":"1"}})");
  write_spec(system / "py", R"({"argv":["other"],"display_name":"System"})");
  write_spec(system / "r", R"({"argv":["R","{connection_file}"],"display_name":"R","language":"R","interrupt_mode":"message"})");
  write_spec(system / "broken", R"({"argv":"not a list"})");
  std::vector<std::string> problems;
  const auto specs = find_kernelspecs({user, system, tmp.path() / "missing"}, [&](const std::string& p) { problems.push_back(p); });
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].name, "py");
  EXPECT_EQ(specs[0].display_name, "Mine");
  EXPECT_EQ(specs[0].argv, (std::vector<std::string>{"python", "-f", "{connection_file}"}));
  EXPECT_EQ(specs[0].env.at("A"), "1");
  EXPECT_EQ(specs[0].interrupt_mode, "signal");
  EXPECT_EQ(specs[1].name, "r");
  EXPECT_EQ(specs[1].interrupt_mode, "message");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("broken/kernel.json: \"argv\" must be a non-empty array of strings"), std::string::npos);
  EXPECT_EQ(find_kernelspec("py", {user, system})->display_name, "Mine");
  EXPECT_FALSE(find_kernelspec("julia", {user, system}));
}

TEST(KernelSpecs, BadFilesSayWhatIsWrong) {
  runt::testing_support::TempDir tmp{"runt-kernelspecs"};
  write_spec(tmp.path() / "a", "{not json");
  write_spec(tmp.path() / "b", R"({"argv":["x"],"interrupt_mode":"never"})");
  write_spec(tmp.path() / "c", R"({"argv":["x"],"env":{"A":1}})");
  EXPECT_THROW(read_kernelspec(tmp.path() / "a"), KernelSpecError);
  EXPECT_THROW(read_kernelspec(tmp.path() / "b"), KernelSpecError);
  EXPECT_THROW(read_kernelspec(tmp.path() / "c"), KernelSpecError);
  EXPECT_THROW(read_kernelspec(tmp.path() / "none"), KernelSpecError);
}

}  // namespace
}  // namespace runt::kernel
