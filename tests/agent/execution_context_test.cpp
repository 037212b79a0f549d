// ExecutionContext and results with a display id: an update adds the result again in place
// (anode can only update display rows), across the executions that share a ResultDisplays, and
// never wipes a cell through its pending clear_output(wait=True) nor brings back a cleared result.
// The committed events are materialized as anode would, and exported as `runt execute` writes them.

#include "runt/agent/execution_context.hpp"
#include "runt/ipynb/ipynb.hpp"
#include "runt/schema/codec.hpp"
#include "runt/schema/materialize.hpp"
#include "runt/schema/queries.hpp"

#include <gtest/gtest.h>

namespace runt::agent {
namespace {

namespace events = schema::events;

schema::Representations text(const std::string& value) { return {{"text/plain", schema::InlineMedia{schema::Json(value), std::nullopt}}}; }

class ExecutionContextTest : public testing::Test {
 protected:
  std::vector<schema::Event> committed;
  schema::State state;
  int ids = 0;
  std::shared_ptr<ResultDisplays> displays = std::make_shared<ResultDisplays>();

  // One execution of `cell`, sharing the session's registry unless told otherwise.
  std::unique_ptr<ExecutionContext> run(const std::string& cell, std::int64_t count, bool shared = true) {
    auto context = std::make_unique<ExecutionContext>(
        Execution{"queue-" + std::to_string(count), cell, "", count}, "rt",
        [this](schema::Event e) {
          schema::materialize(state, e);
          committed.push_back(std::move(e));
        },
        [this] { return "out-" + std::to_string(++ids); }, Artifacts{}, shared ? displays : nullptr);
    context->clear(ClearTiming::now);  // as the agent does before each execution
    return context;
  }

  std::vector<std::string> names_since(std::size_t from) const {
    std::vector<std::string> out;
    for (std::size_t i = from; i < committed.size(); ++i) out.emplace_back(schema::event_name(committed[i]));
    return out;
  }

  // The cell's outputs as `runt execute` writes them: output_type, text/plain, execution_count.
  std::vector<std::string> outputs(const std::string& cell) const {
    std::vector<std::string> out;
    for (const auto& o : ipynb::outputs_of(state, cell)) {
      std::string line = o["output_type"].get<std::string>();
      if (o.contains("data")) line += " " + o["data"].value("text/plain", "");
      if (o.contains("text")) line += " " + o["text"].get<std::string>();
      if (o.contains("execution_count")) line += " [" + o["execution_count"].dump() + "]";
      out.push_back(line);
    }
    return out;
  }
};

TEST_F(ExecutionContextTest, AnUpdateAddsTheResultAgainInItsPlace) {
  auto a = run("a", 5);
  a->display(text("above"));
  a->result(text("9"), "r");
  a->display(text("below"));
  const auto from = committed.size();
  a->update_display("r", text("10"));
  ASSERT_EQ(names_since(from), (std::vector<std::string>{"v1.MultimediaDisplayOutputUpdated", "v1.MultimediaResultOutputAdded"}));
  const auto& again = std::get<events::MultimediaResultOutputAdded>(committed.back());
  EXPECT_EQ(again.id, "out-2");
  EXPECT_EQ(again.position, 1);
  EXPECT_EQ(again.executionCount, 5);
  EXPECT_EQ(outputs("a"), (std::vector<std::string>{"display_data above", "execute_result 10 [5]", "display_data below"}));
}

TEST_F(ExecutionContextTest, ALaterExecutionUpdatesTheResultWhenTheRegistryIsShared) {
  run("a", 1)->result(text("9"), "r");
  run("b", 2)->update_display("r", text("10"));
  EXPECT_EQ(outputs("a"), std::vector<std::string>{"execute_result 10 [1]"});
  EXPECT_TRUE(outputs("b").empty());

  run("c", 3, false)->update_display("r", text("11"));  // its own registry: it knows no result
  EXPECT_EQ(outputs("a"), std::vector<std::string>{"execute_result 10 [1]"});
  EXPECT_EQ(schema::event_name(committed.back()), "v1.MultimediaDisplayOutputUpdated");
}

TEST_F(ExecutionContextTest, OutputsWithTheIdUpdateEachOtherWhateverTheirKind) {
  auto a = run("a", 1);
  a->display(text("d1"), "x");
  a->result(text("r1"), "x");  // updates the display
  EXPECT_EQ(outputs("a"), (std::vector<std::string>{"display_data r1", "execute_result r1 [1]"}));
  run("b", 2)->display(text("d2"), "x");  // updates both
  EXPECT_EQ(outputs("a"), (std::vector<std::string>{"display_data d2", "execute_result d2 [1]"}));
  EXPECT_EQ(outputs("b"), std::vector<std::string>{"display_data d2"});
}

TEST_F(ExecutionContextTest, APendingClearIsNeitherConsumedNorBypassed) {
  auto a = run("a", 1);
  a->display(text("kept"));
  a->result(text("9"), "r");
  a->clear(ClearTiming::before_next_output);
  const auto from = committed.size();
  run("b", 2)->update_display("r", text("10"));
  // Adding the result again would consume the clear and wipe "kept": the result keeps its content.
  EXPECT_EQ(names_since(from), (std::vector<std::string>{"v1.CellOutputsCleared", "v1.MultimediaDisplayOutputUpdated"}));
  EXPECT_EQ(outputs("a"), (std::vector<std::string>{"display_data kept", "execute_result 9 [1]"}));
  EXPECT_TRUE(state.pendingClears.contains("a"));
}

TEST_F(ExecutionContextTest, AResultWipedByAPendingClearStaysGone) {
  auto a = run("a", 1);
  a->result(text("9"), "r");
  a->clear(ClearTiming::before_next_output);
  a->stdout_text("next\n");  // consumes the clear: the result is gone
  a->update_display("r", text("10"));
  EXPECT_EQ(outputs("a"), std::vector<std::string>{"stream next\n"});
}

TEST_F(ExecutionContextTest, AClearedResultIsNotBroughtBack) {
  run("a", 1)->result(text("9"), "r");
  run("a", 2)->stdout_text("again\n");  // the cell runs again: its outputs are wiped first
  run("b", 3)->update_display("r", text("10"));
  EXPECT_EQ(outputs("a"), std::vector<std::string>{"stream again\n"});

  auto c = run("c", 4);
  c->result(text("1"), "s");
  c->clear(ClearTiming::now);  // clear_output()
  c->update_display("s", text("2"));
  EXPECT_TRUE(outputs("c").empty());
}

TEST_F(ExecutionContextTest, AResultWithoutADisplayIdIsNeverUpdated) {
  auto a = run("a", 1);
  a->result(text("9"));
  a->result(text("8"), "");
  const auto from = committed.size();
  a->update_display("", text("10"));
  EXPECT_EQ(names_since(from), std::vector<std::string>{"v1.MultimediaDisplayOutputUpdated"});
  EXPECT_EQ(outputs("a"), (std::vector<std::string>{"execute_result 9 [1]", "execute_result 8 [1]"}));
}

}  // namespace
}  // namespace runt::agent
