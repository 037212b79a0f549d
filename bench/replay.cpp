// bench/replay: materialize a realistic 1,000,000-event notebook log on one core.
//
// Figures, all from this run:
//   runt decode+materialize  JSON lines -> typed events -> state, as `runt replay` does it: the
//                            log's text decoded in batches (LogDecoder)
//   ... line by line         the same, one EventDecoder call per line (how replay read before)
//   runt materialize         decoded events -> state
//   peer: SQLite             the same decoded events materialized as LiveStore does it: the
//                            anode materializers' SQL statements against the anode tables
//                            (STRICT, no secondary indexes) in one in-memory SQLite database,
//                            one transaction, prepared statements.
//   peer: SQLite + indexes   the same, with the indexes anode lacks (outputs by cell and by
//                            display id, deltas by output): SQLite at its best on this work.
// Usage: replay [EVENTS] [--save FILE] [--no-peers]   (EVENTS defaults to 1000000; --save
// writes the log, one event per line, for `runt replay FILE` or a profiler; --no-peers skips
// the SQLite peers, which take a minute or more, for quick runs while working on runt)

#include "runt/schema/codec.hpp"
#include "runt/schema/log_decoder.hpp"
#include "runt/schema/materialize.hpp"
#include "runt/schema/queries.hpp"

#include <sqlite3.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

using namespace runt::schema;

namespace {

// ---- A realistic log ------------------------------------------------------------------------

class LogGenerator {
 public:
  explicit LogGenerator(size_t target) : target_(target) {}

  std::vector<LoggedEvent> generate() {
    start_session();
    for (int i = 0; i < 120; ++i) create_cell(i % 10 == 9 ? CellType::markdown : (i % 15 == 7 ? CellType::ai : CellType::code));
    while (log_.size() < target_) {
      const size_t cell = rng_() % cells_.size();
      const int action = static_cast<int>(rng_() % 100);
      if (action < 3) {
        create_cell(CellType::code);
      } else if (action < 5) {
        push(events::CellMovedV2{cells_[cell].id, cells_[cell].key + "h", std::string(user())});
      } else if (action < 6 && cells_.size() > 60) {
        push(events::CellDeleted{cells_[cell].id, std::string(user())});
        cells_.erase(cells_.begin() + static_cast<std::ptrdiff_t>(cell));
      } else if (cells_[cell].type == CellType::ai) {
        run_ai(cell);
      } else if (cells_[cell].type == CellType::code) {
        run_code(cell);
      } else {
        edit(cell);
      }
      if (log_.size() - last_renewal_ > 400) renew();
    }
    log_.resize(target_);
    return std::move(log_);
  }

 private:
  struct Cell {
    std::string id, key;
    CellType type;
    std::int64_t runs = 0;
  };

  const char* user() { return rng_() % 3 == 0 ? "user_9c1e0b77" : "user_2f9a7c41"; }
  std::string uuid() {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(rng_()),
                  static_cast<unsigned>(rng_() & 0xffff), static_cast<unsigned>(rng_() & 0xfff),
                  static_cast<unsigned>(rng_() & 0xfff), static_cast<unsigned long long>(++counter_));
    return buf;
  }
  Timestamp now() { return Timestamp{clock_ += 1 + static_cast<std::int64_t>(rng_() % 40)}; }

  void push(Event e) {
    const auto seq = static_cast<std::int64_t>(log_.size()) + 1;
    log_.push_back(LoggedEvent{std::move(e), seq, seq - 1, "client-" + std::to_string(seq % 4), "s1"});
  }

  void start_session() {
    push(events::RuntimeSessionStarted{session_, "python3-runt-bench", "python3", {true, false, true, std::nullopt}});
    push(events::RuntimeSessionStatusChanged{session_, SessionStatusUpdate::ready});
  }
  void renew() {
    push(events::RuntimeSessionRenewal{session_, now(), 30000});
    last_renewal_ = log_.size();
  }
  void create_cell(CellType type) {
    std::string key = cells_.empty() ? "m" : cells_.back().key + "1";
    Cell c{"cell-" + std::to_string(1731600000000 + counter_++) + "-bench", key, type};
    push(events::CellCreatedV2{c.id, c.key, type, user()});
    cells_.push_back(std::move(c));
  }
  void edit(size_t cell) {
    std::string source = "# notes for cell " + std::to_string(cell) + "\n";
    for (int line = 0, n = 3 + static_cast<int>(rng_() % 20); line < n; ++line)
      source += "df = df.assign(col" + std::to_string(line) + "=df['x'] * " + std::to_string(rng_() % 1000) + ")\n";
    push(events::CellSourceChanged{cells_[cell].id, std::move(source), user()});
  }

  struct Run {
    std::string queue;
    Timestamp started;
  };
  Run begin(size_t cell) {
    Cell& c = cells_[cell];
    const std::string& id = c.id;
    push(events::CellOutputsCleared{id, false, "user_2f9a7c41"});
    Run run{"exec-" + std::to_string(counter_++), {}};
    push(events::ExecutionRequested{run.queue, id, ++c.runs, "user_2f9a7c41", std::nullopt});
    push(events::ExecutionAssigned{run.queue, session_});
    run.started = now();
    push(events::ExecutionStarted{run.queue, id, session_, run.started});
    push(events::CellOutputsCleared{id, false, "runtime-python3-runt-bench"});
    return run;
  }
  void complete(size_t cell, const Run& run, bool ok) {
    const Timestamp done = now();
    push(events::ExecutionCompleted{run.queue, cells_[cell].id, ok ? CompletionStatus::success : CompletionStatus::error,
                                    ok ? std::nullopt : std::optional<std::string>("division by zero"), done,
                                    done.ms_since_epoch - run.started.ms_since_epoch});
  }

  void run_code(size_t cell) {
    if (rng_() % 2) edit(cell);
    const Run run = begin(cell);
    const std::string& id = cells_[cell].id;
    double position = 0;
    for (int chunk = 0, n = static_cast<int>(rng_() % 8); chunk < n; ++chunk) {
      const std::string out = uuid();
      push(events::TerminalOutputAdded{out, id, position++, InlineMedia{Json("epoch " + std::to_string(chunk) + " loss=0." + std::to_string(rng_() % 1000) + "\n"), std::nullopt},
                                       chunk % 5 == 4 ? StreamName::stderr_ : StreamName::stdout_});
      for (int d = 0, m = static_cast<int>(rng_() % 3); d < m; ++d)
        push(events::TerminalOutputAppendedV2{uuid(), out, "step " + std::to_string(d) + "\n", d});
    }
    if (rng_() % 4 == 0) {
      const std::string display_id = "progress-" + std::to_string(cell);
      push(events::MultimediaDisplayOutputAdded{uuid(), id, position++, {{"text/plain", InlineMedia{Json("0%"), std::nullopt}}}, display_id});
      for (int u = 1; u <= 3; ++u)
        push(events::MultimediaDisplayOutputUpdated{display_id, {{"text/html", InlineMedia{Json("<progress value=" + std::to_string(u * 33) + ">"), std::nullopt}},
                                                                 {"text/plain", InlineMedia{Json(std::to_string(u * 33) + "%"), std::nullopt}}}});
    }
    const bool ok = rng_() % 10 != 0;
    if (ok) {
      push(events::MultimediaResultOutputAdded{uuid(), id, position++,
                                               {{"text/html", InlineMedia{Json("<table><tr><td>" + std::to_string(rng_()) + "</td></tr></table>"), std::nullopt}},
                                                {"text/plain", InlineMedia{Json("   x\n0  " + std::to_string(rng_() % 100)), std::nullopt}}},
                                               cells_[cell].runs});
    } else {
      push(events::ErrorOutputAdded{uuid(), id, position++,
                                    InlineMedia{Json{{"ename", "ZeroDivisionError"}, {"evalue", "division by zero"},
                                                     {"traceback", Json::array({"Traceback (most recent call last):", "  Cell In[3], line 2", "ZeroDivisionError: division by zero"})}},
                                                std::nullopt}});
    }
    complete(cell, run, ok);
  }

  void run_ai(size_t cell) {
    const Run run = begin(cell);
    const std::string& id = cells_[cell].id;
    const std::string out = uuid();
    Object meta{Json{{"anode", Json{{"role", "assistant"}, {"ai_provider", "ollama"}, {"ai_model", "llama3.1"}, {"iteration", 1}}}}};
    push(events::MarkdownOutputAdded{out, id, 0, InlineMedia{Json("Sure"), meta}});
    for (int d = 0, n = 10 + static_cast<int>(rng_() % 30); d < n; ++d)
      push(events::MarkdownOutputAppendedV2{uuid(), out, " token" + std::to_string(d), d});
    complete(cell, run, true);
  }

  size_t target_;
  std::mt19937_64 rng_{20261124};
  std::vector<LoggedEvent> log_;
  std::vector<Cell> cells_;
  std::string session_ = "python3-runt-bench-1731600003000-k2j4h6g8";
  std::int64_t clock_ = 1731600000000;
  std::uint64_t counter_ = 0;
  size_t last_renewal_ = 0;
};

// ---- The SQLite peer ------------------------------------------------------------------------

class SqlitePeer {
 public:
  explicit SqlitePeer(bool with_indexes) {
    if (with_indexes)
      exec("create index outputs_cell on outputs (cellId); create index outputs_display on outputs (displayId);"
           "create index deltas_output on output_deltas (outputId);");
  }
  ~SqlitePeer() {
    for (auto* s : statements_) sqlite3_finalize(s);
    sqlite3_close(db_);
  }
  SqlitePeer(const SqlitePeer&) = delete;
  SqlitePeer& operator=(const SqlitePeer&) = delete;
  void begin() { exec("begin"); }
  void commit() { exec("commit"); }

  void apply(const Event& e) { std::visit([this](const auto& ev) { on(ev); }, e); }

 private:
  // Runs before the statement members below are prepared (members initialize in order).
  sqlite3* open_database() {
    check(sqlite3_open(":memory:", &db_));
    exec(R"(
      create table cells (id text not null, cellType text not null, source text not null default '', fractionalIndex text,
        executionCount integer, executionState text not null default 'idle', assignedRuntimeSession text,
        lastExecutionDurationMs integer, sqlConnectionId text, sqlResultVariable text, aiProvider text, aiModel text,
        aiSettings text, sourceVisible integer not null default 1, outputVisible integer not null default 1,
        aiContextVisible integer not null default 1, createdBy text not null, primary key (id)) strict;
      create table outputs (id text not null, cellId text not null, outputType text not null, position real not null,
        streamName text, executionCount integer, displayId text, data text, artifactId text, mimeType text,
        metadata text, representations text, primary key (id)) strict;
      create table output_deltas (id text not null, outputId text not null, delta text not null default '',
        sequenceNumber integer not null, primary key (id)) strict;
      create table pendingClears (cellId text not null, clearedBy text not null, primary key (cellId)) strict;
      create table presence (userId text not null, cellId text, primary key (userId)) strict;
      create table executionQueue (id text not null, cellId text not null, executionCount integer not null,
        requestedBy text not null, status text not null default 'pending', assignedRuntimeSession text,
        startedAt text, completedAt text, executionDurationMs integer, primary key (id)) strict;
      create table runtimeSessions (sessionId text not null, runtimeId text not null, runtimeType text not null default 'python3',
        status text not null, isActive integer not null default 1, canExecuteCode integer not null default 0,
        canExecuteSql integer not null default 0, canExecuteAi integer not null default 0, availableAiModels text,
        lastRenewedAt text, expiresAt text, primary key (sessionId)) strict;
    )");
    return db_;
  }
  void check(int rc) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) throw std::runtime_error(sqlite3_errmsg(db_));
  }
  void exec(const char* sql) { check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr)); }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    check(sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr));
    statements_.push_back(s);
    return s;
  }
  // Binds text/number arguments in order, runs to completion.
  template <class... A> void run(sqlite3_stmt* s, const A&... args) {
    int i = 0;
    (bind(s, ++i, args), ...);
    while (sqlite3_step(s) == SQLITE_ROW) {}
    check(sqlite3_reset(s));
  }
  template <class... A> bool exists(sqlite3_stmt* s, const A&... args) {
    int i = 0;
    (bind(s, ++i, args), ...);
    const bool row = sqlite3_step(s) == SQLITE_ROW;
    check(sqlite3_reset(s));
    return row;
  }
  void bind(sqlite3_stmt* s, int i, const std::string& v) { sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void bind(sqlite3_stmt* s, int i, const char* v) { sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC); }
  void bind(sqlite3_stmt* s, int i, std::string_view v) { sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void bind(sqlite3_stmt* s, int i, double v) { sqlite3_bind_double(s, i, v); }
  void bind(sqlite3_stmt* s, int i, std::int64_t v) { sqlite3_bind_int64(s, i, v); }
  void bind(sqlite3_stmt* s, int i, bool v) { sqlite3_bind_int(s, i, v); }

  void presence(const std::string& user, const std::string& cell) { run(presence_, user, cell); }
  void consume_pending(const std::string& cell) {
    if (exists(pending_, cell)) {
      run(delete_outputs_, cell);
      run(delete_pending_, cell);
    }
  }
  static std::string text(const MediaRepresentation& m) {
    const auto* in = std::get_if<InlineMedia>(&m);
    return in && in->data && in->data->is_string() ? in->data->get<std::string>() : std::string();
  }
  static std::string reps_json(const Representations& r) {
    return to_js_string(encode_representations(r));
  }
  static std::string primary(const Representations& r, std::string* mime) {
    for (const char* want : {"text/html", "image/png", "text/plain"})
      for (const auto& [m, rep] : r)
        if (m == want) {
          *mime = m;
          return text(rep);
        }
    *mime = "text/plain";
    return "";
  }

  void on(const events::RuntimeSessionStarted& e) {
    run(prepare("insert or replace into runtimeSessions (sessionId, runtimeId, runtimeType, status, canExecuteCode, canExecuteSql, canExecuteAi, availableAiModels) values (?, ?, ?, 'starting', ?, ?, ?, 'null')"),
        e.sessionId, e.runtimeId, e.runtimeType, e.capabilities.canExecuteCode, e.capabilities.canExecuteSql, e.capabilities.canExecuteAi);
  }
  void on(const events::RuntimeSessionStatusChanged& e) { run(status_, std::string(to_string(e.status)), e.sessionId); }
  void on(const events::RuntimeSessionRenewal& e) {
    run(renew_, format_iso(e.renewedAt), format_iso(Timestamp{e.renewedAt.ms_since_epoch + static_cast<std::int64_t>(e.validForMs)}), e.sessionId);
  }
  void on(const events::CellCreatedV2& e) {
    run(create_, e.id, std::string(to_string(e.cellType)), e.fractionalIndex, e.createdBy);
    presence(e.createdBy, e.id);
  }
  void on(const events::CellSourceChanged& e) {
    run(source_, e.source, e.id);
    presence(e.modifiedBy, e.id);
  }
  void on(const events::CellMovedV2& e) {
    run(move_, e.fractionalIndex, e.id);
    if (e.actorId) presence(*e.actorId, e.id);
  }
  void on(const events::CellDeleted& e) {
    run(delete_cell_, e.id);
    if (e.actorId) presence(*e.actorId, e.id);
  }
  void on(const events::CellOutputsCleared& e) {
    run(delete_outputs_, e.cellId);
    presence(e.clearedBy, e.cellId);
  }
  void on(const events::ExecutionRequested& e) {
    run(queue_insert_, e.queueId, e.cellId, e.executionCount, e.requestedBy);
    run(cell_queued_, e.executionCount, e.cellId);
    presence(e.requestedBy, e.cellId);
  }
  void on(const events::ExecutionAssigned& e) { run(assigned_, e.runtimeSessionId, e.queueId); }
  void on(const events::ExecutionStarted& e) {
    run(started_, format_iso(e.startedAt), e.queueId);
    run(cell_running_, e.runtimeSessionId, e.cellId);
  }
  void on(const events::ExecutionCompleted& e) {
    const bool ok = e.status == CompletionStatus::success;
    run(completed_, ok ? "completed" : "failed", format_iso(e.completedAt), e.executionDurationMs, e.queueId);
    run(cell_done_, ok ? "completed" : "error", e.executionDurationMs, e.cellId);
  }
  void on(const events::TerminalOutputAdded& e) {
    consume_pending(e.cellId);
    run(output_, e.id, e.cellId, "terminal", e.position, std::string(to_string(e.streamName)), text(e.content), "text/plain", "null");
  }
  void on(const events::MarkdownOutputAdded& e) {
    consume_pending(e.cellId);
    const auto& meta = std::get<InlineMedia>(e.content).metadata;
    run(output_, e.id, e.cellId, "markdown", e.position, "", text(e.content), "text/markdown",
        meta ? to_js_string(meta->value) : std::string("null"));
  }
  void on(const events::ErrorOutputAdded& e) {
    consume_pending(e.cellId);
    run(output_, e.id, e.cellId, "error", e.position, "", to_js_string(*std::get<InlineMedia>(e.content).data), "application/json", "null");
  }
  void on(const events::MultimediaDisplayOutputAdded& e) {
    consume_pending(e.cellId);
    if (e.displayId) update_display(*e.displayId, e.representations);
    std::string mime;
    const std::string data = primary(e.representations, &mime);
    run(multimedia_, e.id, e.cellId, "multimedia_display", e.position, e.displayId.value_or(""), data, mime, reps_json(e.representations));
  }
  void on(const events::MultimediaDisplayOutputUpdated& e) { update_display(e.displayId, e.representations); }
  void on(const events::MultimediaResultOutputAdded& e) {
    consume_pending(e.cellId);
    std::string mime;
    const std::string data = primary(e.representations, &mime);
    run(multimedia_, e.id, e.cellId, "multimedia_result", e.position, "", data, mime, reps_json(e.representations));
  }
  void on(const events::TerminalOutputAppendedV2& e) { run(delta_, e.id, e.outputId, e.delta, e.sequenceNumber); }
  void on(const events::MarkdownOutputAppendedV2& e) { run(delta_, e.id, e.outputId, e.delta, e.sequenceNumber); }
  template <class E> void on(const E&) { throw std::logic_error("the peer does not implement this event"); }

  void update_display(const std::string& display_id, const Representations& reps) {
    if (!exists(displays_, display_id)) return;
    std::string mime;
    const std::string data = primary(reps, &mime);
    run(update_display_, data, mime, reps_json(reps), display_id);
  }

  sqlite3* db_ = open_database();
  std::vector<sqlite3_stmt*> statements_;
  sqlite3_stmt* presence_ = prepare("insert or replace into presence (userId, cellId) values (?, ?)");
  sqlite3_stmt* pending_ = prepare("select 1 from pendingClears where cellId = ? limit 1");
  sqlite3_stmt* delete_outputs_ = prepare("delete from outputs where cellId = ?");
  sqlite3_stmt* delete_pending_ = prepare("delete from pendingClears where cellId = ?");
  sqlite3_stmt* status_ = prepare("update runtimeSessions set status = ? where sessionId = ?");
  sqlite3_stmt* renew_ = prepare("update runtimeSessions set lastRenewedAt = ?, expiresAt = ? where sessionId = ?");
  sqlite3_stmt* create_ = prepare("insert into cells (id, cellType, fractionalIndex, createdBy) values (?, ?, ?, ?) on conflict (id) do nothing");
  sqlite3_stmt* source_ = prepare("update cells set source = ? where id = ?");
  sqlite3_stmt* move_ = prepare("update cells set fractionalIndex = ? where id = ?");
  sqlite3_stmt* delete_cell_ = prepare("delete from cells where id = ?");
  sqlite3_stmt* queue_insert_ = prepare("insert into executionQueue (id, cellId, executionCount, requestedBy, status) values (?, ?, ?, ?, 'pending') on conflict (id) do nothing");
  sqlite3_stmt* cell_queued_ = prepare("update cells set executionState = 'queued', executionCount = ? where id = ?");
  sqlite3_stmt* assigned_ = prepare("update executionQueue set status = 'assigned', assignedRuntimeSession = ? where id = ?");
  sqlite3_stmt* started_ = prepare("update executionQueue set status = 'executing', startedAt = ? where id = ?");
  sqlite3_stmt* cell_running_ = prepare("update cells set executionState = 'running', assignedRuntimeSession = ? where id = ?");
  sqlite3_stmt* completed_ = prepare("update executionQueue set status = ?, completedAt = ?, executionDurationMs = ? where id = ?");
  sqlite3_stmt* cell_done_ = prepare("update cells set executionState = ?, lastExecutionDurationMs = ? where id = ?");
  sqlite3_stmt* output_ = prepare("insert or replace into outputs (id, cellId, outputType, position, streamName, data, mimeType, metadata) values (?, ?, ?, ?, nullif(?, ''), ?, ?, ?)");
  sqlite3_stmt* multimedia_ = prepare("insert or replace into outputs (id, cellId, outputType, position, displayId, data, mimeType, metadata, representations) values (?, ?, ?, ?, nullif(?, ''), ?, ?, 'null', ?)");
  sqlite3_stmt* delta_ = prepare("insert into output_deltas (id, outputId, delta, sequenceNumber) values (?, ?, ?, ?)");
  sqlite3_stmt* displays_ = prepare("select 1 from outputs where displayId = ? and outputType = 'multimedia_display' limit 1");
  sqlite3_stmt* update_display_ = prepare("update outputs set data = ?, mimeType = ?, representations = ? where displayId = ? and outputType = 'multimedia_display'");
};

// ---- Measurement ----------------------------------------------------------------------------

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
long peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}
long current_rss_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE) / (1024 * 1024);
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = 1'000'000;
  const char* save = nullptr;
  bool peers = true;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--save" && i + 1 < argc)
      save = argv[++i];
    else if (std::string(argv[i]) == "--no-peers")
      peers = false;
    else
      count = std::strtoull(argv[i], nullptr, 10);
  }
  std::printf("bench/replay: %zu events, one core\n", count);

  auto t0 = std::chrono::steady_clock::now();
  std::vector<LoggedEvent> log = LogGenerator(count).generate();
  std::string text;  // the log as `runt export` writes it: one event per line
  for (const auto& e : log) {
    text += to_js_string(encode_logged_event(e));
    text += '\n';
  }
  const size_t bytes = text.size();
  if (save) {
    std::ofstream out(save, std::ios::binary);
    out << text;
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", save);
      return 1;
    }
  }
  std::printf("  generated log: %.1f MB of JSON lines in %.1f s (rss %ld MiB)\n", bytes / 1e6, seconds_since(t0), current_rss_mib());

  // 1. What `runt replay` does: parse, decode, materialize.
  const auto report = [&](const char* label, const State& state, double s, long rss_before) {
    std::printf("  %-24s %9.0f events/s  (%.2f s; %zu cells, %zu outputs, %zu deltas; state %+ld MiB)\n", label,
                count / s, s, state.cells.size(), state.outputs.size(), state.outputDeltas.size(), current_rss_mib() - rss_before);
  };
  {
    const long rss_before = current_rss_mib();
    t0 = std::chrono::steady_clock::now();
    State state;
    LogDecoder decoder;
    decoder.decode(text, 1, [&](LogLine& line) {
      if (!line.event) std::rethrow_exception(line.error);
      materialize(state, std::move(line.event->event));
      return true;
    });
    report("runt decode+materialize", state, seconds_since(t0), rss_before);
  }
  {
    const long rss_before = current_rss_mib();
    t0 = std::chrono::steady_clock::now();
    State state;
    EventDecoder decoder;
    for (size_t pos = 0, nl; (nl = text.find('\n', pos)) != std::string::npos; pos = nl + 1)
      materialize(state, decoder.decode_logged_event(std::string_view(text).substr(pos, nl - pos)).event);
    report("  ... line by line", state, seconds_since(t0), rss_before);
  }

  // 2. Materialize already decoded events.
  double runt_seconds = 0;
  {
    t0 = std::chrono::steady_clock::now();
    State state;
    for (const auto& e : log) materialize(state, e.event);
    runt_seconds = seconds_since(t0);
    std::printf("  runt materialize         %9.0f events/s  (%.2f s)\n", count / runt_seconds, runt_seconds);
  }

  // 3. Peers: the same events through SQLite statements, as LiveStore materializes them.
  for (const bool indexes : {false, true}) {
    if (!peers) break;
    t0 = std::chrono::steady_clock::now();
    SqlitePeer peer(indexes);
    peer.begin();
    for (const auto& e : log) peer.apply(e.event);
    peer.commit();
    const double s = seconds_since(t0);
    std::printf("  peer: SQLite%-12s %9.0f events/s  (%.2f s)  -> runt materialize is %.1fx this peer\n",
                indexes ? " + indexes" : "", count / s, s, s / runt_seconds);
  }
  std::printf("  peak RSS %ld MiB (includes the generated log: %zu events held twice, as values and as text)\n", peak_rss_mib(), count);
  return 0;
}
