#include "runt/kernel/kernelspec.hpp"

#include "runt/kernel/message.hpp"  // Json

#include <algorithm>
#include <fstream>
#include <set>

namespace runt::kernel {

namespace fs = std::filesystem;

std::vector<fs::path> kernel_dirs(const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  std::vector<fs::path> dirs;
  if (const auto path = getenv("JUPYTER_PATH"); path && !path->empty()) {
    size_t start = 0;
    while (start <= path->size()) {
      const size_t colon = path->find(':', start);
      const std::string entry = path->substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!entry.empty()) dirs.push_back(fs::path(entry) / "kernels");
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  if (const auto data = getenv("JUPYTER_DATA_DIR"); data && !data->empty()) {
    dirs.push_back(fs::path(*data) / "kernels");
  } else if (const auto xdg = getenv("XDG_DATA_HOME"); xdg && !xdg->empty()) {
    dirs.push_back(fs::path(*xdg) / "jupyter" / "kernels");
  } else if (const auto home = getenv("HOME"); home && !home->empty()) {
    dirs.push_back(fs::path(*home) / ".local" / "share" / "jupyter" / "kernels");
  }
  dirs.emplace_back("/usr/local/share/jupyter/kernels");
  dirs.emplace_back("/usr/share/jupyter/kernels");
  return dirs;
}

KernelSpec read_kernelspec(const fs::path& dir) {
  const fs::path file = dir / "kernel.json";
  std::ifstream in(file);
  if (!in) throw KernelSpecError(file.string() + ": cannot be read");
  Json j;
  try {
    j = Json::parse(in);
  } catch (const Json::parse_error& e) {
    throw KernelSpecError(file.string() + ": malformed JSON: " + e.what());
  }
  KernelSpec spec;
  spec.name = dir.filename().string();
  spec.resource_dir = dir;
  try {
    if (!j.is_object()) throw KernelSpecError("not a JSON object");
    const auto argv = j.find("argv");
    if (argv == j.end() || !argv->is_array() || argv->empty())
      throw KernelSpecError("\"argv\" must be a non-empty array of strings");
    for (const auto& a : *argv) {
      if (!a.is_string()) throw KernelSpecError("\"argv\" must be a non-empty array of strings");
      spec.argv.push_back(a.get<std::string>());
    }
    spec.display_name = j.value("display_name", spec.name);
    spec.language = j.value("language", "");
    spec.interrupt_mode = j.value("interrupt_mode", "signal");
    if (spec.interrupt_mode != "signal" && spec.interrupt_mode != "message")
      throw KernelSpecError("\"interrupt_mode\" must be \"signal\" or \"message\"");
    if (const auto env = j.find("env"); env != j.end()) {
      if (!env->is_object()) throw KernelSpecError("\"env\" must be an object of strings");
      for (const auto& [k, v] : env->items()) {
        if (!v.is_string()) throw KernelSpecError("\"env\" must be an object of strings");
        spec.env[k] = v.get<std::string>();
      }
    }
  } catch (const KernelSpecError& e) {
    throw KernelSpecError(file.string() + ": " + e.what());
  } catch (const Json::exception& e) {
    throw KernelSpecError(file.string() + ": " + e.what());
  }
  return spec;
}

std::vector<KernelSpec> find_kernelspecs(const std::vector<fs::path>& dirs, const std::function<void(const std::string&)>& problem) {
  std::vector<KernelSpec> specs;
  std::set<std::string> seen;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> entries;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.is_directory(ec) && fs::exists(entry.path() / "kernel.json", ec)) entries.push_back(entry.path());
    std::sort(entries.begin(), entries.end());
    for (const auto& entry : entries) {
      const std::string name = entry.filename().string();
      if (seen.contains(name)) continue;
      try {
        specs.push_back(read_kernelspec(entry));
        seen.insert(name);
      } catch (const KernelSpecError& e) {
        if (problem) problem(e.what());
      }
    }
  }
  std::sort(specs.begin(), specs.end(), [](const KernelSpec& a, const KernelSpec& b) { return a.name < b.name; });
  return specs;
}

std::optional<KernelSpec> find_kernelspec(const std::string& name, const std::vector<fs::path>& dirs) {
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (fs::exists(dir / name / "kernel.json", ec)) return read_kernelspec(dir / name);
  }
  return std::nullopt;
}

}  // namespace runt::kernel
