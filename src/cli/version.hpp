#pragma once
// What `runt --version` prints: `runt 0.1.0 (1a2b3c4)`, the commit the binary was built from
// (`-dirty` when tracked files differed from it, `unknown` without git).

#include <string_view>

namespace runt::cli {

// Defined in the build tree's src/cli/version.cpp, which write_version.cmake rewrites only when
// the text changes, so a new commit recompiles that one file and relinks.
std::string_view version_text();

}  // namespace runt::cli
