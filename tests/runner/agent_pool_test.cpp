// The AgentPool on a real in-process runt serve: its agents connect to it as the operator and
// run the echo runtime; owners and grants live in the server's own SQLite file.
#include "runt/runner/agent_pool.hpp"

#include "runt/agent/runtime.hpp"

#include "server_thread.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <thread>

namespace runt::runner {
namespace {

using namespace std::chrono_literals;

// The pool writes from its supervisor's, the agents' and the caller's threads.
class LockedLog : public std::streambuf {
 public:
  std::string text() {
    const std::lock_guard lock(mutex_);
    return text_;
  }

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    const std::lock_guard lock(mutex_);
    text_.push_back(static_cast<char>(c));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    const std::lock_guard lock(mutex_);
    text_.append(s, static_cast<std::size_t>(n));
    return n;
  }

 private:
  std::mutex mutex_;
  std::string text_;
};

template <class F>
bool eventually(F done, std::chrono::milliseconds limit = 20s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

class AgentPoolTest : public ::testing::Test {
 protected:
  AgentPoolTest() {
    operator_ = *accounts_.authenticate(kToken);
    for (const char* id : {"nb1", "nb2", "nb3"}) accounts_.create_notebook(operator_, id);
  }

  std::unique_ptr<AgentPool> pool(std::size_t max_kernels, std::chrono::milliseconds idle) {
    AgentPoolOptions options;
    options.make_runtime = [] { return agent::make_echo_runtime(); };
    options.runtime_type = "echo";
    options.token = kToken;
    options.accounts_file = dir_.path() / "runt.sqlite";
    options.max_kernels = max_kernels;
    options.idle = idle;
    options.recheck = 50ms;
    auto pool = std::make_unique<AgentPool>(std::move(options), log_stream_);
    pool->ready("ws://127.0.0.1:" + std::to_string(server_.port()) + "/livestore");
    return pool;
  }
  bool agent_ready_on(const std::string& notebook) {
    return eventually([&] { return log_.text().find("ready on notebook " + notebook + " ") != std::string::npos; });
  }

  static constexpr const char* kToken = "operator-token";
  testing_support::TempDir dir_{"runt-agent-pool"};
  testing_support::ServerThread server_{dir_.path(), 0, kToken};
  auth::Accounts accounts_{dir_.path() / "runt.sqlite", kToken};
  auth::User operator_;
  LockedLog log_;
  std::ostream log_stream_{&log_};
};

TEST_F(AgentPoolTest, AtMostMaxKernelsAgentsRunAndTheRestAreRefusedWithTheLimit) {
  auto agents = pool(2, 0ms);
  agents->opened("nb1");
  agents->opened("nb2");
  agents->opened("nb3");
  EXPECT_EQ(agents->running(), 2u);
  EXPECT_TRUE(agent_ready_on("nb1")) << log_.text();
  EXPECT_TRUE(agent_ready_on("nb2")) << log_.text();
  EXPECT_FALSE(agents->refusal("nb1"));
  const auto refused = agents->refusal("nb3");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->reason, "kernel-limit");
  EXPECT_NE(refused->message.find("--max-kernels 2"), std::string::npos) << refused->message;
  agents->stop_all();
  EXPECT_EQ(agents->failures(), 0);
}

TEST_F(AgentPoolTest, ANotebookWhoseOwnerMayNotRunCodeIsRefusedUntilTheOwnerIsAllowed) {
  const auto alice = *accounts_.authenticate(accounts_.create_key("alice"));
  accounts_.create_notebook(alice, "alices");
  auto agents = pool(8, 0ms);
  agents->opened("alices");
  EXPECT_EQ(agents->running(), 0u);
  const auto refused = agents->refusal("alices");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->reason, "not-allowed");
  EXPECT_EQ(refused->command, "runt token allow-runtime --user alice");
  EXPECT_NE(log_.text().find("no runtime for notebook alices"), std::string::npos) << log_.text();

  accounts_.set_may_run_code("alice", true);  // read again on the pool's next recheck
  EXPECT_TRUE(eventually([&] { return agents->running() == 1; }));
  EXPECT_FALSE(agents->refusal("alices"));
  EXPECT_TRUE(agent_ready_on("alices")) << log_.text();
}

TEST_F(AgentPoolTest, AnIdleNotebooksAgentStopsAndStartsAgainWhenOpened) {
  auto agents = pool(8, 300ms);
  agents->opened("nb1");
  ASSERT_TRUE(agent_ready_on("nb1")) << log_.text();
  agents->closed("nb1");
  EXPECT_TRUE(eventually([&] { return agents->running() == 0; }, 10s));
  EXPECT_NE(log_.text().find("stopping the kernel of notebook nb1: nobody has had it open"), std::string::npos)
      << log_.text();
  agents->opened("nb1");
  EXPECT_EQ(agents->running(), 1u);
  EXPECT_TRUE(eventually([&] {
    const auto text = log_.text();
    const auto first = text.find("ready on notebook nb1 ");
    return first != std::string::npos && text.find("ready on notebook nb1 ", first + 1) != std::string::npos;
  })) << log_.text();
  agents->stop_all();
  EXPECT_EQ(agents->failures(), 0);
}

}  // namespace
}  // namespace runt::runner
