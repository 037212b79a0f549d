// runt agent end to end: a real runt serve (in-process), the RuntimeAgent on its own thread
// (echo, or Debian's real ipykernel), and a user's sync client committing cells and
// execution requests, as a browser would.
#include "runt/agent/agent.hpp"
#include "runt/agent/kernel_runtime.hpp"
#include "runt/schema/queries.hpp"
#include "runt/sync/client.hpp"

#include "run_until.hpp"
#include "server_thread.hpp"
#include "temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace runt::agent {
namespace {

namespace events = runt::schema::events;
using namespace std::chrono_literals;

class AgentTest : public testing::Test {
 protected:
  void SetUp() override {
    sync::ClientOptions o;
    o.url = url();
    o.store_id = "nb";
    o.payload = {{"authToken", "operator-token"}};
    o.client_id = "browser";
    o.session_id = "browser-session";
    user_ = std::make_unique<sync::SyncClient>(io_, o);
    user_->start();
    ASSERT_TRUE(run_until([&] { return user_->replica().synced(); }));
  }
  void TearDown() override {
    for (auto& a : agents_) a.agent->stop();
    for (auto& a : agents_) a.thread.join();
  }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(server_.port()) + "/livestore"; }

  struct Running {
    std::unique_ptr<RuntimeAgent> agent;
    std::thread thread;
    std::string error;
  };
  RuntimeAgent& start_agent(std::unique_ptr<Runtime> runtime, const std::string& runtime_id = "rt-1", std::size_t threshold = 6144,
                            std::chrono::milliseconds renewal = 15s) {
    AgentConfig c;
    c.sync_url = url();
    c.notebook_id = "nb";
    c.auth_token = "operator-token";
    c.runtime_id = runtime_id;
    c.runtime_type = "python3";
    c.image_artifact_threshold = threshold;
    c.renewal_interval = renewal;
    c.log = [this, runtime_id](const std::string& line) {
      const std::lock_guard lock(log_mutex_);
      log_ += runtime_id + ": " + line + "\n";
    };
    auto& slot = agents_.emplace_back();
    slot.agent = std::make_unique<RuntimeAgent>(c, std::move(runtime), server_notebook(c.sync_url, c.notebook_id, c.auth_token, c.log));
    slot.thread = std::thread([&slot] {
      try {
        slot.agent->run();
      } catch (const std::exception& e) {
        slot.error = e.what();
      }
    });
    return *slot.agent;
  }
  std::unique_ptr<Runtime> python(std::chrono::milliseconds heartbeat_after = 5s) {
    KernelRuntimeOptions o;
    o.runtime_dir = dir_.path() / "kernels";
    o.heartbeat_after = heartbeat_after;
    o.heartbeat_timeout = 300ms;
    o.interrupt_grace = 1s;
    return make_kernel_runtime(*kernel::find_kernelspec("python3", {"/usr/share/jupyter/kernels"}), o);
  }

  template <class F> bool run_until(F done, std::chrono::milliseconds limit = 20s) {
    return runt::testing_support::run_until(io_, done, limit);
  }

  const schema::State& state() const { return user_->replica().state(); }

  // Adds a code cell with `source` and asks for it to run; returns the queue id.
  std::string run_cell(const std::string& cell, const std::string& source) {
    if (!state().cells.find(cell)) user_->commit(events::CellCreatedV2{cell, "a" + cell, schema::CellType::code, "user"});
    user_->commit(events::CellSourceChanged{cell, source, "user"});
    const std::string queue = "q-" + cell + "-" + std::to_string(++requests_);
    user_->commit(events::ExecutionRequested{queue, cell, requests_, "user", std::nullopt});
    return queue;
  }
  const schema::ExecutionQueueRow* row(const std::string& queue) const { return state().executionQueue.find(queue); }
  bool finished(const std::string& queue) const {
    const auto* r = row(queue);
    return r && (r->status == schema::QueueStatus::completed || r->status == schema::QueueStatus::failed ||
                 r->status == schema::QueueStatus::cancelled);
  }
  std::vector<const schema::OutputRow*> outputs(const std::string& cell) const {
    std::vector<const schema::OutputRow*> rows;
    for (const auto& view : schema::outputs_of_cell(state(), cell)) rows.push_back(view.row);
    return rows;
  }
  std::string text_of(const std::string& cell) const {
    std::string out;
    for (const auto* o : outputs(cell))
      if (o->outputType == schema::OutputType::terminal) out += o->data.value_or("");
    return out;
  }
  bool agent_ready() const {
    for (const auto* s : state().runtimeSessions.in_insertion_order())
      if (s->isActive && s->status == schema::RuntimeStatus::ready) return true;
    return false;
  }

  runt::testing_support::TempDir dir_{"runt-agent"};
  runt::testing_support::ServerThread server_{dir_.path() / "server"};
  boost::asio::io_context io_;
  std::unique_ptr<sync::SyncClient> user_;
  std::deque<Running> agents_;
  std::mutex log_mutex_;
  std::string log_;
  std::int64_t requests_ = 0;
};

TEST_F(AgentTest, TheEchoRuntimeAnswersARequestWithItsSource) {
  start_agent(make_echo_runtime());
  ASSERT_TRUE(run_until([&] { return agent_ready(); })) << log_;
  const auto q = run_cell("c1", "hello");
  ASSERT_TRUE(run_until([&] { return finished(q); })) << log_;
  EXPECT_EQ(row(q)->status, schema::QueueStatus::completed);
  ASSERT_EQ(outputs("c1").size(), 1u);
  EXPECT_EQ(outputs("c1")[0]->data, "hello");
  EXPECT_EQ(state().cells.find("c1")->executionState, schema::ExecutionState::completed);
}

// A client has one push in flight: an idle runtime's start (busy, started, outputs cleared) goes
// in the claim's push, so the result never waits behind a push of its own start; a row queued
// behind a running one still says its start in one batch when the worker takes it.
TEST_F(AgentTest, AnIdleRuntimeStartsWhatItClaimsInTheClaimsPush) {
  start_agent(make_echo_runtime());
  ASSERT_TRUE(run_until([&] { return agent_ready(); })) << log_;
  std::vector<std::vector<std::string>> pushes;  // the agent's events, frame by frame
  user_->subscribe([&](const sync::Change& change) {
    std::vector<std::string> names;
    for (const auto& e : change.upstream) names.push_back(e.name);
    if (!names.empty()) pushes.push_back(std::move(names));
  });
  const auto q = run_cell("c1", "hello");
  ASSERT_TRUE(run_until([&] { return finished(q); })) << log_;
  const std::vector<std::string> claim_and_start{"v1.ExecutionAssigned", "v1.RuntimeSessionStatusChanged", "v1.ExecutionStarted",
                                                 "v1.CellOutputsCleared"};
  EXPECT_TRUE(std::find(pushes.begin(), pushes.end(), claim_and_start) != pushes.end()) << testing::PrintToString(pushes);

  for (const char* cell : {"a", "b", "c"}) user_->commit(events::CellCreatedV2{cell, std::string("a") + cell, schema::CellType::code, "user"});
  user_->commit(events::MultipleExecutionRequested{"user", {{"a", 1, "qa"}, {"b", 2, "qb"}, {"c", 3, "qc"}}});
  ASSERT_TRUE(run_until([&] { return finished("qc"); })) << log_;
  int starts = 0;
  for (const auto& names : pushes)
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == "v1.ExecutionStarted") {
        ++starts;
        ASSERT_TRUE(i > 0 && i + 1 < names.size()) << testing::PrintToString(names);
        EXPECT_EQ(names[i - 1], "v1.RuntimeSessionStatusChanged");
        EXPECT_EQ(names[i + 1], "v1.CellOutputsCleared");
      }
  EXPECT_EQ(starts, 4);
  for (const char* cell : {"a", "b", "c"}) EXPECT_EQ(state().cells.find(cell)->executionState, schema::ExecutionState::completed) << cell;
}

TEST_F(AgentTest, AMissingCellFailsItsRowInsteadOfHanging) {
  start_agent(make_echo_runtime());
  ASSERT_TRUE(run_until([&] { return agent_ready(); })) << log_;
  user_->commit(events::ExecutionRequested{"q-ghost", "no-such-cell", 1, "user", std::nullopt});
  ASSERT_TRUE(run_until([&] { return finished("q-ghost"); })) << log_;
  EXPECT_EQ(row("q-ghost")->status, schema::QueueStatus::failed);
}

TEST_F(AgentTest, ASecondAgentDisplacesTheFirstAndFailsWhatItLeftRunning) {
  start_agent(make_echo_runtime(), "first");
  ASSERT_TRUE(run_until([&] { return agent_ready(); })) << log_;
  // A row the first agent claimed and never finished (as if it died mid-cell).
  user_->commit(events::CellCreatedV2{"c", "a", schema::CellType::code, "user"});
  user_->commit(events::ExecutionRequested{"q-orphan", "c", 1, "user", std::nullopt});
  user_->commit(events::ExecutionAssigned{"q-orphan", "dead-session"});
  ASSERT_TRUE(run_until([&] { return row("q-orphan") && row("q-orphan")->status == schema::QueueStatus::assigned; }));
  auto& second = start_agent(make_echo_runtime(), "second");
  ASSERT_TRUE(run_until([&] {
    const auto* s = state().runtimeSessions.find(second.session_id());
    return s && s->status == schema::RuntimeStatus::ready;
  })) << log_;
  int active = 0;
  for (const auto* s : state().runtimeSessions.in_insertion_order()) active += s->isActive;
  EXPECT_EQ(active, 1);
  ASSERT_TRUE(run_until([&] { return finished("q-orphan"); })) << log_;
  EXPECT_EQ(row("q-orphan")->status, schema::QueueStatus::failed);
  const auto q = run_cell("c", "after");
  ASSERT_TRUE(run_until([&] { return finished(q); })) << log_;
  EXPECT_EQ(row(q)->assignedRuntimeSession, second.session_id());
}

TEST_F(AgentTest, TheSessionIsRenewedOnItsInterval) {
  auto& agent = start_agent(make_echo_runtime(), "rt-1", 6144, 100ms);
  ASSERT_TRUE(run_until([&] { return agent_ready(); })) << log_;
  const auto renewed = [&] { return state().runtimeSessions.find(agent.session_id())->lastRenewedAt; };
  ASSERT_TRUE(run_until([&] { return renewed().has_value(); }, 5s));
  const auto first = *renewed();
  ASSERT_TRUE(run_until([&] { return *renewed() > first; }, 5s));
  const auto* row = state().runtimeSessions.find(agent.session_id());
  ASSERT_TRUE(row->expiresAt);
  EXPECT_EQ(row->expiresAt->ms_since_epoch - row->lastRenewedAt->ms_since_epoch, 30000);  // validForMs
}

TEST_F(AgentTest, StopTerminatesTheSessionCleanly) {
  auto& agent = start_agent(make_echo_runtime());
  ASSERT_TRUE(run_until([&] { return agent_ready(); })) << log_;
  agent.stop();
  ASSERT_TRUE(run_until([&] {
    const auto* s = state().runtimeSessions.find(agent.session_id());
    return s && s->status == schema::RuntimeStatus::terminated && !s->isActive;
  })) << log_;
}

TEST_F(AgentTest, PythonCellsRunOnARealKernel) {
  start_agent(python());
  ASSERT_TRUE(run_until([&] { return agent_ready(); }, 60s)) << log_;
  const auto q1 = run_cell("p", "for i in range(3):\n    print(i)\n6 * 7");
  ASSERT_TRUE(run_until([&] { return finished(q1); })) << log_;
  EXPECT_EQ(row(q1)->status, schema::QueueStatus::completed);
  EXPECT_EQ(text_of("p"), "0\n1\n2\n");  // coalesced writes
  const auto out = outputs("p");
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back()->outputType, schema::OutputType::multimedia_result);
  EXPECT_EQ(out.back()->data, "42");

  const auto q2 = run_cell("e", "1 / 0");
  ASSERT_TRUE(run_until([&] { return finished(q2); })) << log_;
  EXPECT_EQ(row(q2)->status, schema::QueueStatus::failed);  // an exception is not a success
  EXPECT_EQ(state().cells.find("e")->executionState, schema::ExecutionState::error);
  ASSERT_FALSE(outputs("e").empty());
  EXPECT_EQ(outputs("e")[0]->outputType, schema::OutputType::error);

  const auto q3 = run_cell("m", "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()");
  ASSERT_TRUE(run_until([&] { return finished(q3); }, 60s)) << log_;
  ASSERT_FALSE(outputs("m").empty());
  EXPECT_EQ(outputs("m")[0]->mimeType, "image/png");
}

TEST_F(AgentTest, CancellingARunningCellInterruptsItAndCancelsTheQueueBehindIt) {
  start_agent(python());
  ASSERT_TRUE(run_until([&] { return agent_ready(); }, 60s)) << log_;
  const auto slow = run_cell("slow", "import time\nprint('sleeping', flush=True)\ntime.sleep(60)");
  const auto behind = run_cell("behind", "print('never')");
  ASSERT_TRUE(run_until([&] { return text_of("slow") == "sleeping\n"; })) << log_;
  const auto t0 = std::chrono::steady_clock::now();
  user_->commit(events::ExecutionCancelled{slow, "slow", "user", std::nullopt, "user_requested"});
  ASSERT_TRUE(run_until([&] { return finished(behind); })) << log_;
  EXPECT_EQ(row(slow)->status, schema::QueueStatus::cancelled);  // stays cancelled
  EXPECT_EQ(row(behind)->status, schema::QueueStatus::cancelled);
  const auto next = run_cell("after", "print('alive')");
  ASSERT_TRUE(run_until([&] { return finished(next); })) << log_;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(text_of("after"), "alive\n");
  EXPECT_EQ(row(slow)->status, schema::QueueStatus::cancelled);
}

TEST_F(AgentTest, ACellThatIgnoresInterruptsIsStoppedByARestart) {
  start_agent(python());
  ASSERT_TRUE(run_until([&] { return agent_ready(); }, 60s)) << log_;
  const auto stubborn = run_cell("stubborn", "import time\nprint('busy', flush=True)\nwhile True:\n    try:\n        time.sleep(0.1)\n"
                                             "    except KeyboardInterrupt:\n        pass");
  ASSERT_TRUE(run_until([&] { return text_of("stubborn") == "busy\n"; })) << log_;
  user_->commit(events::ExecutionCancelled{stubborn, "stubborn", "user", std::nullopt, "user_requested"});
  const auto next = run_cell("next", "print('free')");
  ASSERT_TRUE(run_until([&] { return finished(next); }, 30s)) << log_;
  EXPECT_EQ(text_of("next"), "free\n");
  EXPECT_EQ(row(stubborn)->status, schema::QueueStatus::cancelled);
}

TEST_F(AgentTest, AKernelThatDiesIsReportedAndRestarted) {
  start_agent(python());
  ASSERT_TRUE(run_until([&] { return agent_ready(); }, 60s)) << log_;
  const auto q = run_cell("die", "import os; os._exit(1)");
  ASSERT_TRUE(run_until([&] { return finished(q); }, 60s)) << log_;
  EXPECT_EQ(row(q)->status, schema::QueueStatus::failed);
  ASSERT_FALSE(outputs("die").empty());
  EXPECT_NE(outputs("die")[0]->data.value_or("").find("KernelDied"), std::string::npos);
  const auto next = run_cell("next", "print('back')");
  ASSERT_TRUE(run_until([&] { return finished(next); }, 60s)) << log_;
  EXPECT_EQ(text_of("next"), "back\n");
}

TEST_F(AgentTest, AHungKernelIsDetectedByItsHeartbeatAndRestarted) {
  start_agent(python(/*heartbeat_after=*/300ms));
  ASSERT_TRUE(run_until([&] { return agent_ready(); }, 60s)) << log_;
  const auto q = run_cell("hang", "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)");
  ASSERT_TRUE(run_until([&] { return finished(q); }, 30s)) << log_;
  EXPECT_EQ(row(q)->status, schema::QueueStatus::failed);
  ASSERT_FALSE(outputs("hang").empty());
  EXPECT_NE(outputs("hang")[0]->data.value_or("").find("stopped answering"), std::string::npos);
  const auto next = run_cell("next", "print('fresh')");
  ASSERT_TRUE(run_until([&] { return finished(next); }, 60s)) << log_;
  EXPECT_EQ(text_of("next"), "fresh\n");
}

TEST_F(AgentTest, RunAllRunsInOrderAndCancelAllStopsEverything) {
  start_agent(python());
  ASSERT_TRUE(run_until([&] { return agent_ready(); }, 60s)) << log_;
  for (const char* cell : {"a", "b", "c"}) user_->commit(events::CellCreatedV2{cell, std::string("a") + cell, schema::CellType::code, "user"});
  user_->commit(events::CellSourceChanged{"a", "order = ['a']", "user"});
  user_->commit(events::CellSourceChanged{"b", "order.append('b')", "user"});
  user_->commit(events::CellSourceChanged{"c", "order.append('c'); print(order)", "user"});
  user_->commit(events::MultipleExecutionRequested{"user", {{"a", 1, "qa"}, {"b", 2, "qb"}, {"c", 3, "qc"}}});
  ASSERT_TRUE(run_until([&] { return finished("qc"); })) << log_;
  EXPECT_EQ(text_of("c"), "['a', 'b', 'c']\n");

  user_->commit(events::CellSourceChanged{"a", "import time\nprint('long', flush=True)\ntime.sleep(60)", "user"});
  user_->commit(events::MultipleExecutionRequested{"user", {{"a", 4, "qa2"}, {"b", 5, "qb2"}, {"c", 6, "qc2"}}});
  ASSERT_TRUE(run_until([&] { return text_of("a") == "long\n"; })) << log_;
  user_->commit(events::AllExecutionsCancelled{});
  ASSERT_TRUE(run_until([&] {
    return row("qa2")->status == schema::QueueStatus::cancelled && row("qc2")->status == schema::QueueStatus::cancelled;
  })) << log_;
  const auto next = run_cell("d", "print('ok')");
  ASSERT_TRUE(run_until([&] { return finished(next); })) << log_;  // the kernel was interrupted, not stuck
  EXPECT_EQ(text_of("d"), "ok\n");
  for (const char* q : {"qa2", "qb2", "qc2"}) EXPECT_EQ(row(q)->status, schema::QueueStatus::cancelled) << q;
}

TEST_F(AgentTest, InputFailsWithAClearMessage) {
  start_agent(python());
  ASSERT_TRUE(run_until([&] { return agent_ready(); }, 60s)) << log_;
  const auto q = run_cell("in", "name = input('name? ')");
  ASSERT_TRUE(run_until([&] { return finished(q); })) << log_;
  EXPECT_EQ(row(q)->status, schema::QueueStatus::failed);
  ASSERT_FALSE(outputs("in").empty());
  EXPECT_NE(outputs("in")[0]->data.value_or("").find("StdinNotImplementedError"), std::string::npos);
}

// GET on the in-process server with the operator token: status and body.
std::pair<int, std::string> http_get(std::uint16_t port, const std::string& target) {
  namespace beast = boost::beast;
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  beast::http::request<beast::http::empty_body> request(beast::http::verb::get, target, 11);
  request.set(beast::http::field::host, "127.0.0.1");
  request.set(beast::http::field::authorization, "Bearer operator-token");
  beast::http::write(stream, request);
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> response;
  beast::http::read(stream, buffer, response);
  return {response.result_int(), response.body()};
}

TEST_F(AgentTest, LargeImagesGoToTheArtifactStoreWithTextFallbacks) {
  start_agent(python());
  ASSERT_TRUE(run_until([&] { return agent_ready(); }, 60s)) << log_;
  const auto q = run_cell("fig", "import matplotlib.pyplot as plt\nplt.plot(range(100))\nplt.show()");
  ASSERT_TRUE(run_until([&] { return finished(q); }, 60s)) << log_;
  ASSERT_EQ(outputs("fig").size(), 1u);
  const auto& reps = *outputs("fig")[0]->representations;
  const schema::ArtifactMedia* png = nullptr;
  std::string plain, markdown;
  for (const auto& [mime, media] : reps) {
    if (mime == "image/png") png = std::get_if<schema::ArtifactMedia>(&media);
    if (mime == "text/plain") plain = std::get<schema::InlineMedia>(media).data->get<std::string>();
    if (mime == "text/markdown") markdown = std::get<schema::InlineMedia>(media).data->get<std::string>();
  }
  ASSERT_NE(png, nullptr) << "the PNG stayed inline: " << log_;
  EXPECT_EQ(png->artifactId.rfind("nb/", 0), 0u);
  EXPECT_GT(png->metadata->value.at("originalSizeBytes").get<std::size_t>(), 6144u);
  EXPECT_TRUE(png->metadata->value.at("uploadedAt").is_string());
  // matplotlib gives its own text/plain ("<Figure ...>"), which is kept; markdown is added.
  EXPECT_EQ(plain.rfind("<Figure", 0), 0u) << plain;
  EXPECT_NE(markdown.find("/api/artifacts/" + png->artifactId + ")"), std::string::npos) << markdown;
  const auto [status, body] = http_get(server_.port(), "/api/artifacts/" + png->artifactId);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(body.size(), png->metadata->value.at("originalSizeBytes").get<std::size_t>());
}

TEST_F(AgentTest, HugeOutputsAreKeptWhole) {
  start_agent(python());
  ASSERT_TRUE(run_until([&] { return agent_ready(); }, 60s)) << log_;
  // 3 MB of text in one write, and a 2 MB HTML display: more than one event may carry.
  const auto q = run_cell("huge", "print('x' * 3_000_000)\nfrom IPython.display import HTML, display\ndisplay(HTML('<p>' + 'y' * 2_000_000 + '</p>'))");
  ASSERT_TRUE(run_until([&] { return finished(q); }, 60s)) << log_;
  EXPECT_EQ(row(q)->status, schema::QueueStatus::completed);
  std::size_t terminals = 0;
  for (const auto* o : outputs("huge")) terminals += o->outputType == schema::OutputType::terminal;
  EXPECT_GE(terminals, 3u);
  EXPECT_EQ(text_of("huge"), std::string(3'000'000, 'x') + "\n");
  const schema::ArtifactMedia* html = nullptr;
  for (const auto* o : outputs("huge"))
    if (o->representations)
      for (const auto& [mime, media] : *o->representations)
        if (mime == "text/html") html = std::get_if<schema::ArtifactMedia>(&media);
  ASSERT_NE(html, nullptr) << log_;
  const auto [status, body] = http_get(server_.port(), "/api/artifacts/" + html->artifactId);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body.size(), 2'000'007u);
}

TEST_F(AgentTest, SmallImagesStayInline) {
  start_agent(python(), "rt-1", /*threshold=*/10'000'000);
  ASSERT_TRUE(run_until([&] { return agent_ready(); }, 60s)) << log_;
  const auto q = run_cell("fig", "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()");
  ASSERT_TRUE(run_until([&] { return finished(q); }, 60s)) << log_;
  ASSERT_EQ(outputs("fig").size(), 1u);
  for (const auto& [mime, media] : *outputs("fig")[0]->representations)
    EXPECT_TRUE(std::holds_alternative<schema::InlineMedia>(media)) << mime;
}

}  // namespace
}  // namespace runt::agent
