// runt doctor: the checks on chosen kernelspec directories, fake interpreters and data
// directories; then the `runt doctor` command with Jupyter's variables pointed at a temporary
// directory, and against a real runt serve in this process.
#include "runt/doctor/doctor.hpp"

#include "server_thread.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace runt::doctor {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

void write_file(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class DoctorTest : public testing::Test {
 protected:
  // A python3 kernelspec under `root`/kernels whose interpreter is `python`.
  void python3_kernelspec(const fs::path& root, const std::string& python) {
    write_file(root / "kernels" / "python3" / "kernel.json",
               R"j({"argv":[")j" + python + R"j(","-m","ipykernel_launcher","-f","{connection_file}"],"display_name":"Python 3 (fake)","language":"python"})j");
  }
  // A stand-in interpreter: `python -c "import X"` succeeds for the modules listed, sleeps for `slow`.
  fs::path fake_python(const std::string& importable, const std::string& slow = "none") {
    const fs::path file = dir_.path() / "bin" / "python3";
    write_file(file, "#!/bin/sh\ncase \"$2\" in\n  \"import " + slow + "\") exec sleep 10 ;;\nesac\nfor m in " + importable +
                         "; do [ \"$2\" = \"import $m\" ] && exit 0; done\nexit 1\n");
    fs::permissions(file, fs::perms::owner_all);
    return file;
  }
  Options options(const fs::path& kernels_root) {
    Options o;
    o.kernel_dirs = {kernels_root / "kernels"};
    o.data_dir = dir_.path() / "data";
    return o;
  }
  std::string text(const std::vector<Check>& checks, int* code = nullptr) {
    std::ostringstream out;
    const int c = report(checks, out);
    if (code) *code = c;
    return out.str();
  }

  runt::testing_support::TempDir dir_{"runt-doctor"};
};

TEST_F(DoctorTest, NoPython3KernelspecFailsWithTheAptFix) {
  fs::create_directories(dir_.path() / "empty" / "kernels");
  int code = 0;
  const std::string out = text(run(options(dir_.path() / "empty")), &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("✗ no kernelspecs found in " + (dir_.path() / "empty" / "kernels").string()), std::string::npos) << out;
  EXPECT_NE(out.find("✗ no python3 kernelspec"), std::string::npos) << out;
  EXPECT_NE(out.find("    fix: apt install python3-ipykernel"), std::string::npos) << out;
}

TEST_F(DoctorTest, ThePython3InterpretersPackagesAreChecked) {
  python3_kernelspec(dir_.path() / "jupyter", fake_python("ipykernel numpy", "pandas").string());
  auto o = options(dir_.path() / "jupyter");
  o.import_timeout = 500ms;
  int code = 1;
  const std::string out = text(run(o), &code);
  EXPECT_EQ(code, 0) << out;  // matplotlib and pandas make richer output, but runt runs without them
  EXPECT_NE(out.find("✓ kernelspec python3: Python 3 (fake)"), std::string::npos) << out;
  EXPECT_NE(out.find("✓ ipykernel in "), std::string::npos) << out;
  EXPECT_NE(out.find("✓ numpy in "), std::string::npos) << out;
  EXPECT_NE(out.find("✗ import matplotlib is missing in "), std::string::npos) << out;
  EXPECT_NE(out.find("fix: apt install python3-matplotlib"), std::string::npos) << out;
  EXPECT_NE(out.find("✗ import pandas timed out in "), std::string::npos) << out;
  EXPECT_NE(out.find("Everything runt needs is in place."), std::string::npos) << out;
}

TEST_F(DoctorTest, WithoutIpykernelOrTheInterpreterItFails) {
  python3_kernelspec(dir_.path() / "jupyter", fake_python("numpy").string());
  int code = 0;
  std::string out = text(run(options(dir_.path() / "jupyter")), &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("✗ import ipykernel is missing in "), std::string::npos) << out;
  EXPECT_NE(out.find("fix: apt install python3-ipykernel"), std::string::npos) << out;

  python3_kernelspec(dir_.path() / "gone", (dir_.path() / "no-such-python").string());
  out = text(run(options(dir_.path() / "gone")), &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("✗ cannot run " + (dir_.path() / "no-such-python").string()), std::string::npos) << out;
}

TEST_F(DoctorTest, TheDataDirectoryMustBeWritableOrCreatable) {
  EXPECT_TRUE(data_dir_check(dir_.path()).ok);
  const auto later = data_dir_check(dir_.path() / "a" / "b");
  EXPECT_TRUE(later.ok);
  EXPECT_NE(later.what.find("will create it"), std::string::npos);
  write_file(dir_.path() / "file", "x");
  const auto under_file = data_dir_check(dir_.path() / "file" / "data");
  EXPECT_FALSE(under_file.ok);
  EXPECT_NE(under_file.fix.find("--data DIR"), std::string::npos);
  const auto is_file = data_dir_check(dir_.path() / "file");
  EXPECT_FALSE(is_file.ok);
  EXPECT_NE(is_file.what.find("is not a directory"), std::string::npos);
}

// ---- the command

struct Result {
  int status = -1;
  std::string out;
};

class DoctorCommand : public DoctorTest {
 protected:
  // `runt doctor ARGS` with none of the token variables of the caller's environment, and `env` added.
  Result doctor(const std::string& args, const std::string& env = "") {
    const fs::path out = dir_.path() / "stdout";
    const std::string cmd = "env -u RUNT_API_KEY -u AUTH_TOKEN -u RUNT_TOKEN " + env + " " + RUNT_BINARY + " doctor --data " +
                            (dir_.path() / "data").string() + " " + args + " >" + out.string() + " 2>&1";
    const int raw = std::system(cmd.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out)};
  }
};

TEST_F(DoctorCommand, FindsKernelspecsWhereJupyterLooks) {
  // JUPYTER_PATH comes first: a python3 there hides the system's, and its interpreter is missing.
  const fs::path jupyter = dir_.path() / "jupyter";
  python3_kernelspec(jupyter, (dir_.path() / "no-such-python").string());
  const std::string empty = (dir_.path() / "empty").string();
  fs::create_directories(empty);
  auto r = doctor("", "JUPYTER_PATH=" + jupyter.string() + " JUPYTER_DATA_DIR=" + empty + " HOME=" + empty);
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("✓ kernelspec python3: Python 3 (fake) (" + (jupyter / "kernels" / "python3").string() + ")"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("✗ cannot run "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fix: apt install python3-ipykernel"), std::string::npos) << r.out;

  // Pointed at an empty directory, the system's kernelspecs (Debian's python3-ipykernel) remain.
  r = doctor("", "JUPYTER_PATH=" + empty + " JUPYTER_DATA_DIR=" + empty + " HOME=" + empty);
  EXPECT_NE(r.out.find("✓ kernelspec python3: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("✓ ipykernel in "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("✓ data directory " + (dir_.path() / "data").string()), std::string::npos) << r.out;
}

TEST_F(DoctorCommand, ChecksTheServerAndItsToken) {
  runt::testing_support::ServerThread server(dir_.path() / "server-data", 0, "good-token");
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  auto r = doctor("--sync-url " + url + " --token good-token");
  EXPECT_NE(r.out.find("✓ server " + url + " is reachable"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("✓ token accepted by " + url), std::string::npos) << r.out;
  EXPECT_EQ(r.status, 0) << r.out;  // Debian's python3-ipykernel is installed where the tests run
  // The ws:// sync URL an agent is given works too, and the token may come from the environment.
  r = doctor("--sync-url ws://127.0.0.1:" + std::to_string(server.port()) + "/livestore", "RUNT_TOKEN=good-token");
  EXPECT_NE(r.out.find("✓ token accepted by "), std::string::npos) << r.out;

  r = doctor("--sync-url " + url + " --token bad-token");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("✗ token refused by " + url), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fix: use the server token"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("bad-token"), std::string::npos) << r.out;  // no token in the output

  r = doctor("--sync-url " + url);
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("✗ no token to try"), std::string::npos) << r.out;
}

TEST_F(DoctorCommand, AnUnreachableServerFailsWithTheFix) {
  const auto r = doctor("--sync-url http://127.0.0.1:1 --token t --timeout 2");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("✗ server http://127.0.0.1:1 is unreachable: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fix: start it (runt serve or runt up)"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace runt::doctor
