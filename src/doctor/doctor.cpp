#include "runt/doctor/doctor.hpp"

#include "runt/kernel/kernelspec.hpp"
#include "runt/rest/client.hpp"

#include <algorithm>
#include <array>
#include <csignal>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace runt::doctor {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

enum class Import { ok, missing, cannot_run, timed_out };

// `interpreter -c "import module"`, silenced, killed after `timeout`. Exit 127 is the shell's
// and our child's "could not exec": the interpreter is not there.
Import try_import(const std::string& interpreter, const std::string& module, std::chrono::milliseconds timeout) {
  const std::string code = "import " + module;
  std::array<const char*, 4> argv{interpreter.c_str(), "-c", code.c_str(), nullptr};
  const int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) throw std::runtime_error("cannot open /dev/null");
  const pid_t pid = fork();
  if (pid < 0) {
    close(devnull);
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {  // only async-signal-safe calls from here
    dup2(devnull, STDIN_FILENO);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    execvp(argv[0], const_cast<char* const*>(argv.data()));
    _exit(127);
  }
  close(devnull);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0) return Import::cannot_run;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return Import::timed_out;
    }
    std::this_thread::sleep_for(20ms);
  }
  if (!WIFEXITED(status)) return Import::missing;
  if (WEXITSTATUS(status) == 0) return Import::ok;
  return WEXITSTATUS(status) == 127 ? Import::cannot_run : Import::missing;
}

struct Package {
  std::string module;
  std::string why;
  bool needed;
};

const std::array<Package, 4> kPackages{{
    {"ipykernel", "runs the kernel", true},
    {"matplotlib", "plots", false},
    {"pandas", "tables", false},
    {"numpy", "arrays, and what matplotlib and pandas need", false},
}};

std::vector<Check> package_checks(const kernel::KernelSpec& spec, std::chrono::milliseconds timeout) {
  std::vector<Check> checks;
  const std::string& python = spec.argv.front();
  for (const auto& package : kPackages) {
    const Import result = try_import(python, package.module, timeout);
    const std::string in = " in " + python + " (the " + spec.name + " kernel's interpreter)";
    if (result == Import::cannot_run)
      return {{false, "cannot run " + python + " (argv[0] of " + (spec.resource_dir / "kernel.json").string() + ")",
               "apt install python3-ipykernel, or fix argv in that kernel.json", true}};
    if (result == Import::ok) {
      checks.push_back({true, package.module + in, "", package.needed});
      continue;
    }
    const std::string problem = result == Import::timed_out ? " timed out" : " is missing";
    const std::string what = "import " + package.module + problem + in + (package.needed ? "" : " (optional: " + package.why + ")");
    checks.push_back({false, what, "apt install python3-" + package.module + " (or pip install " + package.module + " into that interpreter's environment)",
                      package.needed});
  }
  return checks;
}

std::string join(const std::vector<fs::path>& dirs) {
  std::string out;
  for (const auto& d : dirs) out += (out.empty() ? "" : ", ") + d.string();
  return out;
}

bool writable(const fs::path& dir) { return access(dir.c_str(), W_OK | X_OK) == 0; }

}  // namespace

std::vector<Check> kernel_checks(const Options& options) {
  std::vector<Check> checks;
  std::vector<std::string> problems;
  const auto specs = kernel::find_kernelspecs(options.kernel_dirs, [&](const std::string& p) { problems.push_back(p); });
  for (const auto& problem : problems) checks.push_back({false, "unreadable kernelspec: " + problem, "fix or remove that kernel.json", false});
  if (specs.empty())
    checks.push_back({false, "no kernelspecs found in " + join(options.kernel_dirs), "apt install python3-ipykernel", true});
  for (const auto& spec : specs)
    checks.push_back({true, "kernelspec " + spec.name + ": " + spec.display_name + " (" + spec.resource_dir.string() + ")", "", true});
  const auto python = std::find_if(specs.begin(), specs.end(), [](const auto& s) { return s.name == "python3"; });
  if (python == specs.end()) {
    checks.push_back({false, "no python3 kernelspec (runt up and runt agent run python3 unless told --kernel)",
                      "apt install python3-ipykernel", true});
    return checks;
  }
  if (python->argv.empty()) {
    checks.push_back({false, "the python3 kernelspec has an empty argv", "apt install --reinstall python3-ipykernel", true});
    return checks;
  }
  const auto packages = package_checks(*python, options.import_timeout);
  checks.insert(checks.end(), packages.begin(), packages.end());
  return checks;
}

Check data_dir_check(const fs::path& dir) {
  const std::string fix_elsewhere = ", or choose another with --data DIR";
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec))
      return {false, "data directory " + dir.string() + " is not a directory", "move that file away" + fix_elsewhere};
    if (!writable(dir))
      return {false, "data directory " + dir.string() + " is not writable", "chmod u+rwx " + dir.string() + fix_elsewhere};
    return {true, "data directory " + dir.string() + " is writable"};
  }
  // runt serve creates it (and its parents): the nearest existing ancestor must take that.
  fs::path parent = dir.parent_path();
  while (!parent.empty() && !fs::exists(parent, ec) && parent != parent.parent_path()) parent = parent.parent_path();
  if (parent.empty()) parent = ".";
  if (fs::is_directory(parent, ec) && writable(parent))
    return {true, "data directory " + dir.string() + " does not exist yet; runt serve will create it"};
  return {false, "data directory " + dir.string() + " cannot be created: " + parent.string() + " is not a writable directory",
          "mkdir -p " + dir.string() + " as a user who may" + fix_elsewhere};
}

std::vector<Check> server_checks(const Options& options) {
  const std::string& url = options.server_url;
  const std::string check_url = "check --sync-url (http://HOST:PORT, or the ws:// sync URL)";
  rest::Response health;
  try {
    health = rest::request(url, "GET", "/api/health", "", "", "application/json", {}, options.http_timeout);
  } catch (const std::exception& e) {
    return {{false, "server " + url + " is unreachable: " + e.what(), "start it (runt serve or runt up), or " + check_url}};
  }
  if (health.status != 200)
    return {{false, "server " + url + " answered GET /api/health with " + std::to_string(health.status) + ": is it a runt server?",
             check_url}};
  std::vector<Check> checks{{true, "server " + url + " is reachable"}};
  const std::string token_fix =
      "use the server token (runt serve prints it; it is kept in DATA/token) or an API key from runt token create --user NAME";
  if (options.token.empty()) {
    checks.push_back({false, "no token to try on " + url, "pass --token T (or set RUNT_API_KEY, AUTH_TOKEN or RUNT_TOKEN)"});
    return checks;
  }
  try {
    const auto me = rest::request(url, "GET", "/api/me", options.token, "", "application/json", {}, options.http_timeout);
    if (me.status == 200)
      checks.push_back({true, "token accepted by " + url});
    else if (me.status == 401)
      checks.push_back({false, "token refused by " + url, token_fix});
    else
      checks.push_back({false, "GET /api/me with the token answered " + std::to_string(me.status), token_fix});
  } catch (const std::exception& e) {
    checks.push_back({false, "server " + url + " stopped answering: " + e.what(), "start it (runt serve or runt up), or " + check_url});
  }
  return checks;
}

std::vector<Check> run(const Options& options) {
  std::vector<Check> checks = kernel_checks(options);
  checks.push_back(data_dir_check(options.data_dir));
  if (!options.server_url.empty()) {
    const auto server = server_checks(options);
    checks.insert(checks.end(), server.begin(), server.end());
  }
  return checks;
}

int report(const std::vector<Check>& checks, std::ostream& out) {
  int failed = 0;
  for (const auto& check : checks) {
    out << (check.ok ? "✓ " : "✗ ") << check.what << "\n";
    if (!check.ok) out << "    fix: " << check.fix << "\n";
    if (!check.ok && check.needed) ++failed;
  }
  if (failed == 0)
    out << "Everything runt needs is in place.\n";
  else
    out << failed << (failed == 1 ? " problem" : " problems") << " to fix.\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace runt::doctor
