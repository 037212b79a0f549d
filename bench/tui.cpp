// bench/tui: the terminal notebook's two speed targets, measured in-process on its real parts
// (the synced notebook, the view model, the layout; all but the curses calls) against a real
// `runt serve`, beside raw sync clients on the same server (the peer):
//   open:      a 500-cell / 20,000-event notebook, from connecting to the first full screen laid
//              out (target <= 200 ms), beside pulling the same log alone;
//   keystroke: a key typed in one TUI -> the text in another TUI's laid-out screen, p50/p99
//              (target p99 <= 50 ms), beside a raw client's edit reaching another raw client.
// Usage: tui [KEYSTROKES]

#include "runt/notebook/synced_notebook.hpp"
#include "runt/schema/queries.hpp"
#include "runt/sync/client.hpp"
#include "runt/tui/notebook_layout.hpp"
#include "runt/tui/notebook_view.hpp"

#include "in_process_server.hpp"
#include "run_until.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <clocale>
#include <cstdio>
#include <cstdlib>

namespace {

using namespace runt;
using namespace std::chrono_literals;
namespace events = schema::events;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }
double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size())))];
}

sync::ClientOptions client(const std::string& url, const std::string& store, const std::string& name) {
  sync::ClientOptions o;
  o.url = url;
  o.store_id = store;
  o.payload = {{"authToken", "bench-token"}};
  o.client_id = name;
  o.session_id = name + "-session";
  return o;
}

// 500 cells, each typed in edits, run, with streamed output: 40 events a cell.
void seed(const std::string& url, const std::string& store) {
  boost::asio::io_context io;
  sync::SyncClient writer(io, client(url, store, "seeder"));
  writer.start();
  testing_support::run_until(io, [&] { return writer.replica().synced(); }, 30s);
  for (int c = 0; c < 500; ++c) {
    const std::string id = "cell-" + std::to_string(c);
    char key[16];
    std::snprintf(key, sizeof key, "a%04d", c);
    writer.commit(events::CellCreatedV2{id, key, schema::CellType::code, "seeder"});
    std::string source;
    for (int e = 0; e < 20; ++e) {
      source += "x" + std::to_string(e) + " = " + std::to_string(c) + "\n";
      writer.commit(events::CellSourceChanged{id, source, "seeder"});
    }
    const std::string q = "q-" + id;
    writer.commit(events::ExecutionRequested{q, id, c + 1, "seeder", std::nullopt});
    writer.commit(events::ExecutionStarted{q, id, "session", schema::Timestamp{1}});
    for (int o = 0; o < 16; ++o)
      writer.commit(events::TerminalOutputAdded{id + "-o" + std::to_string(o), id, static_cast<double>(o),
                                                schema::InlineMedia{schema::Json("line " + std::to_string(o) + "\n"), std::nullopt},
                                                schema::StreamName::stdout_});
    writer.commit(events::ExecutionCompleted{q, id, schema::CompletionStatus::success, std::nullopt, schema::Timestamp{2}, 3});
    if (c % 20 == 19) testing_support::run_until(io, [&] { return writer.replica().pending() == 0; }, 60s);
  }
  testing_support::run_until(io, [&] { return writer.replica().pending() == 0; }, 60s);
}

// Runs the client's handlers one at a time until `done` (so a latency is not rounded up to
// run_until's 5 ms slices).
template <class F>
void until_precise(boost::asio::io_context& io, F done) {
  const auto deadline = Clock::now() + 10s;
  while (!done() && Clock::now() < deadline) {
    io.run_one_for(std::chrono::milliseconds(1));
    io.restart();
  }
}

tui::NotebookView make_view(const std::string& user) {
  return tui::NotebookView(tui::ViewOptions{user, false, [] { return std::to_string(std::rand()); }, [] { return 0.5; }});
}

// The first screen: header, the cells that fit in 45 rows, footer.
std::size_t first_screen(const schema::State& state, tui::NotebookView& view) {
  tui::LayoutInputs inputs;
  inputs.width = 120;
  const tui::Document doc = tui::lay_out(state, view, inputs);
  tui::Lines screen = tui::header(state, tui::HeaderInfo{"bench", "connected", true, 0, "me"}, 120);
  for (std::size_t i = 0; i < 41 && i < doc.lines.size(); ++i) screen.push_back(doc.lines[i]);
  screen.push_back(tui::footer(view));
  return screen.size();
}

}  // namespace

int main(int argc, char** argv) {
  std::setlocale(LC_ALL, "C.UTF-8");
  const int keystrokes = argc > 1 ? std::atoi(argv[1]) : 200;
  bench::InProcessServer server("tui");
  const std::string url = server.sync_url();
  seed(url, "big");

  std::vector<double> open_ms, pull_ms;
  for (int run = 0; run < 5; ++run) {
    {
      boost::asio::io_context io;
      const auto t0 = Clock::now();
      sync::SyncClient raw(io, client(url, "big", "raw-" + std::to_string(run)));
      raw.start();
      testing_support::run_until(io, [&] { return raw.replica().live(); }, 60s);
      pull_ms.push_back(ms_since(t0));
    }
    {
      boost::asio::io_context io;
      const auto t0 = Clock::now();
      notebook::SyncedNotebook nb(io, client(url, "big", "tui-" + std::to_string(run)));
      auto view = make_view("me");
      nb.start();
      testing_support::run_until(io, [&] { return nb.live(); }, 60s);
      view.reconcile(nb.state());
      first_screen(nb.state(), view);
      open_ms.push_back(ms_since(t0));
    }
  }
  std::printf("bench/tui: open a 500-cell / 20,000-event notebook to the first full screen: median %.1f ms (target <= 200 ms); "
              "peer, pulling the same log alone: median %.1f ms\n",
              percentile(open_ms, 50), percentile(pull_ms, 50));

  // Keystrokes: A types into a cell, B lays out its screen until it shows the text.
  {
    boost::asio::io_context io;
    notebook::SyncedNotebook a(io, client(url, "keys", "tui-a")), b(io, client(url, "keys", "tui-b"));
    auto view_a = make_view("a"), view_b = make_view("b");
    a.start();
    b.start();
    testing_support::run_until(io, [&] { return a.live() && b.live(); }, 30s);
    a.commit(events::CellCreatedV2{"typed", "a", schema::CellType::code, "a"});
    testing_support::run_until(io, [&] { return b.state().cells.find("typed") != nullptr; }, 30s);
    view_a.reconcile(a.state());
    view_b.reconcile(b.state());
    view_a.press(tui::Key::named(tui::Key::Name::enter), a.state(), 0);
    std::vector<double> latency;
    std::string expected;
    for (int i = 0; i < keystrokes; ++i) {
      const std::string ch(1, static_cast<char>('a' + i % 26));
      expected += ch;
      const auto t0 = Clock::now();
      for (auto& e : view_a.press(tui::Key::character(ch), a.state(), 0).commits) a.commit(e);
      until_precise(io, [&] {
        const auto* cell = b.state().cells.find("typed");
        if (!cell || cell->source != expected) return false;
        view_b.reconcile(b.state());
        first_screen(b.state(), view_b);
        return true;
      });
      latency.push_back(ms_since(t0));
    }
    // The peer: the same edits between two raw clients.
    sync::SyncClient ra(io, client(url, "raw-keys", "raw-a")), rb(io, client(url, "raw-keys", "raw-b"));
    ra.start();
    rb.start();
    testing_support::run_until(io, [&] { return ra.replica().live() && rb.replica().live(); }, 30s);
    ra.commit(events::CellCreatedV2{"typed", "a", schema::CellType::code, "a"});
    std::vector<double> peer;
    std::string text;
    for (int i = 0; i < keystrokes; ++i) {
      text += static_cast<char>('a' + i % 26);
      const auto t0 = Clock::now();
      ra.commit(events::CellSourceChanged{"typed", text, "a"});
      until_precise(io, [&] {
        const auto* cell = rb.replica().state().cells.find("typed");
        return cell && cell->source == text;
      });
      peer.push_back(ms_since(t0));
    }
    std::printf("bench/tui: keystroke in one TUI -> shown in another: p50 %.2f ms p99 %.2f ms (%d keys; target p99 <= 50 ms); "
                "peer, raw sync clients: p50 %.2f ms p99 %.2f ms\n",
                percentile(latency, 50), percentile(latency, 99), keystrokes, percentile(peer, 50), percentile(peer, 99));
  }
  return 0;
}
