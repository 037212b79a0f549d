// KernelOutputs, fed kernel messages by hand: which events each turns into, in which order,
// and when the request is done. No kernel and no agent: the context's commits are collected.

#include "runt/agent/kernel_outputs.hpp"
#include "runt/schema/codec.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace runt::agent {
namespace {

using namespace std::chrono_literals;
namespace events = schema::events;
using kernel::Channel;
using kernel::Json;

kernel::Message message(const std::string& type, Json content) {
  kernel::Message m;
  m.header = {{"msg_type", type}, {"msg_id", "m-" + type}};
  m.parent_header = {{"msg_id", "request-1"}};
  m.content = std::move(content);
  return m;
}

class KernelOutputsTest : public testing::Test {
 protected:
  Execution execution{"queue-1", "cell-1", "print('hi')", 7};
  std::vector<schema::Event> committed;
  int ids = 0;
  ExecutionContext context{execution, "rt", [this](schema::Event e) { committed.push_back(std::move(e)); },
                           [this] { return "out-" + std::to_string(++ids); }};
  KernelOutputs outputs{context, 5ms};

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : committed) out.emplace_back(schema::event_name(e));
    return out;
  }
};

TEST_F(KernelOutputsTest, DoneOnlyOnceTheReplyHasComeAndTheKernelIsIdle) {
  outputs.take(Channel::iopub, message("status", {{"execution_state", "busy"}}));
  outputs.take(Channel::iopub, message("status", {{"execution_state", "idle"}}));
  EXPECT_FALSE(outputs.done());  // idle before the reply: the reply may still carry an error
  outputs.take(Channel::shell, message("execute_reply", {{"status", "error"}, {"ename", "ZeroDivisionError"}, {"evalue", "division by zero"}}));
  EXPECT_TRUE(outputs.done());
  EXPECT_FALSE(outputs.outcome().success);
  EXPECT_EQ(outputs.outcome().error, "ZeroDivisionError: division by zero");
  EXPECT_TRUE(committed.empty());
}

TEST_F(KernelOutputsTest, StreamWritesOfOneStreamBecomeOneOutputWhenDue) {
  outputs.take(Channel::iopub, message("stream", {{"name", "stdout"}, {"text", "a\n"}}));
  outputs.take(Channel::iopub, message("stream", {{"name", "stdout"}, {"text", "b\n"}}));
  ASSERT_TRUE(outputs.flush_due().has_value());
  EXPECT_LE(*outputs.flush_due(), KernelOutputs::Clock::now() + 5ms);
  EXPECT_TRUE(committed.empty());  // waiting for more
  outputs.flush();
  ASSERT_EQ(names(), std::vector<std::string>{"v1.TerminalOutputAdded"});
  const auto& out = std::get<events::TerminalOutputAdded>(committed[0]);
  EXPECT_EQ(out.cellId, "cell-1");
  EXPECT_EQ(std::get<schema::InlineMedia>(out.content).data, std::optional(schema::Json("a\nb\n")));
  EXPECT_FALSE(outputs.flush_due().has_value());
}

TEST_F(KernelOutputsTest, OtherOutputsKeepTheirOrderBehindWaitingText) {
  outputs.take(Channel::iopub, message("stream", {{"name", "stdout"}, {"text", "before"}}));
  outputs.take(Channel::iopub, message("stream", {{"name", "stderr"}, {"text", "warning"}}));  // another stream: the first goes out
  outputs.take(Channel::iopub, message("execute_result", {{"data", {{"text/plain", "2"}}}, {"metadata", Json::object()}, {"execution_count", 7}}));
  outputs.take(Channel::iopub, message("execute_input", {{"code", "x"}}));  // nothing to show
  EXPECT_EQ(names(), (std::vector<std::string>{"v1.TerminalOutputAdded", "v1.TerminalOutputAdded", "v1.MultimediaResultOutputAdded"}));
  EXPECT_EQ(std::get<events::TerminalOutputAdded>(committed[1]).streamName, schema::StreamName::stderr_);
  const auto& result = std::get<events::MultimediaResultOutputAdded>(committed[2]);
  EXPECT_EQ(result.executionCount, 7);  // the queue row's count, from the execution
  EXPECT_EQ(result.position, 2);
}

TEST_F(KernelOutputsTest, DisplaysUpdatesErrorsAndClears) {
  outputs.take(Channel::iopub, message("display_data", {{"data", {{"text/plain", "v1"}}}, {"metadata", Json::object()}, {"transient", {{"display_id", "d"}}}}));
  outputs.take(Channel::iopub, message("update_display_data", {{"data", {{"text/plain", "v2"}}}, {"metadata", Json::object()}, {"transient", {{"display_id", "d"}}}}));
  outputs.take(Channel::iopub, message("update_display_data", {{"data", {{"text/plain", "lost"}}}, {"transient", Json::object()}}));  // no id: nothing to update
  outputs.take(Channel::iopub, message("clear_output", {{"wait", true}}));
  outputs.take(Channel::iopub, message("error", {{"ename", "E"}, {"evalue", "v"}, {"traceback", {"line 1", 5, "line 2"}}}));
  ASSERT_EQ(names(), (std::vector<std::string>{"v1.MultimediaDisplayOutputAdded", "v1.MultimediaDisplayOutputUpdated", "v1.CellOutputsCleared",
                                               "v1.ErrorOutputAdded"}));
  EXPECT_EQ(std::get<events::MultimediaDisplayOutputAdded>(committed[0]).displayId, "d");
  EXPECT_TRUE(std::get<events::CellOutputsCleared>(committed[2]).wait);
  const auto& error = std::get<events::ErrorOutputAdded>(committed[3]);
  EXPECT_EQ(schema::to_js_string(std::get<schema::InlineMedia>(error.content).data.value()),
            R"({"ename":"E","evalue":"v","traceback":["line 1","line 2"]})");
}

TEST_F(KernelOutputsTest, AResultWithADisplayIdIsUpdatedLikeADisplay) {
  outputs.take(Channel::iopub, message("execute_result", {{"data", {{"text/plain", "9"}}}, {"metadata", Json::object()}, {"execution_count", 7},
                                                          {"transient", {{"display_id", "r"}}}}));
  outputs.take(Channel::iopub, message("update_display_data", {{"data", {{"text/plain", "10"}}}, {"metadata", Json::object()},
                                                               {"transient", {{"display_id", "r"}}}}));
  ASSERT_EQ(names(), (std::vector<std::string>{"v1.MultimediaDisplayOutputUpdated", "v1.MultimediaResultOutputAdded",
                                               "v1.MultimediaDisplayOutputUpdated", "v1.MultimediaResultOutputAdded"}));
  const auto& first = std::get<events::MultimediaResultOutputAdded>(committed[1]);
  const auto& again = std::get<events::MultimediaResultOutputAdded>(committed[3]);
  EXPECT_EQ(again.id, first.id);  // insert-replace: the same row, in its place
  EXPECT_EQ(again.position, first.position);
  EXPECT_EQ(again.executionCount, 7);
  EXPECT_EQ(std::get<schema::InlineMedia>(again.representations.at(0).second).data, std::optional(schema::Json("10")));
}

TEST_F(KernelOutputsTest, OnlyTheShellReplyCountsAsTheReply) {
  outputs.take(Channel::iopub, message("execute_reply", {{"status", "ok"}}));  // never on iopub
  outputs.take(Channel::iopub, message("status", {{"execution_state", "idle"}}));
  EXPECT_FALSE(outputs.done());
  outputs.take(Channel::shell, message("execute_reply", {{"status", "aborted"}}));
  EXPECT_TRUE(outputs.done());
  EXPECT_EQ(outputs.outcome().error, "aborted");
}

}  // namespace
}  // namespace runt::agent
