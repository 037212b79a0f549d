// The view model without a terminal: keys in, schema events out, applied to a real state.

#include "runt/tui/notebook_view.hpp"

#include "runt/schema/materialize.hpp"
#include "runt/schema/queries.hpp"

#include <gtest/gtest.h>

namespace runt::tui {
namespace {

namespace events = schema::events;
using N = Key::Name;

class ViewTest : public testing::Test {
 protected:
  ViewTest() : view_(ViewOptions{"tui-user", false, [this] { return std::to_string(++ids_); }, [] { return 0.999; }}) {}
  void apply(schema::Event e) { ASSERT_TRUE(schema::materialize(state_, std::move(e))); }
  void cell(const std::string& id, const std::string& key, const std::string& source = "", schema::CellType type = schema::CellType::code) {
    apply(events::CellCreatedV2{id, key, type, "other"});
    if (!source.empty()) apply(events::CellSourceChanged{id, source, "other"});
  }
  // Presses keys (each a character, or a named key) and applies what they commit.
  KeyOutcome press(const Key& key) {
    now_ += 10;
    KeyOutcome out = view_.press(key, state_, now_);
    for (auto& e : out.commits) apply(e);
    view_.reconcile(state_);
    return out;
  }
  void type(const std::string& keys) {
    for (char c : keys) press(Key::character(std::string(1, c)));
  }
  std::vector<std::string> order() const {
    std::vector<std::string> ids;
    for (const auto* c : schema::cells_in_order(state_)) ids.push_back(c->id);
    return ids;
  }
  schema::State state_;
  NotebookView view_;
  int ids_ = 0;
  std::int64_t now_ = 1000;
};

TEST_F(ViewTest, NavigatesLikeVim) {
  cell("a", "a");
  cell("b", "b");
  cell("c", "c");
  view_.reconcile(state_);
  EXPECT_EQ(view_.selected(), "a");
  type("j");
  EXPECT_EQ(view_.selected(), "b");
  press(Key::named(N::down));
  EXPECT_EQ(view_.selected(), "c");
  type("j");
  EXPECT_EQ(view_.selected(), "c");  // stays at the end
  type("gg");
  EXPECT_EQ(view_.selected(), "a");
  type("G");
  EXPECT_EQ(view_.selected(), "c");
  type("k");
  EXPECT_EQ(view_.selected(), "b");
}

TEST_F(ViewTest, EditsSavesAndRunsThroughSchemaEvents) {
  cell("a", "a", "x = 1");
  view_.reconcile(state_);
  press(Key::named(N::enter));
  ASSERT_EQ(view_.mode(), Mode::edit);
  press(Key::named(N::backspace));
  type("2");
  EXPECT_EQ(state_.cells.find("a")->source, "x = 2");  // typing is seen live
  press(Key::named(N::escape));
  EXPECT_EQ(view_.mode(), Mode::command);
  EXPECT_EQ(state_.cells.find("a")->source, "x = 2");
  // Ctrl+C drops an edit.
  type("i");
  type("zzz");
  EXPECT_EQ(state_.cells.find("a")->source, "x = 2zzz");
  press(Key::control('c'));
  EXPECT_EQ(state_.cells.find("a")->source, "x = 2");  // put back
  // Ctrl+E saves and runs in place.
  type("i");
  press(Key::named(N::enter));
  type("print(6*7)");
  const auto out = press(Key::control('e'));
  EXPECT_EQ(state_.cells.find("a")->source, "x = 2\nprint(6*7)");
  ASSERT_EQ(schema::execution_queue(state_).size(), 1u);
  EXPECT_EQ(schema::execution_queue(state_)[0]->requestedBy, "tui-user");
  EXPECT_EQ(view_.selected(), "a");
}

TEST_F(ViewTest, RunsAndAddsCellsWithFractionalIndexes) {
  cell("a", "a", "1");
  cell("z", "z", "2");
  view_.reconcile(state_);
  type("r");  // run, then a new code cell below, selected
  EXPECT_EQ(schema::execution_queue(state_).size(), 1u);
  auto ids = order();
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0], "a");
  EXPECT_EQ(ids[2], "z");
  EXPECT_EQ(view_.selected(), ids[1]);
  EXPECT_EQ(state_.cells.find(ids[1])->createdBy, "tui-user");
  type("k");
  type("R");  // the original's defect fixed: runs in place, adds nothing
  EXPECT_EQ(order().size(), 3u);
  EXPECT_EQ(schema::execution_queue(state_).size(), 2u);
  EXPECT_EQ(view_.selected(), "a");
  type("a");  // above, selection unchanged
  EXPECT_EQ(order().size(), 4u);
  EXPECT_EQ(order()[1], "a");
  EXPECT_EQ(view_.selected(), "a");
  type("b");  // at the end
  EXPECT_EQ(order().back(), view_.selected());
}

TEST_F(ViewTest, DeletesMovesCyclesAndInterrupts) {
  cell("a", "a");
  cell("b", "b");
  cell("c", "c");
  view_.reconcile(state_);
  type("j");
  type("dd");
  EXPECT_EQ(order(), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(view_.selected(), "c");
  type("d");
  now_ += 5000;  // too late for the second d
  type("d");
  EXPECT_EQ(order().size(), 2u);
  type("K");  // c moves above a
  EXPECT_EQ(order(), (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(view_.selected(), "c");
  type("J");
  EXPECT_EQ(order(), (std::vector<std::string>{"a", "c"}));
  type("C");
  EXPECT_EQ(state_.cells.find("c")->cellType, schema::CellType::markdown);
  type("C");
  EXPECT_EQ(state_.cells.find("c")->cellType, schema::CellType::ai);
  apply(events::CellTypeChanged{"c", schema::CellType::code, std::nullopt});
  apply(events::ExecutionRequested{"q1", "c", 1, "other", std::nullopt});
  type("x");
  EXPECT_EQ(state_.executionQueue.find("q1")->status, schema::QueueStatus::cancelled);
}

TEST_F(ViewTest, OthersEditsNeverMoveTheSelection) {
  cell("a", "a");
  cell("b", "b");
  view_.reconcile(state_);
  type("j");
  cell("0", "0");  // someone adds a cell at the top
  view_.reconcile(state_);
  EXPECT_EQ(view_.selected(), "b");
  apply(events::CellDeleted{"b", std::nullopt});  // and deletes ours
  view_.reconcile(state_);
  EXPECT_FALSE(view_.selected().empty());
}

TEST_F(ViewTest, SearchCommandLineAndQuit) {
  cell("a", "a", "import numpy");
  cell("b", "b", "plot(x)");
  cell("c", "c", "plot(y)");
  view_.reconcile(state_);
  type("/plot");
  EXPECT_EQ(view_.mode(), Mode::search);
  press(Key::named(N::enter));
  EXPECT_EQ(view_.selected(), "b");
  type("n");
  EXPECT_EQ(view_.selected(), "c");
  type(":wat");
  press(Key::named(N::enter));
  EXPECT_NE(view_.status().find("unknown command"), std::string::npos);
  type(":q");
  EXPECT_TRUE(press(Key::named(N::enter)).quit);
  EXPECT_FALSE(press(Key::control('c')).quit);
  EXPECT_NE(view_.status().find("again"), std::string::npos);
  EXPECT_TRUE(press(Key::control('c')).quit);
}

TEST_F(ViewTest, ApprovalsAreAnsweredWithKeys) {
  cell("ai", "a", "use a tool", schema::CellType::ai);
  view_.reconcile(state_);
  apply(events::ToolApprovalRequested{"call-1", "ai", "mcp__everything__echo", schema::Object{}, schema::Timestamp{1}});
  type("y");
  EXPECT_EQ(state_.toolApprovals.find("call-1")->status, schema::ApprovalStatus::approved_once);
  EXPECT_EQ(state_.toolApprovals.find("call-1")->approvedBy, "tui-user");
  apply(events::ToolApprovalRequested{"call-2", "ai", "mcp__everything__echo", schema::Object{}, schema::Timestamp{2}});
  type("n");
  EXPECT_EQ(state_.toolApprovals.find("call-2")->status, schema::ApprovalStatus::denied);
  apply(events::ToolApprovalRequested{"call-3", "ai", "mcp__everything__echo", schema::Object{}, schema::Timestamp{3}});
  type("A");
  EXPECT_EQ(state_.toolApprovals.find("call-3")->status, schema::ApprovalStatus::approved_always);
  EXPECT_EQ(order().size(), 1u);  // A answered; it made no cell
}

TEST_F(ViewTest, AReaderIsToldAndNothingIsCommitted) {
  NotebookView reader(ViewOptions{"reader", true, [] { return std::string("x"); }, [] { return 0.5; }});
  cell("a", "a", "1");
  reader.reconcile(state_);
  for (const char* k : {"r", "R", "a", "b", "i", "C", "J"}) {
    const auto out = reader.press(Key::character(k), state_, 1);
    EXPECT_TRUE(out.commits.empty()) << k;
    EXPECT_EQ(reader.mode(), Mode::command);
  }
  EXPECT_NE(reader.status().find("read-only"), std::string::npos);
}

TEST_F(ViewTest, KeepsTheSelectedCellInView) {
  view_.keep_in_view(50, 55, 20);
  EXPECT_EQ(view_.scroll(), 36);
  view_.keep_in_view(10, 12, 20);
  EXPECT_EQ(view_.scroll(), 10);
  view_.keep_in_view(10, 100, 20);  // taller than the screen: its top
  EXPECT_EQ(view_.scroll(), 10);
}

}  // namespace
}  // namespace runt::tui

#include "runt/tui/notebook_picker.hpp"

namespace runt::tui {
namespace {

TEST(NotebookPicker, OpensCreatesOrLeaves) {
  NotebookPicker picker({{"nb-1", "First", "owner"}, {"nb-2", "", "reader"}});
  EXPECT_FALSE(picker.press(Key::character("j")));
  const auto open = picker.press(Key::named(Key::Name::enter));
  ASSERT_TRUE(open);
  EXPECT_EQ(open->kind, PickerChoice::Kind::open);
  EXPECT_EQ(open->notebook_id, "nb-2");
  EXPECT_EQ(picker.press(Key::character("n"))->kind, PickerChoice::Kind::create);
  EXPECT_EQ(picker.press(Key::character("q"))->kind, PickerChoice::Kind::quit);
  const Lines lines = picker.lines(60, 10);
  ASSERT_EQ(lines.size(), 10u);
  EXPECT_NE(lines[2].text().find("First"), std::string::npos);
  EXPECT_NE(lines[3].text().find("Untitled  nb-2  reader"), std::string::npos);
  EXPECT_EQ(NotebookPicker({}).press(Key::named(Key::Name::enter)), std::nullopt);
}

}  // namespace
}  // namespace runt::tui
