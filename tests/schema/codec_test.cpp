#include "runt/schema/codec.hpp"

#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>

namespace runt::schema {
namespace {

std::string roundtrip(const std::string& text) {
  const std::string via_json = to_js_string(encode_event(decode_event(parse_json(text))));
  EventDecoder decoder;  // the fast text path must agree exactly
  EXPECT_EQ(to_js_string(encode_event(decoder.decode_event(text))), via_json) << text;
  return via_json;
}

// Each line is `JSON.stringify({name, args})` of an event encoded by the TypeScript schema
// (anode-schema.md §7): decoding and re-encoding must reproduce it byte for byte.
const char* const kTypeScriptEncoded[] = {
    R"json({"name":"v2.CellCreated","args":{"id":"cell-1731600000000-4fzyo82mx9k","fractionalIndex":"mh","cellType":"code","createdBy":"user_2f9a7c41"}})json",
    R"json({"name":"v1.CellSourceChanged","args":{"id":"cell-1731600000000-4fzyo82mx9k","source":"import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])","modifiedBy":"user_2f9a7c41"}})json",
    R"json({"name":"v1.ExecutionRequested","args":{"queueId":"exec-1731600012345-q8w1z3","cellId":"cell-1731600000000-4fzyo82mx9k","executionCount":3,"requestedBy":"user_2f9a7c41"}})json",
    R"json({"name":"v1.ExecutionAssigned","args":{"queueId":"exec-1731600012345-q8w1z3","runtimeSessionId":"python-python-local-8b6f0c2e-7d1a-4c55-9a0e-2f3b1c4d5e6f-1731600003000-k2j4h6g8f0a"}})json",
    R"json({"name":"v1.ExecutionStarted","args":{"queueId":"exec-1731600012345-q8w1z3","cellId":"cell-1731600000000-4fzyo82mx9k","runtimeSessionId":"python-python-local-8b6f0c2e-7d1a-4c55-9a0e-2f3b1c4d5e6f-1731600003000-k2j4h6g8f0a","startedAt":"2024-11-14T16:00:12.401Z"}})json",
    R"json({"name":"v1.CellOutputsCleared","args":{"cellId":"cell-1731600000000-4fzyo82mx9k","wait":false,"clearedBy":"runtime-python-local-8b6f0c2e-7d1a-4c55-9a0e-2f3b1c4d5e6f"}})json",
    R"json({"name":"v1.TerminalOutputAdded","args":{"id":"0b7e3d4a-1f2c-4e5d-8a9b-0c1d2e3f4a5b","cellId":"cell-1731600000000-4fzyo82mx9k","position":0,"content":{"type":"inline","data":"training epoch 1/3\n"},"streamName":"stdout"}})json",
    R"json({"name":"v1.MultimediaDisplayOutputAdded","args":{"id":"5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f","cellId":"cell-1731600000000-4fzyo82mx9k","position":1,"representations":{"image/png":{"type":"artifact","artifactId":"kX3m9QpL2vZa/9d2f6a1e-3b4c-4d5e-8f90-a1b2c3d4e5f6","metadata":{"width":640,"height":480,"originalSizeBytes":48213,"uploadedAt":"2024-11-14T16:00:13.020Z"}},"text/plain":{"type":"inline","data":"<Figure size 640x480 with 1 Axes>"},"text/markdown":{"type":"inline","data":"![Artifact_kX3m9QpL2vZa_9d2f6a1e_3b4c_4d5e_8f90_a1b2c3d4e5f6image_png](https://app.runt.run/api/artifacts/kX3m9QpL2vZa/9d2f6a1e-3b4c-4d5e-8f90-a1b2c3d4e5f6)","metadata":{"generatedFor":"image/png"}}}}})json",
    R"json({"name":"v1.MultimediaResultOutputAdded","args":{"id":"7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d","cellId":"cell-1731600000000-4fzyo82mx9k","position":2,"representations":{"text/plain":{"type":"inline","data":"[<matplotlib.lines.Line2D at 0x4e1a2b8>]"}},"executionCount":3}})json",
    R"json({"name":"v1.ErrorOutputAdded","args":{"id":"1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a","cellId":"cell-1731600000000-4fzyo82mx9k","position":3,"content":{"type":"inline","data":{"ename":"ZeroDivisionError","evalue":"division by zero","traceback":["Traceback (most recent call last):","  File \"<exec>\", line 1, in <module>","ZeroDivisionError: division by zero"]}}}})json",
    R"json({"name":"v1.ExecutionCompleted","args":{"queueId":"exec-1731600012345-q8w1z3","cellId":"cell-1731600000000-4fzyo82mx9k","status":"success","completedAt":"2024-11-14T16:00:13.655Z","executionDurationMs":1254}})json",
    R"json({"name":"v1.ExecutionCancelled","args":{"queueId":"exec-1731600012345-q8w1z3","cellId":"cell-1731600000000-4fzyo82mx9k","cancelledBy":"user_2f9a7c41","reason":"User interrupted execution"}})json",
    R"json({"name":"v1.RuntimeSessionStarted","args":{"sessionId":"python-python-local-8b6f0c2e-7d1a-4c55-9a0e-2f3b1c4d5e6f-1731600003000-k2j4h6g8f0a","runtimeId":"python-local-8b6f0c2e-7d1a-4c55-9a0e-2f3b1c4d5e6f","runtimeType":"python","capabilities":{"canExecuteCode":true,"canExecuteSql":false,"canExecuteAi":true,"availableAiModels":[{"name":"llama3.1","displayName":"Llama 3.1","provider":"ollama","capabilities":["completion","tools"],"metadata":{"parameterSize":"8B"}}]}}})json",
    R"json({"name":"v1.RuntimeSessionStatusChanged","args":{"sessionId":"python-python-local-8b6f0c2e-7d1a-4c55-9a0e-2f3b1c4d5e6f-1731600003000-k2j4h6g8f0a","status":"ready"}})json",
    R"json({"name":"v1.RuntimeSessionRenewal","args":{"sessionId":"python-python-local-8b6f0c2e-7d1a-4c55-9a0e-2f3b1c4d5e6f-1731600003000-k2j4h6g8f0a","renewedAt":"2024-11-14T16:00:18.003Z","validForMs":30000}})json",
    R"json({"name":"v1.RuntimeSessionTerminated","args":{"sessionId":"python-python-local-8b6f0c2e-7d1a-4c55-9a0e-2f3b1c4d5e6f-1731600003000-k2j4h6g8f0a","reason":"shutdown"}})json",
    R"json({"name":"v1.MarkdownOutputAdded","args":{"id":"c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f","cellId":"cell-1731600100000-p0o9i8u7y6t","position":0,"content":{"type":"inline","data":"Sure","metadata":{"anode":{"role":"assistant","ai_provider":"ollama","ai_model":"llama3.1","iteration":1}}}}})json",
    R"json({"name":"v2.MarkdownOutputAppended","args":{"id":"d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7a","outputId":"c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f","delta":"! Here is a plot of the data.","sequenceNumber":0}})json",
    R"json({"name":"v1.ToolApprovalRequested","args":{"toolCallId":"call_8XyZq1","cellId":"cell-1731600100000-p0o9i8u7y6t","toolName":"load_dataset","arguments":{"path":"data/sales.csv","limit":100},"requestedAt":"2024-11-14T16:01:02.117Z"}})json",
    R"json({"name":"v1.ToolApprovalResponded","args":{"toolCallId":"call_8XyZq1","status":"approved_once","approvedBy":"user_2f9a7c41","respondedAt":"2024-11-14T16:01:05.930Z"}})json",
    R"json({"name":"v1.AllExecutionsCancelled"})json",
};

TEST(Codec, ReencodesTypeScriptEventsByteForByte) {
  for (const char* line : kTypeScriptEncoded) EXPECT_EQ(roundtrip(line), line);
}

TEST(Codec, EncodesArgsStraightToTheSameText) {
  for (const char* line : kTypeScriptEncoded) {
    const Event event = decode_event(parse_json(line));
    const auto args = encode_args(event);
    const auto text = encode_args_text(event);
    ASSERT_EQ(text.has_value(), args.has_value()) << line;
    if (args) {
      EXPECT_EQ(*text, to_js_string(*args)) << line;
    }
  }
  // Values the TypeScript lines do not have: escapes, big and fractional numbers, unknown events.
  const Event unknown = events::Unknown{"v9.Future", Json::parse(R"({"b":1e300,"a":[0.1,-0]})")};
  EXPECT_EQ(encode_args_text(unknown), to_js_string(*encode_args(unknown)));
  EXPECT_EQ(encode_args_text(events::Unknown{"v9.Future", std::nullopt}), std::nullopt);
  const Event odd = decode_event(parse_json(
      R"({"name":"v1.CellSourceChanged","args":{"id":"\u0000\"\\\n\u2028é😀","source":"","modifiedBy":"x"}})"));
  EXPECT_EQ(encode_args_text(odd), to_js_string(*encode_args(odd)));
}

TEST(Codec, DecodesTypedValues) {
  const Event e = decode_event(parse_json(kTypeScriptEncoded[4]));  // ExecutionStarted
  const auto& started = std::get<events::ExecutionStarted>(e);
  EXPECT_EQ(started.queueId, "exec-1731600012345-q8w1z3");
  EXPECT_EQ(started.startedAt, *parse_iso("2024-11-14T16:00:12.401Z"));
  const Event d = decode_event(parse_json(kTypeScriptEncoded[7]));
  const auto& display = std::get<events::MultimediaDisplayOutputAdded>(d);
  ASSERT_EQ(display.representations.size(), 3u);
  EXPECT_EQ(display.representations[0].first, "image/png");
  EXPECT_EQ(std::get<ArtifactMedia>(display.representations[0].second).artifactId,
            "kX3m9QpL2vZa/9d2f6a1e-3b4c-4d5e-8f90-a1b2c3d4e5f6");
  EXPECT_FALSE(display.displayId.has_value());
}

TEST(Codec, EmitsKeysInDeclarationOrderAndDropsUnknownKeys) {
  EXPECT_EQ(roundtrip(R"({"name":"v2.CellCreated","args":{"createdBy":"u","cellType":"code","extra":1,"fractionalIndex":"m","id":"c"}})"),
            R"({"name":"v2.CellCreated","args":{"id":"c","fractionalIndex":"m","cellType":"code","createdBy":"u"}})");
  EXPECT_EQ(roundtrip(R"({"name":"v1.TerminalOutputAdded","args":{"id":"o","cellId":"c","position":1.0,"content":{"data":"x","type":"inline","junk":true},"streamName":"stderr"}})"),
            R"({"name":"v1.TerminalOutputAdded","args":{"id":"o","cellId":"c","position":1,"content":{"type":"inline","data":"x"},"streamName":"stderr"}})");
}

TEST(Codec, NormalizesDatesToToIsoString) {
  EXPECT_EQ(roundtrip(R"({"name":"v2.FileDeleted","args":{"fileName":"f","deletedAt":"2025-09-19T10:00:00Z"}})"),
            R"({"name":"v2.FileDeleted","args":{"fileName":"f","deletedAt":"2025-09-19T10:00:00.000Z"}})");
}

TEST(Codec, KeepsInlineDataAbsentNullAndPresentApart) {
  EXPECT_EQ(roundtrip(R"({"name":"v1.MarkdownOutputAdded","args":{"id":"o","cellId":"c","position":0,"content":{"type":"inline"}}})"),
            R"({"name":"v1.MarkdownOutputAdded","args":{"id":"o","cellId":"c","position":0,"content":{"type":"inline"}}})");
  EXPECT_EQ(roundtrip(R"({"name":"v1.MarkdownOutputAdded","args":{"id":"o","cellId":"c","position":0,"content":{"type":"inline","data":null}}})"),
            R"({"name":"v1.MarkdownOutputAdded","args":{"id":"o","cellId":"c","position":0,"content":{"type":"inline","data":null}}})");
}

TEST(Codec, VoidEventAcceptsAnyArgsAndEncodesWithoutThem) {
  for (const char* text : {R"({"name":"v1.AllExecutionsCancelled"})", R"({"name":"v1.AllExecutionsCancelled","args":null})",
                           R"({"name":"v1.AllExecutionsCancelled","args":{}})", R"({"name":"v1.AllExecutionsCancelled","args":[1]})"})
    EXPECT_EQ(roundtrip(text), R"({"name":"v1.AllExecutionsCancelled"})") << text;
}

TEST(Codec, UnknownEventsKeepTheirArgsVerbatim) {
  const char* text = R"({"name":"v9.FromTheFuture","args":{"z":1.50,"a":[null,{"k":"v"}]}})";
  const Event e = decode_event(parse_json(text));
  ASSERT_TRUE(std::holds_alternative<events::Unknown>(e));
  EXPECT_EQ(event_name(e), "v9.FromTheFuture");
  EXPECT_EQ(to_js_string(encode_event(e)), R"({"name":"v9.FromTheFuture","args":{"z":1.5,"a":[null,{"k":"v"}]}})");
  EXPECT_EQ(to_js_string(encode_event(decode_event(parse_json(R"({"name":"x.NoArgs"})")))), R"({"name":"x.NoArgs"})");
  EXPECT_FALSE(is_known_event_name("v9.FromTheFuture"));
}

TEST(Codec, KnowsExactlyTheFortySevenAnodeEvents) {
  const auto names = known_event_names();
  ASSERT_EQ(names.size(), 47u);
  EXPECT_EQ(names.front(), "v1.Debug");
  EXPECT_EQ(names.back(), "v1.ToolApprovalResponded");
  EXPECT_EQ(std::set<std::string_view>(names.begin(), names.end()).size(), 47u);
  for (auto name : names) EXPECT_TRUE(is_known_event_name(name));
  EXPECT_FALSE(is_known_event_name("uiStateSet"));  // client-only, never synced
  for (const char* near_miss : {"", "v", "v1.", "v3.CellCreated", "v2.CellCreatedX", "V2.CellCreated", "v2.CellCreate", "v2.CellCreatee"})
    EXPECT_FALSE(is_known_event_name(near_miss)) << near_miss;
}

struct BadArgs {
  const char* event;
  const char* message;
};

TEST(Codec, InvalidArgsNameTheEventAndTheField) {
  const BadArgs cases[] = {
      {R"({"name":"v1.ExecutionRequested","args":{"queueId":"q","cellId":"c","executionCount":1.5,"requestedBy":"u"}})",
       R"(v1.ExecutionRequested: field "executionCount": expected an integer, got 1.5)"},
      {R"({"name":"v1.ExecutionRequested","args":{"queueId":"q","cellId":"c","executionCount":"1","requestedBy":"u"}})",
       R"(v1.ExecutionRequested: field "executionCount": expected an integer, got the string "1")"},
      {R"({"name":"v2.CellCreated","args":{"id":"c","fractionalIndex":"m","cellType":"python","createdBy":"u"}})",
       R"(v2.CellCreated: field "cellType": expected one of "code" | "markdown" | "sql" | "ai" | "raw", got the string "python")"},
      {R"({"name":"v2.CellCreated","args":{"id":"c","cellType":"code","createdBy":"u"}})",
       R"(v2.CellCreated: field "fractionalIndex": missing)"},
      {R"({"name":"v1.CellDeleted","args":{"id":"c","actorId":null}})",
       R"(v1.CellDeleted: field "actorId": expected a string, got null)"},
      {R"({"name":"v1.CellSourceVisibilityToggled","args":{"id":"c","sourceVisible":1}})",
       R"(v1.CellSourceVisibilityToggled: field "sourceVisible": expected a boolean, got 1)"},
      {R"({"name":"v1.ExecutionStarted","args":{"queueId":"q","cellId":"c","runtimeSessionId":"s","startedAt":"yesterday"}})",
       R"(v1.ExecutionStarted: field "startedAt": expected an ISO-8601 date string, got the string "yesterday")"},
      {R"({"name":"v1.ExecutionStarted","args":{"queueId":"q","cellId":"c","runtimeSessionId":"s","startedAt":1731600012401}})",
       R"(v1.ExecutionStarted: field "startedAt": expected an ISO-8601 date string, got 1731600012401)"},
      {R"({"name":"v1.TerminalOutputAdded","args":{"id":"o","cellId":"c","position":0,"content":{"type":"blob"},"streamName":"stdout"}})",
       R"(v1.TerminalOutputAdded: field "content.type": expected "inline" or "artifact", got the string "blob")"},
      {R"({"name":"v1.TerminalOutputAdded","args":{"id":"o","cellId":"c","position":0,"content":{"type":"artifact"},"streamName":"stdout"}})",
       R"(v1.TerminalOutputAdded: field "content.artifactId": missing)"},
      {R"({"name":"v1.TerminalOutputAdded","args":{"id":"o","cellId":"c","position":0,"content":{"type":"inline","data":"x"},"streamName":"stdin"}})",
       R"(v1.TerminalOutputAdded: field "streamName": expected one of "stdout" | "stderr", got the string "stdin")"},
      {R"({"name":"v1.TerminalOutputAdded","args":{"id":"o","cellId":"c","position":"0","content":{"type":"inline","data":"x"},"streamName":"stdout"}})",
       R"(v1.TerminalOutputAdded: field "position": expected a number, got the string "0")"},
      {R"({"name":"v1.MultimediaResultOutputAdded","args":{"id":"o","cellId":"c","position":0,"representations":{"text/plain":{"type":"inline","data":"x","metadata":[]}},"executionCount":1}})",
       R"(v1.MultimediaResultOutputAdded: field "representations["text/plain"].metadata": expected an object, got an array)"},
      {R"({"name":"v1.MultipleExecutionRequested","args":{"requestedBy":"u","cellsInfo":[{"id":"c","executionCount":1,"queueId":"q"},{"id":"d","executionCount":2}]}})",
       R"(v1.MultipleExecutionRequested: field "cellsInfo[1].queueId": missing)"},
      {R"({"name":"v1.RuntimeSessionStarted","args":{"sessionId":"s","runtimeId":"r","runtimeType":"python3","capabilities":{"canExecuteCode":true,"canExecuteSql":false}}})",
       R"(v1.RuntimeSessionStarted: field "capabilities.canExecuteAi": missing)"},
      {R"({"name":"v1.RuntimeSessionStatusChanged","args":{"sessionId":"s","status":"terminated"}})",
       R"(v1.RuntimeSessionStatusChanged: field "status": expected one of "ready" | "busy" | "restarting", got the string "terminated")"},
      {R"({"name":"v1.ToolApprovalRequested","args":{"toolCallId":"t","cellId":"c","toolName":"n","arguments":"{}","requestedAt":"2024-11-14T16:00:00.000Z"}})",
       R"(v1.ToolApprovalRequested: field "arguments": expected an object, got the string "{}")"},
      {R"({"name":"v1.AiSettingsChanged","args":{"cellId":"c","provider":"p","model":"m","settings":{"temperature":"hot"}}})",
       R"(v1.AiSettingsChanged: field "settings.temperature": expected a number, got the string "hot")"},
      {R"({"name":"v2.MarkdownOutputAppended","args":{"id":"d","outputId":"o","delta":"x","sequenceNumber":1e300}})",
       R"(v2.MarkdownOutputAppended: field "sequenceNumber": expected an integer, got 1e+300)"},
      // Every field that lands in a STRICT integer column refuses fractions.
      {R"({"name":"v1.ExecutionCompleted","args":{"queueId":"q","cellId":"c","status":"success","completedAt":"2024-11-14T16:00:13.655Z","executionDurationMs":12.5}})",
       R"(v1.ExecutionCompleted: field "executionDurationMs": expected an integer, got 12.5)"},
      {R"({"name":"v1.MultimediaResultOutputAdded","args":{"id":"o","cellId":"c","position":0,"representations":{},"executionCount":0.5}})",
       R"(v1.MultimediaResultOutputAdded: field "executionCount": expected an integer, got 0.5)"},
      {R"({"name":"v2.TerminalOutputAppended","args":{"id":"d","outputId":"o","delta":"x","sequenceNumber":-0.25}})",
       R"(v2.TerminalOutputAppended: field "sequenceNumber": expected an integer, got -0.25)"},
      {R"({"name":"v1.MultipleExecutionRequested","args":{"requestedBy":"u","cellsInfo":[{"id":"c","executionCount":1.5,"queueId":"q"}]}})",
       R"(v1.MultipleExecutionRequested: field "cellsInfo[0].executionCount": expected an integer, got 1.5)"},
      // Every literal union refuses other strings.
      {R"({"name":"v1.RuntimeSessionTerminated","args":{"sessionId":"s","reason":"crashed"}})",
       R"(v1.RuntimeSessionTerminated: field "reason": expected one of "shutdown" | "restart" | "error" | "timeout" | "displaced", got the string "crashed")"},
      {R"({"name":"v1.ExecutionCompleted","args":{"queueId":"q","cellId":"c","status":"failed","completedAt":"2024-11-14T16:00:13.655Z","executionDurationMs":1}})",
       R"(v1.ExecutionCompleted: field "status": expected one of "success" | "error" | "cancelled", got the string "failed")"},
      {R"({"name":"v1.ActorProfileSet","args":{"id":"a","type":"bot","displayName":"B"}})",
       R"(v1.ActorProfileSet: field "type": expected one of "human" | "runtime_agent", got the string "bot")"},
      {R"({"name":"v1.ToolApprovalResponded","args":{"toolCallId":"t","status":"pending","approvedBy":"u","respondedAt":"2024-11-14T16:00:00.000Z"}})",
       R"(v1.ToolApprovalResponded: field "status": expected one of "approved_once" | "approved_always" | "denied", got the string "pending")"},
      {R"({"name":"v1.FileUploaded","args":{"artifactId":"a","mimeType":"","fileName":"f","createdAt":"+275760-09-13T00:00:00.001Z","createdBy":"u"}})",
       R"(v1.FileUploaded: field "createdAt": expected an ISO-8601 date string, got the string "+275760-09-13T00:00:00.001Z")"},
      {R"({"name":"v1.NotebookTitleChanged","args":"title"})",
       R"(v1.NotebookTitleChanged: args: expected an object, got the string "title")"},
      {R"({"name":"v1.NotebookTitleChanged"})", R"(v1.NotebookTitleChanged: args: missing)"},
      {R"({"args":{}})", R"(event: missing "name")"},
      {R"({"name":7,"args":{}})", R"(event: "name" must be a string, got 7)"},
      {R"([1,2])", R"(event: expected an event object, got an array)"},
  };
  EventDecoder decoder;
  for (const auto& c : cases) {
    try {
      decode_event(parse_json(c.event));
      ADD_FAILURE() << "decoded: " << c.event;
    } catch (const DecodeError& e) {
      EXPECT_EQ(std::string(e.what()), c.message);
    }
    try {
      decoder.decode_event(c.event);
      ADD_FAILURE() << "decoded from text: " << c.event;
    } catch (const DecodeError& e) {
      EXPECT_EQ(std::string(e.what()), c.message) << "text path";
    }
  }
}

TEST(EventDecoder, AgreesWithJsonParseOnEdgeCases) {
  // Duplicate keys: the last value wins, at the first key's position (JSON.parse semantics).
  EXPECT_EQ(roundtrip(R"({"name":"v1.NotebookTitleChanged","args":{"title":"a","title":"b"}})"),
            R"({"name":"v1.NotebookTitleChanged","args":{"title":"b"}})");
  EXPECT_EQ(roundtrip(R"({"name":"v1.TerminalOutputAdded","args":{"id":"o","cellId":"c","position":0,"content":{"type":"inline","data":{"k":1,"j":2,"k":3}},"streamName":"stdout"}})"),
            R"({"name":"v1.TerminalOutputAdded","args":{"id":"o","cellId":"c","position":0,"content":{"type":"inline","data":{"k":3,"j":2}},"streamName":"stdout"}})");
  EXPECT_EQ(roundtrip(R"({"name":"v1.MultimediaDisplayOutputUpdated","args":{"displayId":"d","representations":{"text/plain":{"type":"inline","data":"1"},"text/html":{"type":"inline","data":"2"},"text/plain":{"type":"inline","data":"3"}}}})"),
            R"({"name":"v1.MultimediaDisplayOutputUpdated","args":{"displayId":"d","representations":{"text/plain":{"type":"inline","data":"3"},"text/html":{"type":"inline","data":"2"}}}})");
  // Keys out of schema order, and a key repeated after the one that follows it in the schema.
  EXPECT_EQ(roundtrip(R"({"args":{"delta":"d","sequenceNumber":1,"outputId":"o","id":"i"},"name":"v2.TerminalOutputAppended"})"),
            R"({"name":"v2.TerminalOutputAppended","args":{"id":"i","outputId":"o","delta":"d","sequenceNumber":1}})");
  EXPECT_EQ(roundtrip(R"({"name":"v2.TerminalOutputAppended","args":{"id":"i","outputId":"o","id":"j","delta":"d","delta":"e","sequenceNumber":1,"outputId":"p"}})"),
            R"({"name":"v2.TerminalOutputAppended","args":{"id":"j","outputId":"p","delta":"e","sequenceNumber":1}})");
  // Integers beyond 64 bits are numbers to JavaScript (simdjson refuses them; the fallback takes them).
  EXPECT_EQ(roundtrip(R"({"name":"x.Big","args":{"n":123456789012345678901234567890}})"),
            R"({"name":"x.Big","args":{"n":1.2345678901234568e+29}})");
  EXPECT_EQ(roundtrip(R"({"name":"v1.NotebookTitleChanged","args":{"title":"\u00e9\ud83d\ude00"}})"),
            "{\"name\":\"v1.NotebookTitleChanged\",\"args\":{\"title\":\"\xc3\xa9\xf0\x9f\x98\x80\"}}");
}

TEST(EventDecoder, BothPathsRefuseTheSameNestingDepth) {
  EventDecoder decoder;
  const auto nested = [](int depth) { return std::string(static_cast<size_t>(depth), '[') + std::string(static_cast<size_t>(depth), ']'); };
  // At the limit the text is JSON (and not an event); one level deeper it is refused.
  EXPECT_THROW(decode_event(parse_json(nested(kMaxJsonDepth))), DecodeError);
  EXPECT_THROW(decoder.decode_event(nested(kMaxJsonDepth)), DecodeError);
  EXPECT_THROW(parse_json(nested(kMaxJsonDepth + 1)), JsonSyntaxError);
  EXPECT_THROW(decoder.decode_event(nested(kMaxJsonDepth + 1)), JsonSyntaxError);
  // Far deeper input must not exhaust the stack.
  EXPECT_THROW(decoder.decode_event(R"({"name":"v1.Debug","args":)" + nested(200000) + "}"), JsonSyntaxError);
  EXPECT_THROW(parse_json(nested(200000)), JsonSyntaxError);
}

TEST(EventDecoder, RefusesWhatJsonParseRefuses) {
  EventDecoder decoder;
  const std::string good = R"({"name":"v1.Debug","args":{"id":"x"}})";
  // A raw NUL is refused wherever it sits: the decoder relies on simdjson for that.
  const std::string nul(1, '\0');
  for (const std::string& bad : {"\xEF\xBB\xBF" + good, good + nul + "junk", good + nul, nul + good, good + " " + nul,
                                 std::string(R"({"name":"v1.Debug","args":{"id":"a)") + "\n" + R"(b"}})",
                                 std::string(R"({"name":"v1.Debug","args":{"id":"a)") + nul + R"(b"}})",
                                 std::string(R"({"name":"v1.Debug","args":{"id":)") + nul + R"("x"}})",
                                 std::string(R"({"name":"v1.Debug")") + nul + R"(,"args":{"id":"x"}})"}) {
    EXPECT_THROW(parse_json(bad), JsonSyntaxError);
    EXPECT_THROW(decoder.decode_event(bad), JsonSyntaxError);
  }
}

TEST(EventDecoder, NumbersBeyondDoubleRangeAreSyntaxErrorsOnBothPaths) {
  // JSON.parse reads 1e999 as Infinity, which JSON.stringify writes as null: runt refuses it
  // rather than store a number no JSON text can carry back (README, deliberate differences).
  EventDecoder decoder;
  for (const char* text : {R"({"name":"v1.TerminalOutputAdded","args":{"id":"o","cellId":"c","position":1e999,"content":{"type":"inline","data":"x"},"streamName":"stdout"}})",
                           R"({"name":"x.Unknown","args":{"n":-1e999}})"}) {
    EXPECT_THROW(parse_json(text), JsonSyntaxError) << text;
    EXPECT_THROW(decoder.decode_event(text), JsonSyntaxError) << text;
  }
}

TEST(EventDecoder, WideObjectsDecodeInLinearTime) {
  // A 200,000-key bundle (about 7 MB): quadratic key handling would take minutes here.
  std::string reps = "{";
  for (int i = 0; i < 200000; ++i) reps += (i ? "," : "") + std::string(R"("x/)") + std::to_string(i) + R"(":{"type":"inline","data":1})";
  reps += R"(,"x/7":{"type":"inline","data":"last"}})";  // a repeated key: last value, first position
  const std::string text = R"({"name":"v1.MultimediaDisplayOutputUpdated","args":{"displayId":"d","representations":)" + reps + "}}";
  EventDecoder decoder;
  const Event fast = decoder.decode_event(text);
  const Event slow = decode_event(parse_json(text));
  EXPECT_EQ(fast, slow);
  const auto& update = std::get<events::MultimediaDisplayOutputUpdated>(fast);
  ASSERT_EQ(update.representations.size(), 200000u);
  EXPECT_EQ(update.representations[7].first, "x/7");
  EXPECT_EQ(std::get<InlineMedia>(update.representations[7].second).data, Json("last"));
  EXPECT_EQ(encode_representations(update.representations).size(), 200000u);
}

TEST(EventDecoder, MalformedTextIsAJsonSyntaxError) {
  EventDecoder decoder;
  for (const char* bad : {"", "{", R"({"name":"v1.Debug","args":{"id":"x"})", "{\"name\":\"\xff\"}", "nul", "[1,]"})
    EXPECT_THROW(decoder.decode_event(bad), JsonSyntaxError) << bad;
  // The decoder is reusable after an error.
  EXPECT_EQ(event_name(decoder.decode_event(R"({"name":"v1.Debug","args":{"id":"x"}})")), "v1.Debug");
}

// What a server checks pushed events with: the name, and the args as the text they came in.
TEST(EventDecoder, DecodesArgsGivenAsTextExactlyAsAWholeEvent) {
  EventDecoder decoder;
  for (const char* line : kTypeScriptEncoded) {
    const Json j = parse_json(line);
    const auto args = j.contains("args") ? std::optional(to_js_string(j["args"])) : std::nullopt;
    EXPECT_EQ(decoder.decode_event(j["name"].get<std::string>(), args), decode_event(j)) << line;
  }
  EXPECT_EQ(decoder.decode_event("v1.Debug", R"({"id":"x","pad":"ignored"})"), Event(events::Debug{"x"}));
  EXPECT_EQ(decoder.decode_event("x.Later", std::nullopt), Event(events::Unknown{"x.Later", std::nullopt}));
  const std::vector<std::pair<std::optional<std::string>, std::string>> bad{
      {R"({"id":5,"fractionalIndex":"a","cellType":"code","createdBy":"u"})", R"(v2.CellCreated: field "id": expected a string, got 5)"},
      {R"({"id":"c","fractionalIndex":"a","cellType":"table","createdBy":"u"})",
       R"(v2.CellCreated: field "cellType": expected one of "code" | "markdown" | "sql" | "ai" | "raw", got the string "table")"},
      {"[]", "v2.CellCreated: args: expected an object, got an array"},
      {std::nullopt, "v2.CellCreated: args: missing"},
  };
  for (const auto& [args, message] : bad) {
    try {
      decoder.decode_event("v2.CellCreated", args);
      ADD_FAILURE() << "decoded: " << args.value_or("(no args)");
    } catch (const DecodeError& e) {
      EXPECT_EQ(std::string(e.what()), message);
    }
  }
  EXPECT_THROW(decoder.decode_event("v1.Debug", R"({"id":)"), JsonSyntaxError);
}

// The envelope's keys are read in one pass; what each problem reports, and which comes first,
// is the same from text as from a parsed value.
TEST(EventDecoder, EnvelopeProblemsMatchTheParsedValueDecoder) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"([1])", "event: expected an event object, got an array"},
      {R"({"args":{},"seqNum":1,"parentSeqNum":0,"clientId":"c","sessionId":"s"})", R"(event: missing "name")"},
      {R"({"name":7,"seqNum":1})", R"(event: "name" must be a string, got 7)"},
      // args are checked before the rest of the envelope
      {R"({"name":"v1.Debug","args":{"id":1}})", R"(v1.Debug: field "id": expected a string, got 1)"},
      {R"({"name":"v1.Debug","args":{"id":"d"},"parentSeqNum":0,"clientId":"c","sessionId":"s"})", R"(v1.Debug: missing "seqNum")"},
      {R"({"name":"v1.Debug","args":{"id":"d"},"seqNum":1,"parentSeqNum":0,"sessionId":"s"})", R"(v1.Debug: missing "clientId")"},
      {R"({"name":"v1.Debug","args":{"id":"d"},"seqNum":1.5,"parentSeqNum":0,"clientId":"c","sessionId":"s"})",
       R"(v1.Debug: "seqNum" expected an integer, got 1.5)"},
      {R"({"name":"v1.Debug","args":{"id":"d"},"seqNum":1,"parentSeqNum":0,"clientId":"c","sessionId":2})",
       R"(v1.Debug: "sessionId" expected a string, got 2)"},
      // a repeated key keeps its last value, as JSON.parse does
      {R"({"name":"v1.Debug","name":"v1.Nope","args":{"id":"d"},"seqNum":"x","parentSeqNum":0,"clientId":"c","sessionId":"s","seqNum":1})", ""},
  };
  EventDecoder decoder;
  for (const auto& [text, message] : cases) {
    std::string from_text, from_value;
    LoggedEvent a, b;
    try {
      a = decoder.decode_logged_event(text);
    } catch (const DecodeError& e) {
      from_text = e.what();
    }
    try {
      b = decode_logged_event(parse_json(text));
    } catch (const DecodeError& e) {
      from_value = e.what();
    }
    EXPECT_EQ(from_text, message) << text;
    EXPECT_EQ(from_value, message) << text;
    if (message.empty()) {
      EXPECT_EQ(a.event, b.event) << text;
      EXPECT_EQ(event_name(a.event), "v1.Nope");
      EXPECT_EQ(a.seqNum, 1);
    }
  }
}

// For readers that skip events whose args do not decode but still need their place in the log.
TEST(EventDecoder, DecodesTheEnvelopeAloneLeavingTheArgsAsTheyAre) {
  EventDecoder decoder;
  const LoggedEvent logged = decoder.decode_logged_envelope(
      R"({"name":"v2.CellCreated","args":{"id":5},"seqNum":7,"parentSeqNum":6,"clientId":"c","sessionId":"s"})");
  EXPECT_EQ(logged.event, Event(events::Unknown{"v2.CellCreated", parse_json(R"({"id":5})")}));
  EXPECT_EQ(logged.seqNum, 7);
  EXPECT_EQ(logged.parentSeqNum, 6);
  EXPECT_EQ(logged.clientId, "c");
  EXPECT_EQ(logged.sessionId, "s");
  EXPECT_THROW(decoder.decode_logged_event(R"({"name":"v2.CellCreated","args":{"id":5},"seqNum":7,"parentSeqNum":6,"clientId":"c","sessionId":"s"})"),
               DecodeError);
  try {
    decoder.decode_logged_envelope(R"({"name":"v2.CellCreated","args":{"id":5},"seqNum":7,"parentSeqNum":6,"clientId":"c"})");
    ADD_FAILURE();
  } catch (const DecodeError& e) {
    EXPECT_STREQ(e.what(), R"(v2.CellCreated: missing "sessionId")");
  }
}

TEST(Codec, AcceptsIntegralFloatsForIntegerFields) {
  // JavaScript cannot tell 3 from 3.0; both land in the integer column as 3.
  EXPECT_EQ(roundtrip(R"({"name":"v1.ExecutionRequested","args":{"queueId":"q","cellId":"c","executionCount":3.0,"requestedBy":"u"}})"),
            R"({"name":"v1.ExecutionRequested","args":{"queueId":"q","cellId":"c","executionCount":3,"requestedBy":"u"}})");
}

TEST(Codec, LoggedEventsCarryTheLiveStoreEnvelope) {
  const char* text = R"({"name":"v1.NotebookTitleChanged","args":{"title":"T"},"seqNum":42,"parentSeqNum":41,"clientId":"pS7RC","sessionId":"Km84y"})";
  const LoggedEvent logged = decode_logged_event(parse_json(text));
  EXPECT_EQ(logged.seqNum, 42);
  EXPECT_EQ(logged.parentSeqNum, 41);
  EXPECT_EQ(logged.clientId, "pS7RC");
  EXPECT_EQ(to_js_string(encode_logged_event(logged)), text);

  try {
    decode_logged_event(parse_json(R"({"name":"v1.NotebookTitleChanged","args":{"title":"T"},"seqNum":"42","parentSeqNum":41,"clientId":"c","sessionId":"s"})"));
    ADD_FAILURE();
  } catch (const DecodeError& e) {
    EXPECT_STREQ(e.what(), R"(v1.NotebookTitleChanged: "seqNum" expected an integer, got the string "42")");
  }
  try {
    decode_logged_event(parse_json(R"({"name":"v1.NotebookTitleChanged","args":{"title":"T"},"seqNum":42,"parentSeqNum":41,"clientId":"c"})"));
    ADD_FAILURE();
  } catch (const DecodeError& e) {
    EXPECT_STREQ(e.what(), R"(v1.NotebookTitleChanged: missing "sessionId")");
  }
}

}  // namespace
}  // namespace runt::schema
