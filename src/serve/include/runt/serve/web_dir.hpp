#pragma once
// Where `runt serve` (and `runt up`) find the browser notebook when no --web-dir is given: the
// build's own bundle for a program run from the build tree, the installed copy otherwise.

#include <filesystem>

namespace runt::serve {

// The web UI of the program at `executable` (an absolute path without symlinks, as
// /proc/self/exe gives it): `build_dir`/web-ui when the program lies inside the build tree
// `build_dir` (build/runt, the test programs), else the FHS layout `cmake --install` and the
// Debian package make, `<prefix>/bin/runt` beside `<prefix>/share/runt/web-ui`, so an
// installed tree works from any prefix and a copy of the build tree is never needed.
std::filesystem::path web_dir_for(const std::filesystem::path& executable, const std::filesystem::path& build_dir);

// web_dir_for this process (/proc/self/exe) and the build tree it was compiled in; the build's
// web-ui when the executable cannot be found.
std::filesystem::path default_web_dir();

}  // namespace runt::serve
