#include "runt/schema/codec.hpp"
#include "runt/schema/materialize.hpp"
#include "runt/schema/queries.hpp"
#include "runt/schema/state_json.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

namespace runt::schema {
namespace {

Event ev(const std::string& json) { return decode_event(parse_json(json)); }

void run(State& s, std::initializer_list<std::string> events) {
  for (const auto& e : events) materialize(s, ev(e));
}

std::string terminal(const std::string& id, const std::string& cell, double position, const std::string& text) {
  return R"({"name":"v1.TerminalOutputAdded","args":{"id":")" + id + R"(","cellId":")" + cell +
         R"(","position":)" + js_number(position) + R"(,"content":{"type":"inline","data":")" + text +
         R"("},"streamName":"stdout"}})";
}
std::string display(const std::string& id, const std::string& cell, const std::string& display_id,
                    const std::string& text) {
  return R"({"name":"v1.MultimediaDisplayOutputAdded","args":{"id":")" + id + R"(","cellId":")" + cell +
         R"(","position":0,"representations":{"text/plain":{"type":"inline","data":")" + text +
         R"("}},"displayId":")" + display_id + R"("}})";
}
std::string clear(const std::string& cell, bool wait, const std::string& by = "runtime-r") {
  return R"({"name":"v1.CellOutputsCleared","args":{"cellId":")" + cell + R"(","wait":)" +
         (wait ? "true" : "false") + R"(,"clearedBy":")" + by + R"("}})";
}
std::string create(const std::string& id, const std::string& key, const std::string& by = "u") {
  return R"({"name":"v2.CellCreated","args":{"id":")" + id + R"(","fractionalIndex":")" + key +
         R"(","cellType":"code","createdBy":")" + by + R"("}})";
}

std::vector<std::string> output_ids(const State& s, const std::string& cell) {
  std::vector<std::string> ids;
  for (const auto& v : outputs_of_cell(s, cell)) ids.push_back(v.row->id);
  return ids;
}

TEST(Materialize, PendingClearWaitsForTheNextAddedOutput) {
  State s;
  run(s, {create("c", "m"), terminal("o1", "c", 0, "a"), clear("c", true)});
  EXPECT_EQ(output_ids(s, "c"), std::vector<std::string>{"o1"});  // nothing removed yet
  ASSERT_NE(s.pendingClears.find("c"), nullptr);

  // Appends, display updates and immediate clears of other cells leave it pending.
  run(s, {R"({"name":"v2.TerminalOutputAppended","args":{"id":"d1","outputId":"o1","delta":"+","sequenceNumber":0}})",
          R"({"name":"v1.MultimediaDisplayOutputUpdated","args":{"displayId":"x","representations":{}}})"});
  EXPECT_NE(s.pendingClears.find("c"), nullptr);

  run(s, {terminal("o2", "c", 1, "b")});
  EXPECT_EQ(output_ids(s, "c"), std::vector<std::string>{"o2"});
  EXPECT_EQ(s.pendingClears.find("c"), nullptr);
}

TEST(Materialize, ImmediateClearLeavesAPendingClearInPlace) {
  State s;
  run(s, {terminal("o1", "c", 0, "a"), clear("c", true), clear("c", false)});
  EXPECT_TRUE(output_ids(s, "c").empty());
  EXPECT_NE(s.pendingClears.find("c"), nullptr);  // it will wipe the cell's next output too
}

TEST(Materialize, DisplayIdUpdatesReachEveryCell) {
  State s;
  run(s, {display("d1", "a", "progress", "0%"), display("d2", "b", "progress", "10%"),
          R"({"name":"v1.MultimediaDisplayOutputUpdated","args":{"displayId":"progress","representations":{"text/html":{"type":"inline","data":"<b>100%</b>"},"text/plain":{"type":"inline","data":"100%"}}}})"});
  for (const char* id : {"d1", "d2"}) {
    const OutputRow* row = s.outputs.find(id);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->data, "<b>100%</b>") << id;  // text/html outranks text/plain
    EXPECT_EQ(row->mimeType, "text/html");
    EXPECT_EQ(row->representations->size(), 2u);
  }
  // d2's Added already updated d1 ("0%" -> "10%") before the explicit update.
}

TEST(Materialize, AddedWithAKnownDisplayIdUpdatesOldRowsAndInsertsANewOne) {
  State s;
  run(s, {display("d1", "a", "same", "first"), display("d2", "a", "same", "second")});
  EXPECT_EQ(output_ids(s, "a"), (std::vector<std::string>{"d1", "d2"}));
  EXPECT_EQ(s.outputs.find("d1")->data, "second");
  EXPECT_EQ(s.outputs.find("d2")->data, "second");
}

TEST(Materialize, AReusedOutputIdLeavesItsOldCellAndDisplayId) {
  State s;
  run(s, {display("o", "a", "progress", "0%"), terminal("o", "b", 0, "now a terminal row"),
          R"({"name":"v1.MultimediaDisplayOutputUpdated","args":{"displayId":"progress","representations":{"text/plain":{"type":"inline","data":"100%"}}}})",
          clear("a", false)});
  EXPECT_TRUE(output_ids(s, "a").empty());
  EXPECT_EQ(output_ids(s, "b"), std::vector<std::string>{"o"});
  const OutputRow* row = s.outputs.find("o");
  EXPECT_EQ(row->outputType, OutputType::terminal);
  EXPECT_EQ(row->data, "now a terminal row");  // the display update no longer reaches it
  EXPECT_EQ(row->displayId, std::nullopt);
}

TEST(Materialize, MultimediaDataIsFlattenedLikeJavaScriptString) {
  State s;
  run(s, {R"({"name":"v1.MultimediaResultOutputAdded","args":{"id":"r1","cellId":"c","position":0,"representations":{"application/json":{"type":"inline","data":{"a":1}}},"executionCount":1}})",
          R"({"name":"v1.MultimediaResultOutputAdded","args":{"id":"r2","cellId":"c","position":1,"representations":{"text/plain":{"type":"inline","data":false}},"executionCount":1}})",
          R"({"name":"v1.MultimediaResultOutputAdded","args":{"id":"r3","cellId":"c","position":2,"representations":{"text/plain":{"type":"inline","data":true}},"executionCount":1}})",
          R"({"name":"v1.MultimediaResultOutputAdded","args":{"id":"r4","cellId":"c","position":3,"representations":{"image/png":{"type":"artifact","artifactId":"nb/x"}},"executionCount":1}})",
          R"({"name":"v1.MultimediaResultOutputAdded","args":{"id":"r5","cellId":"c","position":4,"representations":{"text/markdown":{"type":"inline","data":"# only markdown"}},"executionCount":1}})"});
  EXPECT_EQ(s.outputs.find("r1")->data, "[object Object]");
  EXPECT_EQ(s.outputs.find("r1")->mimeType, "application/json");
  EXPECT_EQ(s.outputs.find("r2")->data, "");
  EXPECT_EQ(s.outputs.find("r3")->data, "true");
  EXPECT_EQ(s.outputs.find("r4")->data, "");
  EXPECT_EQ(s.outputs.find("r4")->mimeType, "image/png");
  // Results only look for html, png, jpeg, svg, json and plain text.
  EXPECT_EQ(s.outputs.find("r5")->data, "");
  EXPECT_EQ(s.outputs.find("r5")->mimeType, "text/plain");
}

TEST(Materialize, TerminalTextIsJavaScriptStringOfTheData) {
  State s;
  run(s, {R"({"name":"v1.TerminalOutputAdded","args":{"id":"t1","cellId":"c","position":0,"content":{"type":"inline"},"streamName":"stdout"}})",
          R"({"name":"v1.TerminalOutputAdded","args":{"id":"t2","cellId":"c","position":1,"content":{"type":"inline","data":null},"streamName":"stdout"}})",
          R"({"name":"v1.TerminalOutputAdded","args":{"id":"t3","cellId":"c","position":2,"content":{"type":"inline","data":0.5},"streamName":"stdout"}})",
          R"({"name":"v1.TerminalOutputAdded","args":{"id":"t4","cellId":"c","position":3,"content":{"type":"artifact","artifactId":"nb/log"},"streamName":"stderr"}})"});
  EXPECT_EQ(s.outputs.find("t1")->data, "undefined");
  EXPECT_EQ(s.outputs.find("t2")->data, "null");
  EXPECT_EQ(s.outputs.find("t3")->data, "0.5");
  EXPECT_EQ(s.outputs.find("t4")->data, std::nullopt);
  EXPECT_EQ(s.outputs.find("t4")->artifactId, "nb/log");
  EXPECT_EQ(s.outputs.find("t4")->streamName, "stderr");
}

TEST(Materialize, DuplicateDeltaIdFailsAndChangesNothing) {
  State s;
  run(s, {terminal("o", "c", 0, "x"),
          R"({"name":"v2.MarkdownOutputAppended","args":{"id":"d","outputId":"o","delta":"1","sequenceNumber":0}})"});
  const std::string before = to_js_string(state_to_json(s));
  EXPECT_THROW(materialize(s, ev(R"({"name":"v2.TerminalOutputAppended","args":{"id":"d","outputId":"o","delta":"2","sequenceNumber":1}})")),
               MaterializeError);
  EXPECT_EQ(to_js_string(state_to_json(s)), before);
  EXPECT_EQ(s.outputDeltas.size(), 1u);
}

TEST(Materialize, DuplicateDeltaIdIsNamedWhetherTheEventIsCopiedOrMoved) {
  State s;
  run(s, {terminal("o", "c", 0, "x"),
          R"({"name":"v2.MarkdownOutputAppended","args":{"id":"delta-with-a-heap-allocated-id","outputId":"o","delta":"1","sequenceNumber":0}})"});
  const Event duplicate = ev(R"({"name":"v2.TerminalOutputAppended","args":{"id":"delta-with-a-heap-allocated-id","outputId":"o","delta":"2","sequenceNumber":1}})");
  for (const bool moved : {false, true}) {
    Event event = duplicate;
    try {
      moved ? materialize(s, std::move(event)) : materialize(s, std::as_const(event));
      ADD_FAILURE() << "no MaterializeError, moved=" << moved;
    } catch (const MaterializeError& e) {
      EXPECT_NE(std::string(e.what()).find("\"delta-with-a-heap-allocated-id\""), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(s.outputDeltas.size(), 1u);
}

TEST(Materialize, DeltasApplyBySequenceNumberToTerminalAndMarkdownText) {
  // Deliberate difference: the anode web app shows deltas on markdown outputs only, so
  // v2.TerminalOutputAppended text never reaches its users. We never drop output text.
  State s;
  run(s, {terminal("o", "c", 0, "a"),
          R"({"name":"v2.TerminalOutputAppended","args":{"id":"d2","outputId":"o","delta":"c","sequenceNumber":2}})",
          R"({"name":"v2.TerminalOutputAppended","args":{"id":"d1","outputId":"o","delta":"b","sequenceNumber":1}})"});
  EXPECT_EQ(output_text(s, *s.outputs.find("o")), "abc");
  EXPECT_EQ(s.outputs.find("o")->data, "a");  // the column itself is untouched
}

TEST(Materialize, RenewalComputesExpiryFromTheEventAlone) {
  State s;
  run(s, {R"({"name":"v1.RuntimeSessionStarted","args":{"sessionId":"s","runtimeId":"r","runtimeType":"python3","capabilities":{"canExecuteCode":true,"canExecuteSql":false,"canExecuteAi":false}}})",
          R"({"name":"v1.RuntimeSessionRenewal","args":{"sessionId":"s","renewedAt":"2024-11-14T16:00:18.003Z","validForMs":1500.7}})"});
  const RuntimeSessionRow* row = s.runtimeSessions.find("s");
  EXPECT_EQ(format_iso(*row->expiresAt), "2024-11-14T16:00:19.503Z");  // truncated toward zero
  EXPECT_EQ(format_iso(*row->lastRenewedAt), "2024-11-14T16:00:18.003Z");
  EXPECT_EQ(row->status, RuntimeStatus::starting);

  const std::string before = to_js_string(state_to_json(s));
  EXPECT_THROW(materialize(s, ev(R"({"name":"v1.RuntimeSessionRenewal","args":{"sessionId":"s","renewedAt":"2024-11-14T16:00:18.003Z","validForMs":1e300}})")),
               MaterializeError);
  EXPECT_EQ(to_js_string(state_to_json(s)), before);
}

TEST(Materialize, SessionStartReplacesTheRow) {
  State s;
  const std::string start = R"({"name":"v1.RuntimeSessionStarted","args":{"sessionId":"s","runtimeId":"r","runtimeType":"python3","capabilities":{"canExecuteCode":true,"canExecuteSql":false,"canExecuteAi":true,"availableAiModels":[{"name":"m"}]}}})";
  run(s, {start, R"({"name":"v1.RuntimeSessionRenewal","args":{"sessionId":"s","renewedAt":"2024-11-14T16:00:18.003Z","validForMs":30000}})",
          R"({"name":"v1.RuntimeSessionTerminated","args":{"sessionId":"s","reason":"shutdown"}})"});
  EXPECT_FALSE(s.runtimeSessions.find("s")->isActive);
  EXPECT_TRUE(active_runtime_sessions(s).empty());
  run(s, {start});
  const RuntimeSessionRow* row = s.runtimeSessions.find("s");
  EXPECT_TRUE(row->isActive);
  EXPECT_EQ(row->status, RuntimeStatus::starting);
  EXPECT_FALSE(row->lastRenewedAt.has_value());
  EXPECT_EQ(to_js_string(row->availableAiModels), R"([{"name":"m"}])");
  ASSERT_EQ(active_runtime_sessions(s).size(), 1u);
}

TEST(Materialize, LegacyPositionsBecomeBase36Keys) {
  State s;
  const auto legacy = [&](const std::string& id, const std::string& position) {
    materialize(s, ev(R"({"name":"v1.CellCreated","args":{"id":")" + id + R"(","cellType":"code","position":)" + position + R"(,"createdBy":"u"}})"));
    return *s.cells.find(id)->fractionalIndex;
  };
  EXPECT_EQ(legacy("p0", "0"), "a0");
  EXPECT_EQ(legacy("p35", "35"), "az");
  EXPECT_EQ(legacy("p36", "36"), "a10");
  EXPECT_EQ(legacy("p37", "37.9"), "a11");
  EXPECT_EQ(legacy("pm", "1000000"), "alfls");
  EXPECT_EQ(legacy("pn", "-1"), "a-1");
  // node: (1e20).toString(36) and (2**60).toString(36)
  EXPECT_EQ(legacy("big", "1e20"), "al3r41ifs0p800");
  EXPECT_EQ(legacy("p60", "1152921504606846976"), "a8rc4kbdvss00");
}

TEST(Materialize, QueueFollowsTheLastEventWithoutGuards) {
  State s;
  run(s, {create("c", "m"),
          R"({"name":"v1.ExecutionRequested","args":{"queueId":"q","cellId":"c","executionCount":1,"requestedBy":"u"}})",
          R"({"name":"v1.ExecutionCompleted","args":{"queueId":"q","cellId":"c","status":"success","completedAt":"2024-11-14T16:00:13.655Z","executionDurationMs":5}})",
          R"({"name":"v1.ExecutionCancelled","args":{"queueId":"q","cellId":"c","cancelledBy":"u","reason":"late"}})"});
  EXPECT_EQ(s.executionQueue.find("q")->status, QueueStatus::cancelled);
  EXPECT_EQ(s.cells.find("c")->executionState, ExecutionState::idle);
  EXPECT_EQ(s.cells.find("c")->lastExecutionDurationMs, 5);
}

TEST(Materialize, StopAllCancelsOnlyUnfinishedWork) {
  State s;
  run(s, {create("a", "m"), create("b", "n"), create("c", "o"),
          R"({"name":"v1.MultipleExecutionRequested","args":{"requestedBy":"u","cellsInfo":[{"id":"a","executionCount":1,"queueId":"qa"},{"id":"b","executionCount":1,"queueId":"qb"},{"id":"c","executionCount":1,"queueId":"qc"}]}})",
          R"({"name":"v1.ExecutionCompleted","args":{"queueId":"qa","cellId":"a","status":"success","completedAt":"2024-11-14T16:00:13.655Z","executionDurationMs":5}})",
          R"({"name":"v1.ExecutionStarted","args":{"queueId":"qb","cellId":"b","runtimeSessionId":"s","startedAt":"2024-11-14T16:00:13.655Z"}})",
          R"({"name":"v1.AllExecutionsCancelled"})"});
  EXPECT_EQ(s.executionQueue.find("qa")->status, QueueStatus::completed);
  EXPECT_EQ(s.executionQueue.find("qb")->status, QueueStatus::cancelled);
  EXPECT_EQ(s.executionQueue.find("qc")->status, QueueStatus::cancelled);
  EXPECT_EQ(s.cells.find("a")->executionState, ExecutionState::completed);
  EXPECT_EQ(s.cells.find("b")->executionState, ExecutionState::idle);
  EXPECT_EQ(execution_queue(s, QueueStatus::cancelled).size(), 2u);
  EXPECT_TRUE(execution_queue(s, QueueStatus::pending).empty());
}

TEST(Materialize, DeletingACellDoesNotCascade) {
  State s;
  run(s, {create("c", "m"), terminal("o", "c", 0, "x"),
          R"({"name":"v1.ExecutionRequested","args":{"queueId":"q","cellId":"c","executionCount":1,"requestedBy":"u"}})",
          R"({"name":"v1.CellDeleted","args":{"id":"c"}})"});
  EXPECT_EQ(s.cells.find("c"), nullptr);
  EXPECT_NE(s.outputs.find("o"), nullptr);
  EXPECT_NE(s.executionQueue.find("q"), nullptr);
  EXPECT_EQ(state_to_json(s)["orphanOutputs"].size(), 1u);
}

TEST(Materialize, PresenceRules) {
  State s;
  run(s, {R"({"name":"v1.CellSourceChanged","args":{"id":"missing","source":"x","modifiedBy":"u1"}})",
          R"({"name":"v1.PresenceSet","args":{"userId":"u2","cellId":""}})",
          R"({"name":"v1.CellTypeChanged","args":{"id":"missing","cellType":"ai"}})",
          R"({"name":"v1.CellTypeChanged","args":{"id":"missing","cellType":"ai","actorId":""}})",
          R"({"name":"v1.ExecutionRequested","args":{"queueId":"q","cellId":"c9","executionCount":1,"requestedBy":"u3","actorId":"ai-assistant-1"}})",
          clear("c8", false, "")});
  EXPECT_EQ(s.presence.find("u1")->cellId, "missing");
  EXPECT_EQ(s.presence.find("u2")->cellId, std::nullopt);
  EXPECT_EQ(s.presence.find("ai-assistant-1")->cellId, "c9");
  EXPECT_EQ(s.presence.find("u3"), nullptr);
  EXPECT_EQ(s.presence.size(), 3u);
}

TEST(Materialize, UnknownEventsAreSkipped) {
  State s;
  run(s, {create("c", "m")});
  const std::string before = to_js_string(state_to_json(s));
  EXPECT_FALSE(materialize(s, ev(R"({"name":"v3.CellCreated","args":{"id":"x"}})")));
  EXPECT_EQ(to_js_string(state_to_json(s)), before);
}

TEST(Materialize, AMovedUnknownEventIsLeftUntouched) {
  State s;
  Event unknown = ev(R"({"name":"v3.CellCreated","args":{"id":"a-cell-id-longer-than-fifteen-bytes"}})");
  const Event copy = unknown;
  EXPECT_FALSE(materialize(s, std::move(unknown)));
  EXPECT_EQ(unknown, copy);  // `runt replay` still reads its name
}

TEST(Materialize, UiStateMergesClientSideOnly) {
  State s;
  set_ui_state(s, UiStateRow{.id = "session-1", .selectedCellId = "c1"});
  set_ui_state(s, UiStateRow{.id = "session-1", .editingCellId = "c2"});
  set_ui_state(s, UiStateRow{.id = "session-2", .runtimeStatus = "busy"});
  const UiStateRow* one = s.uiState.find("session-1");
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(one->selectedCellId, "c1");
  EXPECT_EQ(one->editingCellId, "c2");
  EXPECT_EQ(one->runtimeStatus, std::nullopt);
  EXPECT_EQ(s.uiState.find("session-2")->runtimeStatus, "busy");
  // A synced log can never change it.
  EXPECT_FALSE(materialize(s, ev(R"({"name":"uiStateSet","args":{"id":"session-1","value":{}}})")));
  EXPECT_EQ(s.uiState.size(), 2u);
}

TEST(Queries, CellsByKeyThenId) {
  State s;
  // Deliberate difference: anode promises the id tie-break but returns ties in row order.
  run(s, {create("b", "m"), create("a", "m"), create("z", "a0"), create("e", ""), create("y", "mh")});
  std::vector<std::string> ids;
  for (const auto* c : cells_in_order(s)) ids.push_back(c->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"e", "z", "a", "b", "y"}));
}

TEST(Queries, OutputsByPositionThenInsertion) {
  State s;
  run(s, {terminal("o1", "c", 1, "a"), terminal("o2", "c", 0.5, "b"), terminal("o3", "c", 1, "c"),
          terminal("o1", "c", 1, "again")});  // replaced: a new row, after o3
  EXPECT_EQ(output_ids(s, "c"), (std::vector<std::string>{"o2", "o3", "o1"}));
  EXPECT_EQ(s.outputs.find("o1")->data, "again");
}

// The sync client copies its confirmed state to apply pending events on top: a copy must not
// share the output indexes with its source.
TEST(Materialize, ACopiedStateHasItsOwnOutputIndexes) {
  State original;
  run(original, {display("d1", "a", "progress", "0%"), terminal("o1", "a", 1, "x")});
  State copy = original;
  run(copy, {R"({"name":"v1.MultimediaDisplayOutputUpdated","args":{"displayId":"progress","representations":{"text/plain":{"type":"inline","data":"copy"}}}})",
             clear("a", false)});
  EXPECT_EQ(original.outputs.find("d1")->data, "0%");
  EXPECT_EQ(output_ids(original, "a"), (std::vector<std::string>{"d1", "o1"}));
  EXPECT_TRUE(output_ids(copy, "a").empty());
  original = copy;
  run(original, {display("d2", "b", "progress", "1")});
  EXPECT_EQ(output_ids(original, "b"), (std::vector<std::string>{"d2"}));
  EXPECT_EQ(copy.outputs.find("d2"), nullptr);
}

}  // namespace
}  // namespace runt::schema
