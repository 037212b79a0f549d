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
// The default data directory of runt serve and runt up: ~/.local/share/runt.
std::filesystem::path default_data_dir();
// The server's token, like Jupyter's: read from DATA_DIR/token, or generated (48 hex digits from
// the kernel's CSPRNG) and saved there, readable only by the user, on first use.
std::string load_or_create_server_token(const std::filesystem::path& data_dir);

}  // namespace runt::cli
