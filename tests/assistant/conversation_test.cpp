// What the model is told, built from a materialized notebook alone; tool-call cards read back;
// the streamed answer's coalescing. No server, no provider: pure functions over state.

#include "runt/assistant/answer_stream.hpp"
#include "runt/assistant/conversation.hpp"
#include "runt/assistant/tool_outputs.hpp"
#include "runt/schema/materialize.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace runt::assistant {
namespace {

namespace events = schema::events;
using ai::Role;
using schema::Json;

schema::MediaRepresentation text(const std::string& t, std::optional<Json> metadata = std::nullopt) {
  return schema::InlineMedia{Json(t), metadata ? std::optional<schema::Object>(schema::Object{*metadata}) : std::nullopt};
}

class Notebook {
 public:
  void apply(schema::Event e) { ASSERT_TRUE(schema::materialize(state, std::move(e))); }
  void cell(const std::string& id, const std::string& key, schema::CellType type, const std::string& source) {
    apply(events::CellCreatedV2{id, key, type, "u"});
    apply(events::CellSourceChanged{id, source, "u"});
  }
  void stream(const std::string& cell, const std::string& t) {
    apply(events::TerminalOutputAdded{"o" + std::to_string(++n), cell, static_cast<double>(n), text(t), schema::StreamName::stdout_});
  }
  void display(const std::string& cell, schema::Representations reps) {
    apply(events::MultimediaDisplayOutputAdded{"o" + std::to_string(++n), cell, static_cast<double>(n), std::move(reps), std::nullopt});
  }
  std::string answer(const std::string& cell, const std::string& first, int iteration) {
    const std::string id = "o" + std::to_string(++n);
    apply(events::MarkdownOutputAdded{id, cell, static_cast<double>(n),
                                      text(first, Json{{"anode", {{"role", "assistant"}, {"iteration", iteration}}}})});
    return id;
  }
  schema::State state;
  int n = 0;
};

TEST(Conversation, TellsTheModelTheCellsAboveThatItMaySee) {
  Notebook nb;
  nb.cell("md", "b", schema::CellType::markdown, "# Data");
  nb.cell("code", "c", schema::CellType::code, "print(1)");
  nb.stream("code", "\x1b[31mred\x1b[0m\n");
  nb.stream("code", std::string(10000, 'x'));
  nb.apply(events::ErrorOutputAdded{"err", "code", 50, schema::InlineMedia{Json{{"ename", "ValueError"}, {"evalue", "bad"}, {"traceback", Json::array()}}, std::nullopt}});
  nb.display("code", {{"image/png", text("iVBOR")}, {"text/plain", text("<Figure>")}});
  nb.cell("hidden", "d", schema::CellType::code, "secret = 1");
  nb.apply(events::CellAiContextVisibilityToggled{"hidden", false, std::nullopt});
  nb.cell("raw", "e", schema::CellType::raw, "raw text");
  nb.cell("ai", "f", schema::CellType::ai, "What went wrong?");
  nb.cell("below", "g", schema::CellType::code, "after = 1");
  nb.cell("first", "a", schema::CellType::code, "x = 0");  // made last, but first by its key

  const auto m = build_conversation(nb.state, "ai");
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(m[0].role, Role::system);
  EXPECT_NE(m[0].content.find("Your current cell ID is ai"), std::string::npos);
  EXPECT_EQ(m[1].content, "Notebook code cell first:\n```python\nx = 0\n```");
  EXPECT_EQ(m[2].content, "Notebook markdown cell md:\n# Data");
  const std::string& code = m[3].content;
  EXPECT_TRUE(code.starts_with("Notebook code cell code:\n```python\nprint(1)\n```\nOutput:\n```\nred\n")) << code;
  EXPECT_NE(code.find("characters omitted"), std::string::npos);  // 10,000 x's cut
  EXPECT_LT(code.size(), 6000u);
  EXPECT_NE(code.find("Error: ValueError: bad"), std::string::npos);
  EXPECT_NE(code.find("**Visual Content:** image/png"), std::string::npos);
  EXPECT_EQ(m[4].role, Role::user);
  EXPECT_EQ(m[4].content, "What went wrong?");
  EXPECT_TRUE(build_conversation(nb.state, "gone").empty());
}

TEST(Conversation, RebuildsAnEarlierAiCellsWholeConversation) {
  Notebook nb;
  nb.cell("ai-1", "a", schema::CellType::ai, "Make a cell");
  const std::string answer = nb.answer("ai-1", "I'll ", 1);
  nb.apply(events::MarkdownOutputAppendedV2{"d1", answer, "make it.", 0});
  const ToolCallRecord ok{{"call-1", "create_cell", R"({"source":"1","after_id":"ai-1"})"}, true, "Created code cell: c1", 1, "t"};
  const ToolCallRecord bad{{"call-2", "modify_cell", R"({"cellId": )"}, false, "the arguments are not valid JSON", 1, "t"};
  const ToolCallRecord cut{{"call-3", "execute_cell", R"({"cellId":"c1"})"}, true, "", 2, "t"};
  nb.display("ai-1", tool_call_card(ok));
  nb.display("ai-1", tool_result_card(ok));
  nb.display("ai-1", tool_call_card(bad));
  nb.answer("ai-1", "Now I run it.", 2);
  nb.display("ai-1", tool_call_card(cut));  // interrupted before its result
  nb.cell("ai-2", "b", schema::CellType::ai, "And now?");

  const auto m = build_conversation(nb.state, "ai-2");
  std::vector<Role> roles;
  for (const auto& x : m) roles.push_back(x.role);
  EXPECT_EQ(roles, (std::vector<Role>{Role::system, Role::user, Role::assistant, Role::tool, Role::tool, Role::assistant, Role::tool, Role::user}));
  EXPECT_EQ(m[1].content, "Make a cell");
  EXPECT_EQ(m[2].content, "I'll make it.");  // the streamed deltas, whole
  ASSERT_EQ(m[2].tool_calls.size(), 2u);
  EXPECT_EQ(m[2].tool_calls[0], ok.call);
  EXPECT_EQ(m[2].tool_calls[1].arguments, R"({"cellId": )");  // as the model wrote it
  EXPECT_EQ(m[3].tool_call_id, "call-1");
  EXPECT_EQ(m[3].content, "Created code cell: c1");
  EXPECT_EQ(m[4].content, "Error: the arguments are not valid JSON");
  EXPECT_EQ(m[5].content, "Now I run it.");
  EXPECT_EQ(m[5].tool_calls[0].id, "call-3");
  EXPECT_EQ(m[6].content, "Error: the tool call did not finish (interrupted)");  // every call is answered
  EXPECT_EQ(m[7].content, "And now?");
}

TEST(ToolCards, ReadBackWhatTheyWrite) {
  const ToolCallRecord r{{"c", "create_cell", R"x({"source":"print(1)","after_id":"x"})x"}, true, "Created", 3, "2026-01-01T00:00:00.000Z"};
  const auto reps = tool_call_card(r);
  EXPECT_EQ(reps[0].first, tool_call_mime);
  EXPECT_EQ(reps[1].first, "text/markdown");
  EXPECT_EQ(reps[2].first, "text/plain");
  const auto card = read_tool_call_card(reps);
  ASSERT_TRUE(card);
  EXPECT_EQ(card->call, r.call);
  EXPECT_EQ(card->iteration, 3);
  EXPECT_TRUE(card->ok);
  EXPECT_EQ(read_tool_result_card(tool_result_card(r))->result, "Created");
  EXPECT_FALSE(read_tool_call_card({{"text/plain", text("hi")}}));
  EXPECT_EQ(truncate_middle("abcdefghij", 100), "abcdefghij");
  EXPECT_NE(truncate_middle(std::string(1000, 'a'), 90).find("[… 910 characters omitted …]"), std::string::npos);
}

TEST(AnswerStream, ShowsTheFirstTextAtOnceAndCoalescesTheRest) {
  std::vector<schema::Event> committed;
  int ids = 0;
  agent::ExecutionContext context({"q", "ai", "", 1, schema::CellType::ai}, "rt", [&](schema::Event e) { committed.push_back(std::move(e)); },
                                  [&] { return "id" + std::to_string(++ids); });
  AnswerStream answer(context, {"openai", "gpt-4o"}, std::chrono::milliseconds(60000));
  answer.text(1, "Hel");
  ASSERT_EQ(committed.size(), 1u);  // the first token, at once
  const auto added = std::get<events::MarkdownOutputAdded>(committed[0]);  // copies: `committed` grows
  const auto metadata = std::get<schema::InlineMedia>(added.content).metadata->value;
  EXPECT_EQ(metadata["anode"]["role"], "assistant");
  EXPECT_EQ(metadata["anode"]["ai_model"], "gpt-4o");
  EXPECT_EQ(metadata["anode"]["iteration"], 1);
  for (int i = 0; i < 1000; ++i) answer.text(1, "lo");
  EXPECT_EQ(committed.size(), 1u);  // within the window: waiting
  answer.flush();
  ASSERT_EQ(committed.size(), 2u);
  const auto delta = std::get<events::MarkdownOutputAppendedV2>(committed[1]);
  EXPECT_EQ(delta.outputId, added.id);
  EXPECT_EQ(delta.delta.size(), 2000u);
  EXPECT_EQ(delta.sequenceNumber, 0);
  answer.text(2, "Next");  // a new model call: a new output
  ASSERT_EQ(committed.size(), 3u);
  EXPECT_NE(std::get<events::MarkdownOutputAdded>(committed[2]).id, added.id);

  AnswerStream quick(context, {"openai", "gpt-4o"}, std::chrono::milliseconds(0));
  quick.text(1, "a");
  quick.text(1, "b");
  quick.text(1, "c");
  EXPECT_EQ(quick.events(), 3u);  // no window: every piece goes out
}

}  // namespace
}  // namespace runt::assistant
