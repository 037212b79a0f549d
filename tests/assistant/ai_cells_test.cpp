// AI cells end to end: a real runt serve (in-process), a real agent running code cells on
// Debian's ipykernel and ai cells on the scripted provider (tests/ai/scripted_provider.mjs,
// OpenAI and Ollama wire formats), and a user's sync client committing cells and requests as a
// browser would.

#include "runt/agent/agent.hpp"
#include "runt/agent/kernel_runtime.hpp"
#include "runt/ai/http_stream.hpp"
#include "runt/assistant/ai_runtime.hpp"
#include "runt/assistant/mcp_tools.hpp"
#include "runt/assistant/tool_outputs.hpp"
#include "runt/schema/queries.hpp"
#include "runt/sync/client.hpp"

#include "child_process.hpp"
#include "run_until.hpp"
#include "server_thread.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <thread>

namespace runt::assistant {
namespace {

namespace events = schema::events;
using namespace std::chrono_literals;
using nlohmann::json;

class AiCellsTest : public testing::Test {
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

  AssistantConfig config() {
    AssistantConfig c;
    ai::HttpDeadlines deadlines;
    deadlines.first_byte = 5s;
    deadlines.idle = 5s;
    c.openai = ai::OpenAiSettings{"sk-test", provider_.url() + "/v1", deadlines};
    c.ollama = ai::OllamaSettings{provider_.url(), deadlines};
    c.approval_timeout = 20s;
    c.log = [this](const std::string& line) { log(line); };
    return c;
  }
  std::unique_ptr<agent::Runtime> python() {
    agent::KernelRuntimeOptions o;
    o.runtime_dir = dir_.path() / "kernels";
    return agent::make_kernel_runtime(*kernel::find_kernelspec("python3", {"/usr/share/jupyter/kernels"}), o);
  }
  void start_agent(std::unique_ptr<agent::Runtime> code, AssistantConfig ai) {
    agent::AgentConfig c;
    c.sync_url = url();
    c.notebook_id = "nb";
    c.auth_token = "operator-token";
    c.runtime_id = "rt-ai";
    c.log = [this](const std::string& line) { log(line); };
    auto& slot = agents_.emplace_back();
    slot.agent = std::make_unique<agent::RuntimeAgent>(c, agent::SessionRuntimes{std::move(code), make_ai_runtime(std::move(ai))},
                                                       agent::server_notebook(c.sync_url, c.notebook_id, c.auth_token, c.log));
    slot.thread = std::thread([this, &slot] {
      try {
        slot.agent->run();
      } catch (const std::exception& e) {
        log(std::string("agent failed: ") + e.what());
      }
    });
    ASSERT_TRUE(run_until([&] { return ready(); }, 60s)) << log_text();
  }
  bool ready() const {
    for (const auto* s : state().runtimeSessions.in_insertion_order())
      if (s->isActive && s->status == schema::RuntimeStatus::ready) return true;
    return false;
  }
  void log(const std::string& line) {
    const std::lock_guard lock(log_mutex_);
    log_ += line + "\n";
  }
  std::string log_text() {
    const std::lock_guard lock(log_mutex_);
    return log_;
  }
  template <class F> bool run_until(F done, std::chrono::milliseconds limit = 30s) {
    return runt::testing_support::run_until(io_, done, limit);
  }
  const schema::State& state() const { return user_->replica().state(); }

  // An ai cell at fractional index `key` asking `prompt` of `provider`/`model`; returns its queue id.
  std::string ask(const std::string& cell, const std::string& key, const std::string& prompt, const std::string& provider, const std::string& model) {
    if (!state().cells.find(cell)) user_->commit(events::CellCreatedV2{cell, key, schema::CellType::ai, "user"});
    user_->commit(events::CellSourceChanged{cell, prompt, "user"});
    user_->commit(events::AiSettingsChanged{cell, provider, model, schema::AiSettings{0.7, 1000.0, std::nullopt}});
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
  std::vector<schema::OutputView> outputs(const std::string& cell) const { return schema::outputs_of_cell(state(), cell); }
  // The cell's markdown text (deltas applied) and its displays' plain text, in order.
  std::string shown(const std::string& cell) const {
    std::string out;
    for (const auto& v : outputs(cell)) {
      if (v.row->outputType == schema::OutputType::markdown || v.row->outputType == schema::OutputType::terminal) out += v.text.value_or("");
      if (v.row->outputType == schema::OutputType::error) out += "[error " + v.row->data.value_or("") + "]";
      if (v.row->representations)
        for (const auto& [mime, media] : *v.row->representations)
          if (mime == "text/plain")
            if (const auto* in = std::get_if<schema::InlineMedia>(&media); in && in->data && in->data->is_string())
              out += "[" + in->data->get<std::string>() + "]";
    }
    return out;
  }
  std::vector<ToolCallCard> tool_cards(const std::string& cell) const {
    std::vector<ToolCallCard> cards;
    for (const auto& v : outputs(cell))
      if (v.row->representations)
        if (auto card = read_tool_call_card(*v.row->representations)) cards.push_back(*card);
    return cards;
  }
  // What the scripted provider was sent, chat requests only.
  std::vector<json> chat_requests() {
    const auto response = ai::http_fetch(ai::HttpRequest{"GET", provider_.url() + "/_requests", {}, ""}, {}, {});
    std::vector<json> out;
    for (auto& r : json::parse(response.body))
      if (r["path"] == "/v1/chat/completions" || r["path"] == "/api/chat") out.push_back(r["body"]);
    return out;
  }

  runt::testing_support::TempDir dir_{"runt-ai-cells"};
  runt::testing_support::ServerThread server_{dir_.path() / "server"};
  runt::testing_support::ScriptedProvider provider_;
  boost::asio::io_context io_;
  std::unique_ptr<sync::SyncClient> user_;
  struct Running {
    std::unique_ptr<agent::RuntimeAgent> agent;
    std::thread thread;
  };
  std::deque<Running> agents_;
  std::mutex log_mutex_;
  std::string log_;
  std::int64_t requests_ = 0;
};


TEST_F(AiCellsTest, AnAiCellCreatesRunsAndReadsACellBelowItOverOpenAi) {
  start_agent(python(), config());
  user_->commit(events::CellCreatedV2{"intro", "c", schema::CellType::markdown, "user"});
  user_->commit(events::CellSourceChanged{"intro", "# Squares", "user"});
  user_->commit(events::CellCreatedV2{"after", "x", schema::CellType::code, "user"});  // a cell further down stays below
  const auto q = ask("ai-1", "m", "Plot the first three squares", "openai", "notebook-plot");
  ASSERT_TRUE(run_until([&] { return finished(q); }, 90s)) << log_text();
  EXPECT_EQ(row(q)->status, schema::QueueStatus::completed) << shown("ai-1") << log_text();

  // The new cell sits right below the AI cell, made by the AI's actor, and ran on the kernel.
  const auto order = schema::cells_in_order(state());
  std::vector<std::string> ids;
  for (const auto* c : order) ids.push_back(c->id);
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[0], "intro");
  EXPECT_EQ(ids[1], "ai-1");
  EXPECT_EQ(ids[3], "after");
  const auto* made = order[2];
  EXPECT_EQ(made->cellType, schema::CellType::code);
  EXPECT_TRUE(made->createdBy.starts_with("ai-assistant-")) << made->createdBy;
  EXPECT_NE(made->source.find("plt.plot([1, 4, 9])"), std::string::npos) << made->source;
  EXPECT_EQ(made->executionState, schema::ExecutionState::completed);
  bool image = false;
  std::string printed;
  for (const auto& v : outputs(made->id)) {
    if (v.row->mimeType == "image/png") image = true;
    if (v.row->outputType == schema::OutputType::terminal) printed += v.text.value_or("");
  }
  EXPECT_TRUE(image);
  EXPECT_EQ(printed, "plotted 42\n");

  // The AI cell: its first answer, the two tool cards, and the final answer that quotes the run.
  const auto cards = tool_cards("ai-1");
  ASSERT_EQ(cards.size(), 2u) << shown("ai-1");
  EXPECT_EQ(cards[0].call.name, "create_cell");
  EXPECT_TRUE(cards[0].ok);
  EXPECT_EQ(cards[0].result, "Created code cell: " + made->id);
  EXPECT_EQ(cards[1].call.name, "execute_cell");
  EXPECT_TRUE(cards[1].ok) << cards[1].result;
  const std::string text = shown("ai-1");
  EXPECT_TRUE(text.starts_with("I'll plot it in a new cell.")) << text;
  EXPECT_NE(text.find("The cell ran. Its summary: Cell " + made->id + " executed successfully. Output: plotted 42"), std::string::npos) << text;
  EXPECT_NE(text.find("an image (image/png"), std::string::npos) << text;

  // A second AI cell below is told the notebook above it, the first AI cell's conversation
  // included: its question, its answers whole, its tool calls and their results.
  const auto q2 = ask("ai-2", "t", "What did you just do?", "openai", "recall");
  ASSERT_TRUE(run_until([&] { return finished(q2); }, 30s)) << log_text();
  EXPECT_EQ(row(q2)->status, schema::QueueStatus::completed);
  const auto sent = chat_requests().back()["messages"];
  std::vector<std::string> roles;
  for (const auto& m : sent) roles.push_back(m["role"]);
  // system, intro, question, answer+create_cell, result, execute_cell, result, final answer,
  // the made cell with its outputs, then the new question.
  EXPECT_EQ(roles, (std::vector<std::string>{"system", "user", "user", "assistant", "tool", "assistant", "tool", "assistant", "user", "user"}))
      << sent.dump(2);
  EXPECT_EQ(sent[1]["content"], "Notebook markdown cell intro:\n# Squares");
  EXPECT_EQ(sent[2]["content"], "Plot the first three squares");
  EXPECT_EQ(sent[3]["content"], "I'll plot it in a new cell.");
  EXPECT_EQ(sent[3]["tool_calls"][0]["function"]["name"], "create_cell");
  EXPECT_EQ(sent[4]["tool_call_id"], sent[3]["tool_calls"][0]["id"]);
  EXPECT_EQ(sent[4]["content"], "Created code cell: " + made->id);
  EXPECT_EQ(sent[5]["tool_calls"][0]["function"]["arguments"], json({{"cellId", made->id}}).dump());
  EXPECT_TRUE(sent[7]["content"].get<std::string>().starts_with("The cell ran. Its summary:"));
  EXPECT_NE(sent[8]["content"].get<std::string>().find("plotted 42"), std::string::npos);
  EXPECT_NE(sent[8]["content"].get<std::string>().find("**Visual Content:** image/png"), std::string::npos);
  EXPECT_EQ(sent[9]["content"], "What did you just do?");
  EXPECT_NE(sent[0]["content"].get<std::string>().find("Your current cell ID is ai-2"), std::string::npos);
}

TEST_F(AiCellsTest, TheSameRunsOverOllamasNativeApi) {
  start_agent(python(), config());
  const auto q = ask("ai-1", "m", "Plot the first three squares", "ollama", "notebook-plot");
  ASSERT_TRUE(run_until([&] { return finished(q); }, 90s)) << log_text();
  EXPECT_EQ(row(q)->status, schema::QueueStatus::completed) << shown("ai-1");
  const std::string text = shown("ai-1");
  EXPECT_NE(text.find("executed successfully. Output: plotted 42"), std::string::npos) << text;
  const auto requests = chat_requests();
  ASSERT_EQ(requests.size(), 3u);
  // Ollama's history: object arguments, results by tool name.
  const auto& last = requests.back()["messages"];
  EXPECT_TRUE(last[last.size() - 2]["tool_calls"][0]["function"]["arguments"].is_object()) << last.dump(2);
  EXPECT_EQ(last.back()["tool_name"], "execute_cell");
  // The session lists Ollama's models with their capabilities.
  const auto* session = state().runtimeSessions.in_insertion_order().back();
  EXPECT_NE(session->availableAiModels.dump().find(R"x("displayName":"Llama 3.1 (8B)")x"), std::string::npos) << session->availableAiModels.dump();
  EXPECT_TRUE(session->canExecuteAi);
}

TEST_F(AiCellsTest, WithoutConfigurationTheCellSaysHowAndDoesNotHang) {
  AssistantConfig none = config();
  none.openai.reset();
  none.ollama.host = "http://127.0.0.1:1";
  start_agent(agent::make_echo_runtime(), none);
  const auto q = ask("ai-1", "m", "Hello?", "", "");
  ASSERT_TRUE(run_until([&] { return finished(q); })) << log_text();
  EXPECT_EQ(row(q)->status, schema::QueueStatus::failed);
  EXPECT_NE(shown("ai-1").find("AI Configuration Required"), std::string::npos) << shown("ai-1");
  EXPECT_NE(shown("ai-1").find("OPENAI_API_KEY"), std::string::npos);
  // An Ollama cell says where it looked.
  const auto q2 = ask("ai-2", "n", "Hello?", "ollama", "llama3.1");
  ASSERT_TRUE(run_until([&] { return finished(q2); })) << log_text();
  EXPECT_EQ(row(q2)->status, schema::QueueStatus::failed);
  EXPECT_NE(shown("ai-2").find("Ollama Configuration Required"), std::string::npos) << shown("ai-2");
  EXPECT_NE(shown("ai-2").find("127.0.0.1:1"), std::string::npos);
}

TEST_F(AiCellsTest, ProviderFailuresBecomeErrorOutputs) {
  start_agent(agent::make_echo_runtime(), config());
  const auto bad_key = ask("k", "a", "hi", "openai", "fail-401");
  const auto cut = ask("c", "b", "hi", "openai", "cut");
  const auto down = ask("d", "c", "hi", "ollama", "fail-500");
  ASSERT_TRUE(run_until([&] { return finished(bad_key) && finished(cut) && finished(down); })) << log_text();
  for (const auto& q : {bad_key, cut, down}) EXPECT_EQ(row(q)->status, schema::QueueStatus::failed);
  EXPECT_NE(shown("k").find("Invalid API key"), std::string::npos) << shown("k");
  EXPECT_NE(shown("k").find("OpenAI API Error"), std::string::npos) << shown("k");
  // What streamed before the cut is kept, then the error says what happened.
  EXPECT_TRUE(shown("c").starts_with("This answer")) << shown("c");
  EXPECT_NE(shown("c").find("broke mid-answer"), std::string::npos) << shown("c");
  EXPECT_NE(shown("d").find("Ollama API Error: Ollama server error (HTTP 500)"), std::string::npos) << shown("d");
}

TEST_F(AiCellsTest, BadToolArgumentsAreAnErrorTheModelReads) {
  start_agent(agent::make_echo_runtime(), config());
  const auto q = ask("ai", "m", "Change something", "openai", "bad-arguments");
  ASSERT_TRUE(run_until([&] { return finished(q); })) << log_text();
  EXPECT_EQ(row(q)->status, schema::QueueStatus::completed);
  const auto cards = tool_cards("ai");
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_FALSE(cards[0].ok);
  EXPECT_EQ(cards[0].call.arguments, R"({"cellId": )");  // kept as the model wrote it
  EXPECT_NE(shown("ai").find("Noted: Error: the arguments of modify_cell are not valid JSON"), std::string::npos) << shown("ai");
}

TEST_F(AiCellsTest, TheIterationLimitEndsALoopWithANotice) {
  start_agent(agent::make_echo_runtime(), config());
  user_->commit(events::NotebookMetadataSet{"max_ai_iterations", "3"});
  const auto q = ask("ai", "m", "Go on forever", "openai", "loop");
  ASSERT_TRUE(run_until([&] { return finished(q); })) << log_text();
  EXPECT_EQ(tool_cards("ai").size(), 3u);
  EXPECT_NE(shown("ai").find("Reached maximum iterations"), std::string::npos) << shown("ai");
  // The markdown cells it made come in the order it made them, below the AI cell.
  std::vector<std::string> sources;
  for (const auto* c : schema::cells_in_order(state()))
    if (c->cellType == schema::CellType::markdown) sources.push_back(c->source);
  EXPECT_EQ(sources, (std::vector<std::string>{"step 0", "step 1", "step 2"}));
}

TEST_F(AiCellsTest, ALongAnswerIsAFewEventsAndKeptWhole) {
  start_agent(agent::make_echo_runtime(), config());
  const auto q = ask("ai", "m", "Talk", "openai", "long");
  ASSERT_TRUE(run_until([&] { return finished(q); })) << log_text();
  std::string expected;
  for (int i = 0; i < 2000; ++i) expected += "w" + std::to_string(i) + " ";
  EXPECT_EQ(shown("ai"), expected);
  EXPECT_LT(state().outputDeltas.size(), 50u);  // 2000 chunks, coalesced
}

TEST_F(AiCellsTest, InterruptStopsTheStreamWithinASecondAndKeepsItsText) {
  start_agent(agent::make_echo_runtime(), config());
  const auto q = ask("ai", "m", "Talk slowly", "openai", "slow");
  ASSERT_TRUE(run_until([&] { return shown("ai").find("word3 ") != std::string::npos; })) << log_text();
  user_->commit(events::ExecutionCancelled{q, "ai", "user", std::nullopt, "user interrupt"});
  ASSERT_TRUE(run_until([&] { return finished(q); }));
  run_until([] { return false; }, 1200ms);  // anything still streaming would arrive now
  const std::string settled = shown("ai");
  run_until([] { return false; }, 800ms);
  EXPECT_EQ(shown("ai"), settled) << "still streaming after the interrupt";
  EXPECT_EQ(row(q)->status, schema::QueueStatus::cancelled);
  EXPECT_TRUE(settled.starts_with("word0 word1 word2 word3 ")) << settled;
}

class AiToolApprovalTest : public AiCellsTest {
 protected:
  AssistantConfig with_mcp(std::chrono::milliseconds approval_timeout = 20s) {
    AssistantConfig c = config();
    toolbox_ = McpToolbox::start({ai::McpServerConfig{"everything", {"node", RUNT_MCP_EVERYTHING, "stdio"}, {}}}, 30s,
                                 [this](const std::string& line) { log(line); });
    c.external_tools = toolbox_;
    c.approval_timeout = approval_timeout;
    return c;
  }
  const schema::ToolApprovalRow* pending_approval(const std::string& cell) const {
    for (const auto* row : state().toolApprovals.in_insertion_order())
      if (row->cellId == cell && row->status == schema::ApprovalStatus::pending) return row;
    return nullptr;
  }
  // Waits for the AI cell's approval request and answers it as a person in the notebook would.
  void answer(const std::string& cell, schema::ApprovalResponse response) {
    ASSERT_TRUE(run_until([&] { return pending_approval(cell) != nullptr; })) << log_text() << shown(cell);
    const auto* row = pending_approval(cell);
    EXPECT_EQ(row->toolName, "mcp__everything__echo");
    user_->commit(events::ToolApprovalResponded{row->toolCallId, response, "user", schema::Timestamp{1}});
  }
  std::shared_ptr<McpToolbox> toolbox_;
};

TEST_F(AiToolApprovalTest, AnMcpToolRunsOnlyOnceSomeoneApprovesIt) {
  start_agent(agent::make_echo_runtime(), with_mcp());
  const auto once = ask("a", "a", "Use a tool", "openai", "use-tool");
  answer("a", schema::ApprovalResponse::approved_once);
  ASSERT_TRUE(run_until([&] { return finished(once); })) << log_text();
  EXPECT_NE(shown("a").find("Tool said: Echo: hello from the model"), std::string::npos) << shown("a");
  // The model was offered the server's tools under their MCP names.
  bool offered = false;
  const auto requests = chat_requests();
  for (const auto& tool : requests.front()["tools"]) offered |= tool["function"]["name"] == "mcp__everything__echo";
  EXPECT_TRUE(offered);

  // Denied: the model is told so.
  const auto denied = ask("d", "d", "Use a tool", "openai", "use-tool");
  answer("d", schema::ApprovalResponse::denied);
  ASSERT_TRUE(run_until([&] { return finished(denied); })) << log_text();
  EXPECT_NE(shown("d").find("Tool said: Error: Tool call denied by user: mcp__everything__echo"), std::string::npos) << shown("d");

  // Always: the next call of that tool in the notebook runs without asking.
  const auto always = ask("e", "e", "Use a tool", "openai", "use-tool");
  answer("e", schema::ApprovalResponse::approved_always);
  ASSERT_TRUE(run_until([&] { return finished(always); })) << log_text();
  const std::size_t approvals = state().toolApprovals.size();
  const auto again = ask("f", "f", "Use a tool", "openai", "use-tool");
  ASSERT_TRUE(run_until([&] { return finished(again); })) << log_text();
  EXPECT_NE(shown("f").find("Tool said: Echo: hello from the model"), std::string::npos) << shown("f");
  EXPECT_EQ(state().toolApprovals.size(), approvals);  // nobody was asked
}

TEST_F(AiToolApprovalTest, NoAnswerOrADeadServerIsAResultTheModelReads) {
  start_agent(agent::make_echo_runtime(), with_mcp(1500ms));
  const auto unanswered = ask("t", "a", "Use a tool", "openai", "use-tool");
  ASSERT_TRUE(run_until([&] { return finished(unanswered); })) << log_text();
  EXPECT_EQ(row(unanswered)->status, schema::QueueStatus::completed);
  EXPECT_NE(shown("t").find("Tool said: Error: Tool approval timeout after 1 seconds for mcp__everything__echo"), std::string::npos) << shown("t");

  // The server dies while the approval waits: the call fails, the cell does not.
  const auto dies = ask("x", "b", "Use a tool", "openai", "use-tool");
  ASSERT_TRUE(run_until([&] { return pending_approval("x") != nullptr; })) << log_text();
  kill(toolbox_->servers().front()->pid(), SIGKILL);
  user_->commit(events::ToolApprovalResponded{pending_approval("x")->toolCallId, schema::ApprovalResponse::approved_once, "user",
                                              schema::Timestamp{1}});
  ASSERT_TRUE(run_until([&] { return finished(dies); })) << log_text();
  EXPECT_EQ(row(dies)->status, schema::QueueStatus::completed);
  EXPECT_NE(shown("x").find("Tool said: Error: MCP tool execution failed"), std::string::npos) << shown("x");
  EXPECT_TRUE(toolbox_->specs().empty());  // no longer offered
}

}  // namespace
}  // namespace runt::assistant
