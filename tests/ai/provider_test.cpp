// The providers against the scripted provider server (tests/ai/scripted_provider.mjs) over
// real HTTP and HTTPS: captured streams, tool calls, every failure a user can meet.

#include "runt/ai/agentic_loop.hpp"
#include "runt/ai/provider.hpp"
#include "runt/ai/provider_error.hpp"

#include "child_process.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace {

using namespace runt::ai;
using runt::testing_support::ScriptedProvider;
using namespace std::chrono_literals;

ChatRequest ask(const std::string& model, const std::string& prompt = "What's the weather like in SF?") {
  ChatRequest r;
  r.model = model;
  r.messages = {{Role::user, prompt, {}, "", ""}};
  return r;
}

std::unique_ptr<Provider> openai(const ScriptedProvider& server, HttpDeadlines deadlines = {}) {
  return make_openai_provider(OpenAiSettings{"sk-test", server.url() + "/v1/", deadlines});
}

ProviderFailure failure_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const ProviderError& e) {
    return e.failure();
  }
  ADD_FAILURE() << "no ProviderError";
  return ProviderFailure::cancelled;
}

TEST(OpenAiProvider, StreamsTheCapturedAnswer) {
  ScriptedProvider server;
  auto provider = openai(server);
  std::string streamed;
  int pieces = 0;
  const ChatReply reply = provider->chat(ask("capture-text"), [&](std::string_view t) { streamed += t; ++pieces; }, {});
  EXPECT_EQ(reply.content, streamed);
  EXPECT_TRUE(streamed.starts_with("I'm unable to provide real-time weather updates."));
  EXPECT_GT(pieces, 20);
  EXPECT_EQ(reply.finish_reason, "stop");

  const ChatReply calls = provider->chat(ask("capture-parallel-calls"), [](std::string_view) {}, {});
  ASSERT_EQ(calls.tool_calls.size(), 2u);
  EXPECT_EQ(calls.tool_calls[1].name, "get_stock_price");
  EXPECT_EQ(provider->chat(ask("capture-length"), [](std::string_view) {}, {}).finish_reason, "length");
}

TEST(OpenAiProvider, ListsTheModelsOfACompatibleServer) {
  ScriptedProvider server;
  const auto models = openai(server)->models({});
  ASSERT_EQ(models.size(), 3u);
  EXPECT_EQ(models[0].name, "scripted-1");
  EXPECT_EQ(models[0].provider, "openai");
  EXPECT_EQ(models[0].capabilities, (std::vector<std::string>{"completion", "tools"}));
}

TEST(OpenAiProvider, EveryFailureIsAClearError) {
  ScriptedProvider server;
  HttpDeadlines quick;
  quick.first_byte = 1500ms;
  quick.idle = 1500ms;
  auto provider = openai(server, quick);
  const auto chat = [&](const std::string& model) { provider->chat(ask(model), [](std::string_view) {}, {}); };
  EXPECT_EQ(failure_of([&] { chat("fail-401"); }), ProviderFailure::unauthorized);
  EXPECT_EQ(failure_of([&] { chat("fail-429"); }), ProviderFailure::rate_limited);
  EXPECT_EQ(failure_of([&] { chat("fail-500"); }), ProviderFailure::server);
  EXPECT_EQ(failure_of([&] { chat("cut"); }), ProviderFailure::broken_stream);
  EXPECT_EQ(failure_of([&] { chat("error-mid-stream"); }), ProviderFailure::broken_stream);
  EXPECT_EQ(failure_of([&] { chat("malformed"); }), ProviderFailure::broken_stream);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(failure_of([&] { chat("silent"); }), ProviderFailure::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  try {
    chat("fail-401");
  } catch (const ProviderError& e) {
    EXPECT_NE(std::string(e.what()).find("Incorrect API key provided"), std::string::npos) << e.what();
  }
  // Nobody listening.
  auto nowhere = make_openai_provider(OpenAiSettings{"sk", "http://127.0.0.1:1/v1", quick});
  EXPECT_EQ(failure_of([&] { nowhere->chat(ask("x"), [](std::string_view) {}, {}); }), ProviderFailure::unreachable);
}

int attempts(const ScriptedProvider& server, const std::string& model) {
  const auto log = http_fetch(HttpRequest{"GET", server.url() + "/_requests", {}, ""}, {}, {});
  int n = 0;
  for (const auto& r : nlohmann::json::parse(log.body))
    if (r["body"].is_object() && r["body"].value("model", "") == model) ++n;
  return n;
}

TEST(OpenAiProvider, RetriesWhatIsWorthRetryingAsTheSdksDo) {
  ScriptedProvider server;
  auto provider = openai(server);
  // Overloaded once, asking for 100 ms: the second try answers.
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(provider->chat(ask("flaky"), [](std::string_view) {}, {}).content, "Hello from flaky.");
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 100ms);
  EXPECT_EQ(attempts(server, "flaky"), 2);
  // A server error is tried three times in all (0.5 s, then 1 s apart); a bad key once; a rate
  // limit that asks for 27 s once (longer than is worth waiting in a cell).
  EXPECT_EQ(failure_of([&] { provider->chat(ask("fail-500"), [](std::string_view) {}, {}); }), ProviderFailure::server);
  EXPECT_EQ(attempts(server, "fail-500"), 3);
  EXPECT_EQ(failure_of([&] { provider->chat(ask("fail-401"), [](std::string_view) {}, {}); }), ProviderFailure::unauthorized);
  EXPECT_EQ(attempts(server, "fail-401"), 1);
  EXPECT_EQ(failure_of([&] { provider->chat(ask("fail-429"), [](std::string_view) {}, {}); }), ProviderFailure::rate_limited);
  EXPECT_EQ(attempts(server, "fail-429"), 1);
  // Once text was shown the answer is not asked again.
  EXPECT_EQ(failure_of([&] { provider->chat(ask("cut"), [](std::string_view) {}, {}); }), ProviderFailure::broken_stream);
  EXPECT_EQ(attempts(server, "cut"), 1);
}

TEST(OpenAiProvider, CancellationClosesTheStreamWithinASecond) {
  ScriptedProvider server;
  auto provider = openai(server);
  std::atomic<bool> cancel{false};
  std::string streamed;
  std::chrono::steady_clock::time_point cancelled_at;
  std::thread canceller([&] {
    std::this_thread::sleep_for(400ms);
    cancelled_at = std::chrono::steady_clock::now();
    cancel = true;
  });
  EXPECT_EQ(failure_of([&] { provider->chat(ask("slow"), [&](std::string_view t) { streamed += t; }, [&] { return cancel.load(); }); }),
            ProviderFailure::cancelled);
  const auto stopped_after = std::chrono::steady_clock::now() - cancelled_at;
  canceller.join();
  EXPECT_LT(stopped_after, 1s);
  EXPECT_TRUE(streamed.starts_with("word0 ")) << streamed;
}

TEST(OpenAiProvider, SpeaksHttpsVerifiedAgainstTheTrustedCertificates) {
  runt::testing_support::TempDir dir("runt-tls");
  const std::string cert = (dir.path() / "cert.pem").string(), key = (dir.path() / "key.pem").string();
  const std::string make = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
                           key + " -out " + cert + " 2>/dev/null";
  ASSERT_EQ(std::system(make.c_str()), 0);
  ScriptedProvider server({"--tls", cert, key});
  const std::string base = server.url(/*tls=*/true) + "/v1";
  // Not trusted yet: refused.
  auto untrusted = make_openai_provider(OpenAiSettings{"sk", base, {}});
  EXPECT_EQ(failure_of([&] { untrusted->chat(ask("capture-text"), [](std::string_view) {}, {}); }), ProviderFailure::unreachable);
  // Trusted (as SSL_CERT_FILE makes it for every OpenSSL client): the capture streams.
  setenv("SSL_CERT_FILE", cert.c_str(), 1);
  auto trusted = make_openai_provider(OpenAiSettings{"sk", base, {}});
  const ChatReply reply = trusted->chat(ask("capture-tool-call"), [](std::string_view) {}, {});
  unsetenv("SSL_CERT_FILE");
  ASSERT_EQ(reply.tool_calls.size(), 1u);
  EXPECT_EQ(reply.tool_calls[0].arguments, R"({"city":"New York City"})");
}

TEST(OllamaProvider, StreamsListsAndFails) {
  ScriptedProvider server;
  HttpDeadlines quick;
  quick.idle = 1500ms;
  quick.first_byte = 1500ms;
  auto provider = make_ollama_provider(OllamaSettings{"127.0.0.1:" + std::to_string(server.port()), quick});
  std::string streamed;
  EXPECT_EQ(provider->chat(ask("llama3.1:8b"), [&](std::string_view t) { streamed += t; }, {}).content, "Hello from llama3.1:8b.");
  EXPECT_EQ(streamed, "Hello from llama3.1:8b.");
  const auto models = provider->models({});
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0], (ModelInfo{"llama3.1:8b", "Llama 3.1 (8B)", "ollama", {"completion", "tools"}, "8.0B"}));
  const auto chat = [&](const std::string& model) { provider->chat(ask(model), [](std::string_view) {}, {}); };
  EXPECT_EQ(failure_of([&] { chat("fail-500"); }), ProviderFailure::server);
  EXPECT_EQ(failure_of([&] { chat("cut"); }), ProviderFailure::broken_stream);
  EXPECT_EQ(failure_of([&] { chat("error-mid-stream"); }), ProviderFailure::broken_stream);
  EXPECT_EQ(failure_of([&] { chat("malformed"); }), ProviderFailure::broken_stream);
  EXPECT_EQ(failure_of([&] { chat("silent"); }), ProviderFailure::timeout);
}

TEST(AgenticLoop, RunsToolsUntilTheModelAnswers) {
  ScriptedProvider server;
  for (const bool ollama : {false, true}) {
    auto provider = ollama ? make_ollama_provider(OllamaSettings{server.url(), {}}) : openai(server);
    ChatRequest request = ask("notebook-plot");
    request.messages.insert(request.messages.begin(), Message{Role::system, "Your current cell ID is cell-ai; use it", {}, "", ""});
    request.tools = {ToolSpec{"create_cell", "", {}}, ToolSpec{"execute_cell", "", {}}};
    std::vector<std::string> calls;
    std::string text;
    LoopHooks hooks;
    hooks.on_text = [&](int, std::string_view t) { text += t; };
    hooks.on_tool_call = [&](const ToolCall& call, int iteration) {
      calls.push_back(call.name + "@" + std::to_string(iteration) + ":" + call.arguments);
      return call.name == "create_cell" ? ToolOutcome{true, "Created code cell: cell-new"} : ToolOutcome{true, "it printed plotted 42"};
    };
    const LoopResult result = run_agentic_loop(*provider, request, 10, hooks);
    ASSERT_EQ(calls.size(), 2u) << (ollama ? "ollama" : "openai");
    EXPECT_TRUE(calls[0].starts_with("create_cell@1:")) << calls[0];
    EXPECT_NE(calls[0].find(R"("after_id":"cell-ai")"), std::string::npos) << calls[0];
    EXPECT_EQ(calls[1], R"(execute_cell@2:{"cellId":"cell-new"})");
    EXPECT_EQ(result.iterations, 3);
    EXPECT_FALSE(result.max_iterations_reached);
    EXPECT_NE(text.find("it printed plotted 42"), std::string::npos) << text;
    // The conversation: system, user, then per iteration the reply and its tool results.
    ASSERT_EQ(result.conversation.size(), 7u);
    EXPECT_EQ(result.conversation[3].role, Role::tool);
    EXPECT_EQ(result.conversation[3].content, "Created code cell: cell-new");
  }
  auto provider = openai(server);
  LoopHooks hooks;
  hooks.on_tool_call = [](const ToolCall&, int) { return ToolOutcome{true, "ok"}; };
  const LoopResult capped = run_agentic_loop(*provider, ask("loop"), 3, hooks);
  EXPECT_TRUE(capped.max_iterations_reached);
  EXPECT_EQ(capped.iterations, 3);
}

}  // namespace
