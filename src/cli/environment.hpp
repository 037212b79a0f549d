#pragma once
// What the commands read from the process environment, in one place.

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>

namespace runt::cli {

std::optional<std::string> env(const std::string& name);
// The first of these variables that is set and not empty; "" when none is.
std::string first_env(std::initializer_list<const char*> names);
// Where kernels' connection files and logs go: $XDG_RUNTIME_DIR/runt/kernels, else /tmp/runt/kernels.
std::filesystem::path kernel_runtime_dir();
// KEY=VALUE lines (optionally `export KEY=VALUE`, quoted values, # comments); never overrides
// a variable that is already set.
void load_dotenv(const std::filesystem::path& file);

}  // namespace runt::cli
