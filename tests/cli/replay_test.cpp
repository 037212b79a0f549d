// `runt replay` run as a user runs it: the real binary, files and standard input.

#include "runt/schema/json.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Result {
  int status = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class Replay : public testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  // Runs `runt <args>` with `stdin_text` on standard input.
  Result run(const std::string& args, const std::string& stdin_text = "") {
    const fs::path in = write("stdin", stdin_text), out = dir_ / "stdout", err = dir_ / "stderr";
    const std::string cmd = std::string(RUNT_BINARY) + " " + args + " <" + in.string() + " >" +
                            out.string() + " 2>" + err.string();
    const int raw = std::system(cmd.c_str());
    return Result{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
  }

  runt::testing_support::TempDir temp_{"runt-replay"};
  const fs::path& dir_ = temp_.path();
};

// A golden vector's events as a log file, one event per line.
std::string log_of(const fs::path& vector) {
  const auto doc = runt::schema::parse_json(slurp(vector));
  std::string log;
  for (const auto& e : doc.at("events")) log += runt::schema::to_js_string(e) + "\n";
  return log;
}

std::string expected_state(const fs::path& vector) {
  const auto doc = runt::schema::parse_json(slurp(vector));
  return runt::schema::to_js_string(doc.at("expected")) + "\n";
}

const char* kLine1 = R"({"name":"v2.CellCreated","args":{"id":"c1","fractionalIndex":"m","cellType":"code","createdBy":"u"},"seqNum":1,"parentSeqNum":0,"clientId":"a","sessionId":"s"})";
const char* kLine2 = R"({"name":"v1.CellSourceChanged","args":{"id":"c1","source":"1+1","modifiedBy":"u"},"seqNum":2,"parentSeqNum":1,"clientId":"a","sessionId":"s"})";

TEST_F(Replay, PrintsTheMaterializedStateOfEveryGoldenVector) {
  for (const auto& entry : fs::directory_iterator(RUNT_VECTORS_DIR)) {
    if (entry.path().extension() != ".json") continue;
    const auto r = run("replay " + write("log.jsonl", log_of(entry.path())).string());
    EXPECT_EQ(r.status, 0) << entry.path() << r.err;
    EXPECT_EQ(r.out, expected_state(entry.path())) << entry.path();
  }
}

TEST_F(Replay, PrintsNothingOnStderrForACleanLog) {
  const auto r = run("replay -", log_of(fs::path(RUNT_VECTORS_DIR) / "realistic-session.json"));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
}

TEST_F(Replay, SequenceNumbersMustBePositive) {
  const auto r = run("replay -", R"({"name":"v1.Debug","args":{"id":"x"},"seqNum":-9223372036854775808,"parentSeqNum":9223372036854775807,"clientId":"a","sessionId":"s"})" "\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "runt replay: line 1: seqNum -9223372036854775808 / parentSeqNum 9223372036854775807 out of range (global sequence numbers start at 1)\n");
}

TEST_F(Replay, ReadsStandardInputAndSkipsBlankLines) {
  const auto r = run("replay -", std::string(kLine1) + "\n\n  \r\n" + kLine2 + "\n");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto state = runt::schema::parse_json(r.out);
  ASSERT_EQ(state["cells"].size(), 1u);
  EXPECT_EQ(state["cells"][0]["source"], "1+1");
}

TEST_F(Replay, PrettyPrintsOnRequest) {
  const auto r = run("replay --pretty -", std::string(kLine1) + "\n");
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("{\n  \"metadata\": {},\n  \"cells\": [\n", 0), 0u) << r.out;
}

TEST_F(Replay, AnEmptyLogIsAnEmptyNotebook) {
  const auto r = run("replay -", "");
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.out, R"({"metadata":{},"cells":[],"orphanOutputs":[],"executionQueue":[],"runtimeSessions":[],"presence":[],"actors":[],"toolApprovals":[],"files":[],"pendingClears":[],"debug":[]})" "\n");
}

TEST_F(Replay, MalformedJsonNamesTheLineAndPrintsNothing) {
  const auto r = run("replay -", std::string(kLine1) + "\n{\"name\": \n");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("runt replay: line 2: malformed JSON: ", 0), 0u) << r.err;
}

TEST_F(Replay, AbsurdlyDeepJsonIsRefusedNotACrash) {
  const std::string deep = R"({"name":"v1.TerminalOutputAdded","args":{"id":"o","cellId":"c","position":0,"content":{"type":"inline","data":)" +
                           std::string(100000, '[') + std::string(100000, ']') +
                           R"(},"streamName":"stdout"},"seqNum":2,"parentSeqNum":1,"clientId":"a","sessionId":"s"})";
  const auto r = run("replay -", std::string(kLine1) + "\n" + deep + "\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "runt replay: line 2: malformed JSON: JSON nested deeper than 1024 levels\n");
}

// Logs written before servers refused such events may hold them. Every anode client fails on
// them; the rest of the notebook stays readable.
TEST_F(Replay, EventsWhoseArgsDoNotDecodeAreSkippedNamingTheLineEventAndField) {
  const std::string bad_count = R"({"name":"v1.ExecutionRequested","args":{"queueId":"q","cellId":"c1","executionCount":1.5,"requestedBy":"u"},"seqNum":2,"parentSeqNum":1,"clientId":"a","sessionId":"s"})";
  const std::string bad_id = R"({"name":"v2.CellCreated","args":{"id":5},"seqNum":3,"parentSeqNum":2,"clientId":"a","sessionId":"s"})";
  const std::string not_object = R"({"name":"v1.CellDeleted","args":"c1","seqNum":4,"parentSeqNum":3,"clientId":"a","sessionId":"s"})";
  std::string source = kLine2;
  source.replace(source.find("\"seqNum\":2,\"parentSeqNum\":1"), 27, "\"seqNum\":5,\"parentSeqNum\":4");
  const auto r = run("replay -", std::string(kLine1) + "\n" + bad_count + "\n" + bad_id + "\n" + not_object + "\n" + source + "\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err,
            "runt replay: line 2: skipped v1.ExecutionRequested: field \"executionCount\": expected an integer, got 1.5\n"
            "runt replay: line 3: skipped v2.CellCreated: field \"id\": expected a string, got 5\n"
            "runt replay: line 4: skipped v1.CellDeleted: args: expected an object, got the string \"c1\"\n"
            "runt replay: skipped 3 events whose args anode clients cannot decode\n");
  // The state of the rest: the log without the three lines.
  EXPECT_EQ(r.out, run("replay -", std::string(kLine1) + "\n" + kLine2 + "\n").out);
  const auto state = runt::schema::parse_json(r.out);
  ASSERT_EQ(state["cells"].size(), 1u);
  EXPECT_EQ(state["cells"][0]["source"], "1+1");
}

TEST_F(Replay, ASkippedEventMustStillContinueTheChain) {
  const std::string bad_id = R"({"name":"v2.CellCreated","args":{"id":5},"seqNum":3,"parentSeqNum":2,"clientId":"a","sessionId":"s"})";
  const auto r = run("replay -", std::string(kLine1) + "\n" + bad_id + "\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "runt replay: line 2: parentSeqNum 2 does not continue the log (previous seqNum 1)\n");
}

TEST_F(Replay, BadArgsWithABrokenEnvelopeAreAnError) {
  const auto r = run("replay -", R"({"name":"v2.CellCreated","args":{"id":5},"seqNum":1,"parentSeqNum":0,"sessionId":"s"})" "\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "runt replay: line 1: v2.CellCreated: missing \"clientId\"\n");
}

TEST_F(Replay, MissingEnvelopeFieldsAreErrors) {
  const auto r = run("replay -", R"({"name":"v1.NotebookTitleChanged","args":{"title":"T"},"seqNum":1,"parentSeqNum":0,"sessionId":"s"})" "\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "runt replay: line 1: v1.NotebookTitleChanged: missing \"clientId\"\n");
}

TEST_F(Replay, ABrokenSeqNumChainIsAnError) {
  std::string gap = kLine2;
  gap.replace(gap.find("\"seqNum\":2,\"parentSeqNum\":1"), 27, "\"seqNum\":4,\"parentSeqNum\":3");
  auto r = run("replay -", std::string(kLine1) + "\n" + gap + "\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "runt replay: line 2: parentSeqNum 3 does not continue the log (previous seqNum 1)\n");

  std::string skip = kLine2;
  skip.replace(skip.find("\"seqNum\":2"), 10, "\"seqNum\":5");
  r = run("replay -", std::string(kLine1) + "\n" + skip + "\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "runt replay: line 2: seqNum 5 does not follow parentSeqNum 1\n");
}

TEST_F(Replay, EventsAnodeClientsCannotMaterializeAreErrors) {
  const std::string delta = R"({"name":"v2.MarkdownOutputAppended","args":{"id":"d","outputId":"o","delta":"x","sequenceNumber":0},"seqNum":SEQ,"parentSeqNum":PARENT,"clientId":"a","sessionId":"s"})";
  auto line = [&](int seq) {
    std::string s = delta;
    s.replace(s.find("SEQ"), 3, std::to_string(seq));
    s.replace(s.find("PARENT"), 6, std::to_string(seq - 1));
    return s;
  };
  const auto r = run("replay -", line(1) + "\n" + line(2) + "\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "runt replay: line 2: v2.MarkdownOutputAppended: duplicate output delta id \"d\" (anode clients fail on this event)\n");
}

TEST_F(Replay, LogsLongerThanOneReadBlockKeepTheirLineNumbers) {
  // runt replay reads 8 MiB at a time: 12 MiB of edits, a 9 MiB line among them, then a break
  // in the chain whose line number must count every line of the earlier blocks.
  const auto edit = [](int seq, const std::string& source) {
    return R"({"name":"v1.CellSourceChanged","args":{"id":"c1","source":")" + source + R"(","modifiedBy":"u"},"seqNum":)" +
           std::to_string(seq) + R"(,"parentSeqNum":)" + std::to_string(seq - 1) + R"(,"clientId":"a","sessionId":"s"})";
  };
  std::string log = std::string(kLine1) + "\n";
  int seq = 2;
  for (; log.size() < (3u << 20); ++seq) log += edit(seq, std::string(1000, 'a')) + "\n";
  log += edit(seq++, std::string(9u << 20, 'b')) + "\n";
  for (; log.size() < (14u << 20); ++seq) log += edit(seq, std::string(1000, 'c') + std::to_string(seq)) + "\n";
  const std::string last = std::string(1000, 'c') + std::to_string(seq - 1);

  auto r = run("replay " + write("long.jsonl", log).string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(runt::schema::parse_json(r.out)["cells"][0]["source"], last);

  log += edit(seq + 1, "gap") + "\n";
  r = run("replay " + write("gap.jsonl", log).string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "runt replay: line " + std::to_string(seq) + ": parentSeqNum " + std::to_string(seq) +
                       " does not continue the log (previous seqNum " + std::to_string(seq - 1) + ")\n");
}

TEST_F(Replay, UnknownEventsAreCountedAndSkipped) {
  const std::string unknown1 = R"({"name":"v9.Future","args":{"x":1},"seqNum":2,"parentSeqNum":1,"clientId":"a","sessionId":"s"})";
  const std::string unknown2 = R"({"name":"v9.Future","seqNum":3,"parentSeqNum":2,"clientId":"a","sessionId":"s"})";
  const std::string unknown3 = R"({"name":"x.Other","args":[],"seqNum":4,"parentSeqNum":3,"clientId":"a","sessionId":"s"})";
  const auto r = run("replay -", std::string(kLine1) + "\n" + unknown1 + "\n" + unknown2 + "\n" + unknown3 + "\n");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(runt::schema::parse_json(r.out)["cells"].size(), 1u);
  EXPECT_EQ(r.err, "runt replay: skipped 3 events with unknown names: v9.Future (2), x.Other (1)\n");
}

TEST_F(Replay, AMissingFileIsReported) {
  const auto r = run("replay " + (dir_ / "nope.jsonl").string());
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("cannot open"), std::string::npos);
}

TEST_F(Replay, HelpListsTheSubcommand) {
  const auto r = run("--help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("replay"), std::string::npos);
  EXPECT_NE(run("").status, 0);  // a subcommand is required
}

// `runt kernels` finds kernelspecs where Jupyter does (JUPYTER_PATH first) and lists them.
TEST_F(Replay, KernelsListsTheInstalledKernelspecs) {
  fs::create_directories(dir_ / "jp" / "kernels" / "toy");
  write("jp/kernels/toy/kernel.json", R"({"argv":["toy","{connection_file}"],"display_name":"Toy Kernel","language":"toy"})");
  fs::create_directories(dir_ / "jp" / "kernels" / "bad");
  write("jp/kernels/bad/kernel.json", "{");
  const std::string env = "JUPYTER_PATH=" + (dir_ / "jp").string() + " HOME=" + dir_.string() + " ";
  const std::string cmd = env + std::string(RUNT_BINARY) + " kernels >" + (dir_ / "out").string() + " 2>" + (dir_ / "err").string();
  ASSERT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 0);
  const std::string out = slurp(dir_ / "out");
  // One line per kernel, name first (the system's python3 may be listed too).
  const auto at = out.find("toy ");
  ASSERT_NE(at, std::string::npos) << out;
  EXPECT_TRUE(at == 0 || out[at - 1] == '\n') << out;
  EXPECT_NE(out.find("Toy Kernel  (" + (dir_ / "jp" / "kernels" / "toy").string() + ")\n", at), std::string::npos) << out;
  EXPECT_NE(slurp(dir_ / "err").find("skipped " + (dir_ / "jp" / "kernels" / "bad" / "kernel.json").string() + ": malformed JSON"),
            std::string::npos);
}

}  // namespace
