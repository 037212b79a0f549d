#pragma once
// Installed kernels: kernelspec directories (`kernel.json` plus resources) as Jupyter finds
// them.

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace runt::kernel {

struct KernelSpec {
  std::string name;  // the directory name
  std::filesystem::path resource_dir;
  std::vector<std::string> argv;  // with {connection_file} and {resource_dir} placeholders
  std::string display_name;
  std::string language;
  std::string interrupt_mode = "signal";  // or "message" (interrupt_request on control)
  std::map<std::string, std::string> env;
};

class KernelSpecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where kernelspecs live, in Jupyter's order (first wins): each $JUPYTER_PATH entry +
// /kernels, the user's data dir ($JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else
// ~/.local/share/jupyter) + /kernels, /usr/local/share/jupyter/kernels,
// /usr/share/jupyter/kernels. `getenv` is passed in (no global state).
std::vector<std::filesystem::path> kernel_dirs(const std::function<std::optional<std::string>(const std::string&)>& getenv);

// Reads `dir/kernel.json`; throws KernelSpecError naming the file and the problem.
KernelSpec read_kernelspec(const std::filesystem::path& dir);

// Every readable kernelspec, one per name (the first directory wins), sorted by name.
// Unreadable ones are reported through `problem` and skipped.
std::vector<KernelSpec> find_kernelspecs(const std::vector<std::filesystem::path>& dirs,
                                         const std::function<void(const std::string&)>& problem = {});
std::optional<KernelSpec> find_kernelspec(const std::string& name, const std::vector<std::filesystem::path>& dirs);

}  // namespace runt::kernel
