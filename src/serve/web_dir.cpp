#include "runt/serve/web_dir.hpp"

#include <system_error>

namespace runt::serve {

std::filesystem::path web_dir_for(const std::filesystem::path& executable, const std::filesystem::path& build_dir) {
  const std::filesystem::path bin = executable.parent_path();
  const std::filesystem::path from_build = bin.lexically_relative(build_dir);
  if (!from_build.empty() && *from_build.begin() != "..") return build_dir / "web-ui";
  return bin.parent_path() / "share" / "runt" / "web-ui";
}

std::filesystem::path default_web_dir() {
  const std::filesystem::path build_dir = RUNT_BUILD_DIR;  // compiled in by src/serve/CMakeLists.txt
  std::error_code ec;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return build_dir / "web-ui";
  // /proc/self/exe has no symlinks; the build directory's name may go through one.
  const std::filesystem::path real_build_dir = std::filesystem::weakly_canonical(build_dir, ec);
  return web_dir_for(executable, ec ? build_dir : real_build_dir);
}

}  // namespace runt::serve
