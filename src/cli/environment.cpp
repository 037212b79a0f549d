#include "environment.hpp"

#include "runt/base/ids.hpp"

#include <cstdlib>
#include <fstream>
#include <random>

#include <sys/stat.h>

namespace runt::cli {

std::optional<std::string> env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? std::optional<std::string>(value) : std::nullopt;
}

std::string first_env(std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (const auto value = env(name); value && !value->empty()) return *value;
  return "";
}

std::filesystem::path kernel_runtime_dir() {
  return std::filesystem::path(env("XDG_RUNTIME_DIR").value_or("/tmp")) / "runt" / "kernels";
}

void load_dotenv(const std::filesystem::path& file) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line = line.substr(start);
    if (line.rfind("export ", 0) == 0) line = line.substr(7);
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    ::setenv(key.c_str(), value.c_str(), /*overwrite=*/0);
  }
}

std::filesystem::path default_data_dir() { return std::filesystem::path(env("HOME").value_or(".")) / ".local/share/runt"; }

std::string load_or_create_server_token(const std::filesystem::path& data_dir) {
  const auto token_file = data_dir / "token";
  std::string token;
  std::ifstream existing(token_file);
  std::getline(existing, token);
  if (!token.empty()) return token;
  std::filesystem::create_directories(data_dir);
  token = base::random_hex(48);
  std::ofstream(token_file) << token << "\n";
  ::chmod(token_file.c_str(), 0600);
  return token;
}

}  // namespace runt::cli
