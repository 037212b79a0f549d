// The kernel client against Debian's real ipykernel (/usr/share/jupyter/kernels/python3).
#include "runt/kernel/kernel.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <iterator>
#include <fstream>

#include <csignal>
#include <cstdlib>
#include <thread>

namespace runt::kernel {
namespace {

using namespace std::chrono_literals;

// Everything one execution produced: iopub messages (status aside) and its execute_reply.
struct Execution {
  std::vector<Message> outputs;
  Json reply;
  std::chrono::milliseconds took{};
  std::string text(const std::string& stream = "stdout") const {
    std::string out;
    for (const auto& m : outputs)
      if (m.msg_type() == "stream" && m.content.value("name", "") == stream) out += m.content.value("text", "");
    return out;
  }
  const Message* first(const std::string& type) const {
    for (const auto& m : outputs)
      if (m.msg_type() == type) return &m;
    return nullptr;
  }
};

class KernelTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto spec = find_kernelspec("python3", {"/usr/share/jupyter/kernels"});
    ASSERT_TRUE(spec) << "Debian's python3 kernelspec is missing: run scripts/bootstrap";
    dir_ = std::make_unique<runt::testing_support::TempDir>("runt-kernel");
    LaunchOptions options;
    options.runtime_dir = dir_->path();
    kernel_ = Kernel::launch(*spec, options).release();
  }
  static void TearDownTestSuite() {
    if (kernel_) kernel_->shutdown();
    delete kernel_;
    kernel_ = nullptr;
    dir_.reset();
  }

  // Runs code and collects until both the reply and the kernel's idle status for it arrived.
  static Execution run(const std::string& code, std::chrono::milliseconds limit = 30s,
                 const std::function<void(const Message&)>& on_output = {}) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string id = kernel_->execute(code);
    Execution r;
    bool idle = false, replied = false;
    while (!(idle && replied)) {
      if (std::chrono::steady_clock::now() - t0 > limit) break;
      auto got = kernel_->receive(100ms);
      if (!got || got->message.parent_id() != id) continue;
      const Message& m = got->message;
      if (got->channel == Channel::shell && m.msg_type() == "execute_reply") {
        r.reply = m.content;
        replied = true;
      } else if (got->channel == Channel::iopub && m.msg_type() == "status") {
        idle = idle || m.content.value("execution_state", "") == "idle";
      } else if (got->channel == Channel::iopub && m.msg_type() != "execute_input") {
        r.outputs.push_back(m);
        if (on_output) on_output(m);
      }
    }
    r.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    return r;
  }

  static inline std::unique_ptr<runt::testing_support::TempDir> dir_;
  static inline Kernel* kernel_ = nullptr;
};

TEST_F(KernelTest, AnswersHeartbeatsEvenWhileBusy) {
  EXPECT_TRUE(kernel_->heartbeat());
  const std::string busy = kernel_->execute("import time; time.sleep(0.5)");
  EXPECT_TRUE(kernel_->heartbeat());  // the heartbeat is its own thread
  (void)busy;
  run("pass");
}

TEST(KernelLaunch, AStoppedKernelMissesItsHeartbeatAndInterruptByMessageWorks) {
  runt::testing_support::TempDir dir{"runt-kernel"};
  auto spec = *find_kernelspec("python3", {"/usr/share/jupyter/kernels"});
  spec.interrupt_mode = "message";  // interrupt_request on control instead of SIGINT
  LaunchOptions options;
  options.runtime_dir = dir.path();
  auto kernel = Kernel::launch(spec, options);
  const std::string id = kernel->execute("import time; print('go', flush=True); time.sleep(60)");
  std::string status;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  bool interrupted = false;
  while (status.empty() && std::chrono::steady_clock::now() < deadline) {
    auto got = kernel->receive(100ms);
    if (!got || got->message.parent_id() != id) continue;
    if (got->message.msg_type() == "stream" && !interrupted) {
      kernel->interrupt();
      interrupted = true;
    }
    if (got->message.msg_type() == "execute_reply") status = got->message.content.value("ename", "");
  }
  EXPECT_EQ(status, "KeyboardInterrupt");
  ::kill(kernel->pid(), SIGSTOP);  // a hung kernel: the process is there, nothing answers
  // The signal is delivered asynchronously: ping only once every thread has stopped (state T).
  const auto stopped = [pid = kernel->pid()] {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    return close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'T';
  };
  for (const auto until = std::chrono::steady_clock::now() + 5s; !stopped() && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(stopped());
  EXPECT_TRUE(kernel->alive());
  EXPECT_FALSE(kernel->heartbeat(300ms));
  ::kill(kernel->pid(), SIGCONT);
  EXPECT_TRUE(kernel->heartbeat(2000ms));  // a fresh ping after the stuck one
  kernel->shutdown();
}

TEST_F(KernelTest, ReportsItsLanguageAndProtocol) {
  EXPECT_EQ(kernel_->kernel_info().value("protocol_version", ""), "5.3");
  EXPECT_EQ(kernel_->kernel_info().at("language_info").value("name", ""), "python");
  EXPECT_EQ(kernel_->bad_signatures(), 0);
}

TEST_F(KernelTest, StreamsAndResults) {
  const Execution r = run("print(6 * 7)\nimport sys; print('oops', file=sys.stderr)\n6 * 7");
  EXPECT_EQ(r.reply.value("status", ""), "ok");
  EXPECT_EQ(r.text(), "42\n");
  EXPECT_EQ(r.text("stderr"), "oops\n");
  const Message* result = r.first("execute_result");
  ASSERT_NE(result, nullptr);
  EXPECT_EQ(result->content.at("data").value("text/plain", ""), "42");
  EXPECT_EQ(result->content.value("execution_count", 0), r.reply.value("execution_count", -1));
}

TEST_F(KernelTest, AnExceptionIsAnErrorWithItsTraceback) {
  const Execution r = run("def f():\n    return 1 / 0\nf()");
  EXPECT_EQ(r.reply.value("status", ""), "error");
  const Message* error = r.first("error");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->content.value("ename", ""), "ZeroDivisionError");
  EXPECT_EQ(error->content.value("evalue", ""), "division by zero");
  EXPECT_GE(error->content.at("traceback").size(), 2u);
}

// Requests sent together: a failing one must not abort the one right behind it (ipykernel does
// with stop_on_error, which runt leaves off).
TEST_F(KernelTest, AnErrorDoesNotAbortTheNextRequest) {
  const std::string failing = kernel_->execute("1 / 0");
  const std::string next = kernel_->execute("print('next')");
  std::string failing_status, next_status, next_text;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while ((failing_status.empty() || next_status.empty()) && std::chrono::steady_clock::now() < deadline) {
    auto got = kernel_->receive(100ms);
    if (!got) continue;
    const Message& m = got->message;
    if (m.msg_type() == "execute_reply") (m.parent_id() == failing ? failing_status : next_status) = m.content.value("status", "");
    if (m.msg_type() == "stream" && m.parent_id() == next) next_text += m.content.value("text", "");
  }
  EXPECT_EQ(failing_status, "error");
  EXPECT_EQ(next_status, "ok");
  // Its output may trail its reply; drain to idle.
  for (int i = 0; i < 20 && next_text.empty(); ++i)
    if (auto got = kernel_->receive(50ms); got && got->message.msg_type() == "stream" && got->message.parent_id() == next)
      next_text += got->message.content.value("text", "");
  EXPECT_EQ(next_text, "next\n");
}

TEST_F(KernelTest, RichOutputsFromMatplotlibPandasAndDisplay) {
  const Execution plot = run("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()");
  const Message* figure = plot.first("display_data");
  ASSERT_NE(figure, nullptr) << plot.reply.dump();
  EXPECT_TRUE(figure->content.at("data").contains("image/png"));
  const Execution frame = run("import pandas as pd\npd.DataFrame({'a': [1, 2], 'b': [3, 4]})");
  const Message* table = frame.first("execute_result");
  ASSERT_NE(table, nullptr);
  EXPECT_NE(table->content.at("data").value("text/html", "").find("<table"), std::string::npos);
  const Execution shown = run("from IPython.display import display, HTML, update_display\n"
                        "display(HTML('<b>0%</b>'), display_id='p')\nupdate_display(HTML('<b>100%</b>'), display_id='p')");
  ASSERT_NE(shown.first("display_data"), nullptr);
  EXPECT_EQ(shown.first("display_data")->content.at("transient").value("display_id", ""), "p");
  ASSERT_NE(shown.first("update_display_data"), nullptr);
  const Execution cleared = run("from IPython.display import clear_output\nprint('a')\nclear_output(wait=True)\nprint('b')");
  ASSERT_NE(cleared.first("clear_output"), nullptr);
  EXPECT_TRUE(cleared.first("clear_output")->content.value("wait", false));
}

TEST_F(KernelTest, AnInterruptStopsARunningCellWithinASecond) {
  std::chrono::steady_clock::time_point interrupted;
  bool sent = false;
  const Execution r = run("import time\nprint('sleeping', flush=True)\ntime.sleep(60)", 20s, [&](const Message& m) {
    if (m.msg_type() == "stream" && !sent) {
      sent = true;
      interrupted = std::chrono::steady_clock::now();
      kernel_->interrupt();
    }
  });
  ASSERT_TRUE(sent);
  EXPECT_EQ(r.reply.value("status", ""), "error");
  EXPECT_EQ(r.reply.value("ename", ""), "KeyboardInterrupt");
  EXPECT_LT(std::chrono::steady_clock::now() - interrupted, 1s);
  EXPECT_EQ(run("print('still here')").text(), "still here\n");
}

TEST_F(KernelTest, ADeadKernelIsNoticedAndRestarted) {
  EXPECT_TRUE(kernel_->alive());
  run("x = 41");
  const pid_t old_group = kernel_->pid();
  kernel_->execute("import os, subprocess\nsubprocess.Popen(['sleep', '123'])\nos._exit(1)");
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (kernel_->alive() && std::chrono::steady_clock::now() < deadline) kernel_->receive(50ms);
  EXPECT_FALSE(kernel_->alive());
  EXPECT_EQ(kernel_->exit_reason(), "exit code 1");
  kernel_->restart();
  EXPECT_TRUE(kernel_->alive());
  // What the dead kernel had started went with it (once init has reaped it).
  const auto gone_by = std::chrono::steady_clock::now() + 5s;
  while (::kill(-old_group, 0) == 0 && std::chrono::steady_clock::now() < gone_by) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(::kill(-old_group, 0), -1) << "the dead kernel's process group survives";
  const Execution r = run("print('x' in dir())");
  EXPECT_EQ(r.text(), "False\n");  // a fresh interpreter
}

TEST(KernelLaunch, AKernelThatCannotStartSaysWhy) {
  runt::testing_support::TempDir dir{"runt-kernel"};
  KernelSpec spec;
  spec.name = "broken";
  spec.argv = {"/usr/bin/python3", "-c", "import sys; print('no such kernel', file=sys.stderr); sys.exit(3)"};
  LaunchOptions options;
  options.runtime_dir = dir.path();
  options.ready_timeout = 10s;
  try {
    Kernel::launch(spec, options);
    FAIL() << "launched";
  } catch (const KernelError& e) {
    EXPECT_NE(std::string(e.what()).find("exit code 3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no such kernel"), std::string::npos) << e.what();
  }
  spec.argv = {"/nonexistent/kernel"};
  EXPECT_THROW(Kernel::launch(spec, options), KernelError);
}

// The process's environment as the kernel receives it: a "kernel" that prints the variables
// it got and exits, so that the launch fails with its output in the error.
TEST(KernelLaunch, HiddenVariablesAreNotInherited) {
  runt::testing_support::TempDir dir{"runt-kernel"};
  ::setenv("RUNT_KERNEL_TEST_SECRET", "s", 1);
  ::setenv("KERNEL_TEST_EXACT", "e", 1);
  ::setenv("KERNEL_TEST_EXACTLY_NOT", "kept", 1);
  KernelSpec spec;
  spec.name = "env";
  spec.argv = {"/usr/bin/python3", "-c",
               "import os, sys; print('got', sorted(k for k in os.environ if 'KERNEL_TEST' in k), file=sys.stderr); sys.exit(3)"};
  LaunchOptions options;
  options.runtime_dir = dir.path();
  options.ready_timeout = 10s;
  options.hidden_env = {"RUNT_*", "KERNEL_TEST_EXACT"};
  std::string error;
  try {
    Kernel::launch(spec, options);
  } catch (const KernelError& e) {
    error = e.what();
  }
  for (const char* name : {"RUNT_KERNEL_TEST_SECRET", "KERNEL_TEST_EXACT", "KERNEL_TEST_EXACTLY_NOT"}) ::unsetenv(name);
  EXPECT_NE(error.find("got ['KERNEL_TEST_EXACTLY_NOT']"), std::string::npos) << error;
}

}  // namespace
}  // namespace runt::kernel
