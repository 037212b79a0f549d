// run_notebook on Debian's real ipykernel (python3), and on the echo runtime for what needs no
// kernel.
#include "runt/runner/run_notebook.hpp"

#include "runt/agent/kernel_runtime.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace runt::runner {
namespace {

using ipynb::Json;

Json cell(const std::string& id, const std::string& type, const std::string& source) {
  Json c{{"id", id}, {"cell_type", type}, {"metadata", Json::object()}, {"source", source}};
  if (type == "code") {
    c["outputs"] = Json::array();
    c["execution_count"] = nullptr;
  }
  return c;
}

Json notebook(std::vector<Json> cells) {
  return Json{{"nbformat", 4},
              {"nbformat_minor", 5},
              {"metadata", {{"kernelspec", {{"name", "python3"}, {"display_name", "Python 3"}, {"language", "python"}}}}},
              {"cells", cells}};
}

class RunNotebookTest : public ::testing::Test {
 protected:
  RunOptions python() {
    RunOptions options;
    options.make_runtime = pipelined_kernel(*kernel::find_kernelspec("python3", {"/usr/share/jupyter/kernels"}),
                                            dir_.path() / "kernels");
    return options;
  }
  RunOptions echo() {
    RunOptions options;
    options.make_runtime = [](const RuntimeRequest&) { return agent::make_echo_runtime(); };
    options.runtime_type = "echo";
    return options;
  }

  testing_support::TempDir dir_{"runt-runner"};
  std::ostringstream progress_;
};

TEST_F(RunNotebookTest, CellsRunInOrderOnARealKernelAndTheirOutputsAreCopiedBack) {
  auto doc = notebook({cell("a", "code", "x = 40"), cell("m", "markdown", "# x"), cell("b", "code", "print(x + 2)"),
                       cell("c", "code", "x")});
  const auto report = run_notebook(doc, python(), progress_);
  EXPECT_EQ(report.status, RunStatus::completed) << report.failure << report.agent_error;
  EXPECT_EQ(report.ran, (std::vector<std::size_t>{0, 2, 3}));
  const auto& cells = doc["cells"];
  EXPECT_EQ(cells[0]["execution_count"], 1);
  EXPECT_EQ(cells[0]["outputs"], Json::array());
  EXPECT_EQ(cells[2]["execution_count"], 2);
  ASSERT_EQ(cells[2]["outputs"].size(), 1u);
  EXPECT_EQ(cells[2]["outputs"][0]["output_type"], "stream");
  EXPECT_EQ(ipynb::cell_source(Json{{"source", cells[2]["outputs"][0]["text"]}}), "42\n");
  EXPECT_EQ(cells[3]["execution_count"], 3);
  ASSERT_EQ(cells[3]["outputs"].size(), 1u);
  EXPECT_EQ(cells[3]["outputs"][0]["output_type"], "execute_result");
  EXPECT_FALSE(cells[1].contains("outputs"));  // markdown stays markdown
  EXPECT_EQ(progress_.str(), "");              // no progress unless asked
}

TEST_F(RunNotebookTest, AFailingCellStopsTheRun) {
  auto doc = notebook({cell("a", "code", "1/0"), cell("b", "code", "y = 1")});
  const auto report = run_notebook(doc, python(), progress_);
  EXPECT_EQ(report.status, RunStatus::cell_failed);
  EXPECT_EQ(report.failure, "cell 0 (id a) ZeroDivisionError: division by zero");
  EXPECT_EQ(report.ran, (std::vector<std::size_t>{0}));
  EXPECT_EQ(doc["cells"][0]["outputs"][0]["output_type"], "error");
  EXPECT_EQ(doc["cells"][1]["execution_count"], nullptr);
  EXPECT_EQ(doc["cells"][1]["outputs"], Json::array());
}

TEST_F(RunNotebookTest, AllowErrorsRunsTheCellsAfterAFailure) {
  auto doc = notebook({cell("a", "code", "1/0"), cell("b", "code", "print('after')")});
  auto options = python();
  options.allow_errors = true;
  options.progress = true;
  const auto report = run_notebook(doc, options, progress_);
  EXPECT_EQ(report.status, RunStatus::completed);
  EXPECT_EQ(report.ran, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(doc["cells"][1]["outputs"][0]["output_type"], "stream");
  EXPECT_NE(progress_.str().find("[1/2] cell a: ZeroDivisionError: division by zero ("), std::string::npos) << progress_.str();
  EXPECT_NE(progress_.str().find("[2/2] cell b: ok ("), std::string::npos) << progress_.str();
}

TEST_F(RunNotebookTest, ACellPastItsTimeoutIsCancelledAndStopsTheRun) {
  auto doc = notebook({cell("a", "code", "import time\ntime.sleep(60)"), cell("b", "code", "2")});
  auto options = python();
  options.timeout_seconds = 1;
  options.allow_errors = true;  // a timeout stops the run all the same
  const auto start = std::chrono::steady_clock::now();
  const auto report = run_notebook(doc, options, progress_);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(report.status, RunStatus::cell_failed);
  EXPECT_EQ(report.failure, "cell 0 (id a) timed out after 1 s");
  EXPECT_EQ(report.ran, (std::vector<std::size_t>{0}));
  EXPECT_EQ(doc["cells"][1]["execution_count"], nullptr);
}

TEST_F(RunNotebookTest, EmptyCellsAreSkippedAsNbclientDoes) {
  auto doc = notebook({cell("a", "code", "one"), cell("e", "code", "  \n\t"), cell("b", "code", "two")});
  auto options = echo();
  options.progress = true;
  const auto report = run_notebook(doc, options, progress_);
  EXPECT_EQ(report.status, RunStatus::completed);
  EXPECT_EQ(report.ran, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(doc["cells"][1]["execution_count"], nullptr);
  EXPECT_EQ(doc["cells"][1]["outputs"], Json::array());
  EXPECT_EQ(doc["cells"][0]["outputs"][0]["data"]["text/plain"], "one");
  EXPECT_EQ(doc["cells"][2]["outputs"][0]["data"]["text/plain"], "two");
  EXPECT_NE(progress_.str().find("[2/2] cell b: ok"), std::string::npos) << progress_.str();
}

TEST_F(RunNotebookTest, ARuntimeThatCannotStartLeavesTheDocumentAndSaysWhy) {
  auto spec = *kernel::find_kernelspec("python3", {"/usr/share/jupyter/kernels"});
  spec.argv = {"/nonexistent/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"};
  auto options = python();
  options.make_runtime = pipelined_kernel(spec, dir_.path() / "kernels");
  auto doc = notebook({cell("a", "code", "1")});
  const auto report = run_notebook(doc, options, progress_);
  EXPECT_FALSE(report.agent_error.empty());
  EXPECT_TRUE(report.ran.empty());
}

}  // namespace
}  // namespace runt::runner
