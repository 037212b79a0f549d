// The providers' wire formats, read from the real captures of ai-wire-formats.md (bytes as
// api.openai.com sent them) and the quirks compatible servers are known for.

#include "runt/ai/framing.hpp"
#include "runt/ai/ollama_wire.hpp"
#include "runt/ai/openai_wire.hpp"
#include "runt/ai/provider_error.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

namespace {

using namespace runt::ai;
using nlohmann::json;

std::string capture(const std::string& name) {
  std::ifstream in(std::string(RUNT_AI_CAPTURES) + "/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_FALSE(s.str().empty()) << name;
  return s.str();
}

// Feeds `bytes` in random slices of 1–50 bytes (events split anywhere, as TCP does).
template <class Decoder>
std::vector<std::string> sliced(Decoder& decoder, const std::string& bytes, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::size_t> size(1, 50);
  std::vector<std::string> out;
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t n = std::min(size(random), bytes.size() - at);
    for (auto& e : decoder.feed(std::string_view(bytes).substr(at, n))) out.push_back(std::move(e));
    at += n;
  }
  for (auto& e : decoder.finish()) out.push_back(std::move(e));
  return out;
}

ChatReply read_openai(const std::vector<std::string>& payloads, std::string* streamed = nullptr) {
  OpenAiStreamReader reader;
  for (const auto& p : payloads) {
    const std::string text = reader.read(p);
    if (streamed) *streamed += text;
  }
  EXPECT_TRUE(reader.done());
  return reader.reply();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
  return s;
}

TEST(SseDecoder, SplitsTheCapturedStreamAtAnyByteTheSameWay) {
  const std::string bytes = capture("openai_text.sse");
  SseDecoder whole;
  auto expected = whole.feed(bytes);
  for (auto& e : whole.finish()) expected.push_back(e);
  ASSERT_EQ(expected.size(), 34u);
  EXPECT_EQ(expected.back(), "[DONE]");
  for (unsigned seed = 1; seed <= 20; ++seed) {
    SseDecoder decoder;
    EXPECT_EQ(sliced(decoder, bytes, seed), expected) << "seed " << seed;
  }
}

TEST(SseDecoder, FollowsTheWhatwgRules) {
  const std::string lf = capture("openai_tool_call.sse");
  SseDecoder reference;
  const auto expected = reference.feed(lf);
  // CRLF and lone CR line endings, comments and keep-alives, "data:" without its space.
  std::string variant = replace_all(lf, "\n", "\r\n");
  variant = replace_all(variant, "data: ", ": ping\r\ndata:");
  for (unsigned seed = 1; seed <= 10; ++seed) {
    SseDecoder decoder;
    EXPECT_EQ(sliced(decoder, variant, seed), expected);
  }
  SseDecoder cr;
  EXPECT_EQ(cr.feed(replace_all(lf, "\n", "\r")), expected);
  // Several data lines make one event, joined by "\n"; other fields are ignored; a comment
  // alone before a blank line makes no event.
  SseDecoder multi;
  EXPECT_EQ(multi.feed("event: x\nid: 3\ndata: a\ndata: b\n\n:\n\ndata:\n\n"), std::vector<std::string>{"a\nb"});
  // [DONE] without its blank line still ends the stream.
  SseDecoder unterminated;
  EXPECT_TRUE(unterminated.feed("data: [DONE]").empty());
  EXPECT_EQ(unterminated.finish(), std::vector<std::string>{"[DONE]"});
}

TEST(OpenAiStream, ReadsTheCapturedTextAnswer) {
  SseDecoder decoder;
  std::string streamed;
  const ChatReply reply = read_openai(sliced(decoder, capture("openai_text.sse"), 7), &streamed);
  const std::string text =
      "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable "
      "weather website or a weather app.";
  EXPECT_EQ(reply.content, text);
  EXPECT_EQ(streamed, text);
  EXPECT_EQ(reply.finish_reason, "stop");
  EXPECT_TRUE(reply.tool_calls.empty());
  ASSERT_TRUE(reply.usage);
  EXPECT_GT(reply.usage->completion_tokens, 0);
}

TEST(OpenAiStream, AccumulatesToolCallArgumentsFromFragments) {
  SseDecoder decoder;
  const ChatReply reply = read_openai(sliced(decoder, capture("openai_tool_call.sse"), 3));
  ASSERT_EQ(reply.tool_calls.size(), 1u);
  EXPECT_EQ(reply.tool_calls[0], (ToolCall{"call_4XzlGBLtUe9dy3GVNV4jhq7h", "get_weather", R"({"city":"New York City"})"}));
  EXPECT_EQ(reply.finish_reason, "tool_calls");
  EXPECT_EQ(reply.content, "");  // content:null is not the word "null"
}

TEST(OpenAiStream, KeepsParallelCallsApartByIndex) {
  SseDecoder decoder;
  const ChatReply reply = read_openai(sliced(decoder, capture("openai_parallel_calls.sse"), 11));
  ASSERT_EQ(reply.tool_calls.size(), 2u);
  EXPECT_EQ(reply.tool_calls[0],
            (ToolCall{"call_JMW1whyEaYG438VE1OIflxA2", "GetWeatherArgs", R"({"city": "Edinburgh", "country": "GB", "units": "c"})"}));
  EXPECT_EQ(reply.tool_calls[1], (ToolCall{"call_DNYTawLBoN8fj3KN6qU9N1Ou", "get_stock_price", R"({"ticker": "AAPL", "exchange": "NASDAQ"})"}));
}

TEST(OpenAiStream, ReportsLength) {
  SseDecoder decoder;
  const ChatReply reply = read_openai(sliced(decoder, capture("openai_length.sse"), 5));
  EXPECT_EQ(reply.finish_reason, "length");
  EXPECT_EQ(reply.content, "{\"");
}

TEST(OpenAiStream, CopesWithServersThatBendTheFormat) {
  // Parallel calls all at index 0 with distinct ids (Ollama), calls without index (Gemini),
  // ids repeated on every fragment (SGLang), null usage, a chunk without choices (Azure),
  // a choice without delta, the finish reason on the last content chunk.
  OpenAiStreamReader reader;
  for (const char* p : {
           R"({"choices":[],"prompt_filter_results":[{"prompt_index":0}]})",
           R"({"choices":[{"index":0,"content_filter_offsets":{}}],"usage":null})",
           R"({"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{\"x\""}}]}}]})",
           R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"arguments":":1}"}}]}}]})",
           R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"b","function":{"name":"g","arguments":"{}"}}]}}]})",
           R"({"choices":[{"delta":{"tool_calls":[{"id":"c","function":{"name":"h","arguments":"{\"y\""}}]}}]})",
           R"({"choices":[{"delta":{"tool_calls":[{"function":{"arguments":":2}"}}]}}]})",
           R"({"choices":[{"index":0,"delta":{"content":"done"},"finish_reason":"stop"}],"usage":null})",
       })
    reader.read(p);
  const ChatReply reply = reader.reply();
  ASSERT_EQ(reply.tool_calls.size(), 3u);
  EXPECT_EQ(reply.tool_calls[0], (ToolCall{"a", "f", R"({"x":1})"}));
  EXPECT_EQ(reply.tool_calls[1], (ToolCall{"b", "g", "{}"}));
  EXPECT_EQ(reply.tool_calls[2], (ToolCall{"c", "h", R"({"y":2})"}));
  EXPECT_EQ(reply.content, "done");
  EXPECT_EQ(reply.finish_reason, "stop");
  EXPECT_FALSE(reader.done());
}

TEST(OpenAiStream, AnErrorInsideTheStreamOrABrokenChunkIsAClearError) {
  OpenAiStreamReader reader;
  reader.read(R"({"choices":[{"index":0,"delta":{"content":"Hel"}}]})");
  try {
    reader.read(R"({"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}})");
    FAIL();
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.failure(), ProviderFailure::broken_stream);
    EXPECT_NE(std::string(e.what()).find("The server had an error"), std::string::npos);
  }
  EXPECT_THROW(reader.read(R"({"choices":[{"index":0,"delta":{"content":"lo"})"), ProviderError);
  EXPECT_EQ(reader.reply().content, "Hel");  // what came before is kept
}

TEST(OpenAiRequest, FollowsTheModelsRules) {
  ChatRequest r;
  r.model = "gpt-4o";
  r.messages = {{Role::system, "be brief", {}, "", ""},
                {Role::user, "hi", {}, "", ""},
                {Role::assistant, "", {ToolCall{"call_1", "create_cell", R"({"source":"1"})"}}, "", ""},
                {Role::tool, "Created", {}, "call_1", "create_cell"}};
  r.tools = {ToolSpec{"create_cell", "Create a cell", {{"type", "object"}}}};
  const json body = json::parse(openai_request_body(r));
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["max_tokens"], 2000);
  EXPECT_EQ(body["temperature"], 0.7);
  EXPECT_EQ(body["tool_choice"], "auto");
  EXPECT_EQ(body["tools"][0]["function"]["name"], "create_cell");
  EXPECT_TRUE(body["messages"][2]["content"].is_null());
  EXPECT_EQ(body["messages"][2]["tool_calls"][0]["function"]["arguments"], R"({"source":"1"})");
  EXPECT_EQ(body["messages"][3], json({{"role", "tool"}, {"content", "Created"}, {"tool_call_id", "call_1"}}));

  r.model = "o1-mini";
  r.tools.clear();
  const json reasoning = json::parse(openai_request_body(r));
  EXPECT_FALSE(reasoning.contains("temperature"));
  EXPECT_FALSE(reasoning.contains("max_tokens"));
  EXPECT_EQ(reasoning["max_completion_tokens"], 2000);
  EXPECT_EQ(reasoning["messages"][0], json({{"role", "user"}, {"content", "System instructions: be brief"}}));
  EXPECT_FALSE(reasoning.contains("tools"));
}

TEST(OpenAiModels, ReadsTheListAndNull) {
  EXPECT_EQ(openai_model_ids(R"({"object":"list","data":[{"id":"a","object":"model"},{"id":"b"}]})"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(openai_model_ids(R"({"object":"list","data":null})").empty());
}

TEST(OllamaStream, ReadsTextAndToolCalls) {
  LineDecoder decoder;
  int ids = 0;
  OllamaStreamReader reader([&] { return "synth" + std::to_string(++ids); });
  std::string streamed;
  for (const auto& line : sliced(decoder, capture("ollama_text.ndjson"), 9)) streamed += reader.read(line);
  EXPECT_TRUE(reader.done());
  EXPECT_EQ(streamed, "The sky is blue.");
  EXPECT_EQ(reader.reply().finish_reason, "stop");
  EXPECT_EQ(reader.reply().usage->completion_tokens, 4);

  LineDecoder calls_decoder;
  OllamaStreamReader calls([&] { return "synth" + std::to_string(++ids); });
  for (const auto& line : sliced(calls_decoder, capture("ollama_parallel_calls.ndjson"), 2)) calls.read(line);
  ASSERT_EQ(calls.reply().tool_calls.size(), 2u);
  EXPECT_EQ(calls.reply().tool_calls[0], (ToolCall{"call_k2j9x0qa", "get_temperature", R"({"city":"New York"})"}));
  EXPECT_EQ(calls.reply().tool_calls[1].id, "call_7fq1m3zt");

  // Servers before v0.12.10 send no id: one is made up.
  OllamaStreamReader old([&] { return "synth" + std::to_string(++ids); });
  old.read(R"({"model":"llama3.2","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Tokyo"}}}]},"done":false})");
  EXPECT_EQ(old.reply().tool_calls[0].id, "synth" + std::to_string(ids));
  EXPECT_THROW(old.read(R"({"error":"model 'x' not found"})"), ProviderError);
  EXPECT_THROW(old.read("{not json"), ProviderError);
}

TEST(OllamaRequest, SendsObjectArgumentsAndToolNames) {
  ChatRequest r;
  r.model = "llama3.1";
  r.messages = {{Role::assistant, "", {ToolCall{"c1", "create_cell", R"({"source":"x"})"}}, "", ""},
                {Role::tool, "ok", {}, "c1", "create_cell"}};
  const json body = json::parse(ollama_request_body(r));
  EXPECT_EQ(body["messages"][0]["tool_calls"][0]["function"]["arguments"], json({{"source", "x"}}));
  EXPECT_EQ(body["messages"][1]["tool_name"], "create_cell");
  EXPECT_EQ(body["options"]["num_predict"], 2000);
  EXPECT_EQ(body["stream"], true);
}

TEST(OllamaModels, ReadsTagsShowAndNames) {
  EXPECT_EQ(ollama_model_names(R"({"models":[{"name":"llama3.2:latest"},{"model":"qwen3:8b"}]})"),
            (std::vector<std::string>{"llama3.2:latest", "qwen3:8b"}));
  EXPECT_TRUE(ollama_model_names(R"({"models":null})").empty());
  const auto details = ollama_model_details(R"({"details":{"parameter_size":"8.0B"},"capabilities":["completion","tools"]})");
  EXPECT_EQ(details.capabilities, (std::vector<std::string>{"completion", "tools"}));
  EXPECT_EQ(details.parameter_size, "8.0B");
  EXPECT_EQ(ollama_model_details("{}").capabilities, std::vector<std::string>{"completion"});
  EXPECT_EQ(ollama_display_name("llama3.1:8b"), "Llama 3.1 (8B)");
  EXPECT_EQ(ollama_display_name("qwen3:latest"), "Qwen 3");
  EXPECT_EQ(ollama_display_name("codellama"), "CodeLlama");
}

TEST(ProviderErrors, SayWhatToDo) {
  const ProviderError unauthorized = http_failure(
      "OpenAI", 401,
      R"({"error":{"message":"Incorrect API key provided: sk-VKMIs***wjh3.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})");
  EXPECT_EQ(unauthorized.failure(), ProviderFailure::unauthorized);
  EXPECT_NE(std::string(unauthorized.what()).find("Invalid API key"), std::string::npos);
  EXPECT_NE(std::string(unauthorized.what()).find("Incorrect API key provided"), std::string::npos);
  EXPECT_EQ(http_failure("OpenAI", 429, "{}").failure(), ProviderFailure::rate_limited);
  EXPECT_EQ(http_failure("Ollama", 503, "oops").failure(), ProviderFailure::server);
  EXPECT_EQ(http_failure("Ollama", 404, R"({"error":"model 'x' not found"})").failure(), ProviderFailure::rejected);
  EXPECT_NE(std::string(http_failure("Ollama", 404, R"({"error":"model 'x' not found"})").what()).find("model 'x' not found"),
            std::string::npos);
}

}  // namespace
