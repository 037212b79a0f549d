#include "runt/tui/tui_app.hpp"

#include "runt/base/clock.hpp"
#include "runt/base/endpoint.hpp"
#include "runt/base/ids.hpp"
#include "runt/notebook/synced_notebook.hpp"
#include "runt/rest/client.hpp"
#include "runt/schema/json.hpp"
#include "runt/tui/notebook_layout.hpp"
#include "runt/tui/notebook_picker.hpp"
#include "runt/tui/notebook_view.hpp"
#include "runt/tui/terminal.hpp"

#include <boost/asio.hpp>

#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace runt::tui {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

struct Who {
  std::string user_id, name;
};

// The server's answer to a REST call, or one clear sentence why not.
schema::Json rest_json(const std::string& base, const std::string& method, const std::string& target, const std::string& token,
                       int& status, const std::string& body = "") {
  const auto response = rest::request(base, method, target, token, body);
  status = response.status;
  try {
    return schema::parse_json(response.body);
  } catch (const std::exception&) {
    return schema::Json(response.body);
  }
}

std::string error_text(const schema::Json& body) {
  if (body.is_object() && body.contains("error") && body["error"].is_string()) return body["error"].get<std::string>();
  return body.is_string() ? body.get<std::string>() : body.dump();
}

class App {
 public:
  App(const TuiOptions& options, const Who& who, bool read_only, Terminal& terminal, asio::io_context& io)
      : options_(options),
        who_(who),
        io_(io),
        terminal_(terminal),
        notebook_(io, client_options()),
        view_(ViewOptions{who.user_id, read_only, [] { return std::to_string(base::now_ms()) + "-" + base::random_hex(6); },
                          [this] { return std::uniform_real_distribution<double>(0, 1)(random_); }}),
        input_(io, ::dup(STDIN_FILENO)),
        read_only_(read_only) {
    if (read_only) view_.set_status("read-only: you are a reader of this notebook");
  }

  void run() {
    notebook_.subscribe([this](const notebook::Change& change) {
      if (!change.rejected.empty())
        view_.set_status("the server refused " + change.rejected.front().name + (change.error.empty() ? "" : ": " + change.error));
      view_.reconcile(notebook_.state());
      if (notebook_.live() && !profiled_ && !notebook_.state().actors.find(who_.user_id)) {
        profiled_ = true;
        notebook_.commit(schema::events::ActorProfileSet{who_.user_id, schema::ActorType::human, who_.name, std::nullopt});
      }
      schedule_redraw();
    });
    notebook_.start();
    read_input();
    tick();
    redraw();
    io_.run();
    notebook_.stop();
    for (auto& t : fetchers_) t.join();
  }

  void resized() {
    terminal_.resized();
    images_.clear();
    schedule_redraw();
  }
  void quit() {
    quitting_ = true;
    // Edits still unpushed get a moment to leave.
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    drain(deadline);
  }

 private:
  sync::ClientOptions client_options() {
    sync::ClientOptions o;
    o.url = options_.sync_url;
    o.store_id = options_.notebook_id;
    o.payload = {{"authToken", options_.auth_token}};
    o.client_id = "tui-" + base::random_hex(8);
    o.session_id = base::new_uuid();
    o.log = [this](const std::string& line) { log(line); };
    return o;
  }

  void log(const std::string& line) {
    logs_.push_back(line);
    if (logs_.size() > 200) logs_.pop_front();
  }

  void drain(std::chrono::steady_clock::time_point deadline) {
    if (notebook_.pending() == 0 || std::chrono::steady_clock::now() > deadline) {
      io_.stop();
      return;
    }
    drain_timer_.expires_after(20ms);
    drain_timer_.async_wait([this, deadline](boost::system::error_code) { drain(deadline); });
  }

  void read_input() {
    input_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
      if (ec || quitting_) return;
      const std::string before = view_.selected();
      for (const Key& key : terminal_.read_keys()) {
        const KeyOutcome out = view_.press(key, notebook_.state(), base::now_ms());
        for (const auto& e : out.commits) {
          try {
            notebook_.commit(e);
          } catch (const std::exception& ex) {
            view_.set_status(std::string("could not commit: ") + ex.what());
          }
        }
        if (out.quit) return quit();
      }
      if (view_.selected() != before) schedule_presence();
      schedule_redraw();
      read_input();
    });
  }

  // Who is where, for others' headers: after the selection rests for a moment.
  void schedule_presence() {
    presence_timer_.expires_after(300ms);
    presence_timer_.async_wait([this](boost::system::error_code ec) {
      // A reader's presence would be refused like any other write.
      if (ec || quitting_ || view_.selected().empty() || read_only_) return;
      notebook_.commit(schema::events::PresenceSet{who_.user_id, view_.selected()});
    });
  }

  // Liveness in the header is time-based (renewals expire).
  void tick() {
    tick_timer_.expires_after(1s);
    tick_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || quitting_) return;
      schedule_redraw();
      tick();
    });
  }

  void schedule_redraw() {
    if (redraw_pending_) return;
    redraw_pending_ = true;
    asio::post(io_, [this] {  // once per burst of changes
      redraw_pending_ = false;
      redraw();
    });
  }

  void fetch(const std::string& artifact) {
    if (!fetching_.insert(artifact).second) return;
    const std::string base = base::http_base_of(options_.sync_url), token = options_.auth_token;
    fetchers_.emplace_back([this, artifact, base, token] {
      std::string bytes;
      try {
        const auto response = rest::request(base, "GET", "/api/artifacts/" + artifact, token);
        if (response.status == 200) bytes = response.body;
      } catch (const std::exception&) {
      }
      asio::post(io_, [this, artifact, bytes = std::move(bytes)]() mutable {
        artifacts_[artifact] = std::move(bytes);
        schedule_redraw();
      });
    });
  }

  void redraw() {
    if (quitting_) return;
    const int rows = terminal_.rows(), columns = terminal_.columns();
    const auto& state = notebook_.state();
    HeaderInfo info{options_.notebook_id, "", notebook_.connected(), base::now_ms(), who_.user_id};
    if (!notebook_.live() && !ever_live_) info.connection = "connecting…";
    else if (notebook_.connected()) info.connection = notebook_.pending() ? "connected · sending" : "connected";
    else info.connection = "disconnected · " + std::to_string(notebook_.pending()) + " edits kept · reconnecting";
    ever_live_ = ever_live_ || notebook_.live();
    Lines screen = header(state, info, columns);
    const int body_rows = std::max(1, rows - static_cast<int>(screen.size()) - 1 - (view_.logs() ? 6 : 0));
    std::optional<std::pair<int, int>> cursor;
    if (view_.help()) {
      Lines help = help_screen();
      for (int i = 0; i < body_rows; ++i) screen.push_back(i < static_cast<int>(help.size()) ? help[static_cast<std::size_t>(i)] : Line{});
    } else {
      LayoutInputs inputs;
      inputs.width = columns;
      inputs.image_rows = std::max(6, std::min(20, body_rows / 2));
      inputs.images = &images_;
      inputs.artifact = [this](const std::string& id) -> const std::string* {
        const auto it = artifacts_.find(id);
        return it == artifacts_.end() || it->second.empty() ? nullptr : &it->second;
      };
      Document doc = lay_out(state, view_, inputs);
      for (const auto& id : doc.wanted_artifacts) fetch(id);
      for (const auto& block : doc.cells)
        if (block.cell_id == view_.selected()) view_.keep_in_view(block.top, block.bottom, body_rows);
      const int top = view_.scroll();
      for (int i = 0; i < body_rows; ++i) {
        const int at = top + i;
        screen.push_back(at < static_cast<int>(doc.lines.size()) ? doc.lines[static_cast<std::size_t>(at)] : Line{});
      }
      if (doc.cursor && doc.cursor->first >= top && doc.cursor->first < top + body_rows)
        cursor = std::pair<int, int>{doc.cursor->first - top + 3, doc.cursor->second};
    }
    if (view_.logs()) {
      Style dim;
      dim.dim = true;
      screen.push_back(Line{}.add(std::string(static_cast<std::size_t>(columns), '-'), dim));
      for (std::size_t i = logs_.size() > 5 ? logs_.size() - 5 : 0; i < logs_.size(); ++i) screen.push_back(Line{}.add(logs_[i], dim));
      while (static_cast<int>(screen.size()) < rows - 1) screen.push_back(Line{});
    }
    screen.push_back(footer(view_));
    terminal_.draw(screen, cursor);
  }

  const TuiOptions& options_;
  Who who_;
  asio::io_context& io_;
  Terminal& terminal_;
  notebook::SyncedNotebook notebook_;
  std::mt19937_64 random_{std::random_device{}()};
  NotebookView view_;
  asio::posix::stream_descriptor input_;
  bool read_only_;
  asio::steady_timer presence_timer_{io_}, tick_timer_{io_}, drain_timer_{io_};
  ImageCache images_;
  std::map<std::string, std::string> artifacts_;
  std::set<std::string> fetching_;
  std::vector<std::thread> fetchers_;
  std::deque<std::string> logs_;
  bool redraw_pending_ = false, quitting_ = false, profiled_ = false, ever_live_ = false;
};

// The list screen, on its own short-lived terminal session.
PickerChoice pick(std::vector<NotebookEntry> entries) {
  Terminal terminal;
  NotebookPicker picker(std::move(entries));
  for (;;) {
    terminal.draw(picker.lines(terminal.columns(), terminal.rows()), std::nullopt);
    pollfd input{STDIN_FILENO, POLLIN, 0};
    ::poll(&input, 1, 1000);
    for (const Key& key : terminal.read_keys())
      if (auto choice = picker.press(key)) return *choice;
  }
}

}  // namespace

int run_tui(const TuiOptions& options, std::ostream& err) {
  std::vector<std::string> missing;
  if (options.sync_url.empty()) missing.push_back("  the sync endpoint: --sync-url ws://HOST:PORT/livestore (or LIVESTORE_SYNC_URL)");
  if (options.auth_token.empty()) missing.push_back("  a token: --auth-token T (or RUNT_API_KEY, AUTH_TOKEN)");
  if (!missing.empty()) {
    err << "runt tui: missing configuration:\n";
    for (const auto& m : missing) err << m << "\n";
    return 2;
  }
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
    err << "runt tui: needs a terminal (standard input and output are not one); run it in a terminal, over ssh -t, or in tmux\n";
    return 2;
  }
  std::string base;
  try {
    base = base::http_base_of(options.sync_url);
  } catch (const std::exception& e) {
    err << "runt tui: " << e.what() << "\n";
    return 2;
  }
  Who who;
  bool read_only = false;
  TuiOptions chosen = options;
  try {
    int status = 0;
    const auto me = rest_json(base, "GET", "/api/me", options.auth_token, status);
    if (status == 401 || status == 403) {
      err << "runt tui: the server at " << base << " refused the token (HTTP " << status << "); check --auth-token, RUNT_API_KEY or AUTH_TOKEN\n";
      return 2;
    }
    if (status != 200 || !me.is_object()) {
      err << "runt tui: " << base << "/api/me answered HTTP " << status << ": " << error_text(me) << "\n";
      return 2;
    }
    who.user_id = me.value("id", std::string());
    who.name = me.value("name", who.user_id);
    if (chosen.notebook_id.empty()) {
      const auto list = rest_json(base, "GET", "/api/notebooks", options.auth_token, status);
      std::vector<NotebookEntry> entries;
      if (list.is_array())
        for (const auto& n : list)
          entries.push_back({n.value("id", std::string()), n.value("title", std::string()), n.value("role", std::string())});
      const PickerChoice choice = pick(std::move(entries));
      if (choice.kind == PickerChoice::Kind::quit) return 0;
      if (choice.kind == PickerChoice::Kind::create) {
        const auto created = rest_json(base, "POST", "/api/notebooks", options.auth_token, status, "{}");
        if (status != 201) {
          err << "runt tui: could not create a notebook (HTTP " << status << "): " << error_text(created) << "\n";
          return 2;
        }
        chosen.notebook_id = created.value("id", std::string());
      } else {
        chosen.notebook_id = choice.notebook_id;
      }
    }
    auto info = rest_json(base, "GET", "/api/notebooks/" + chosen.notebook_id, options.auth_token, status);
    // The operator may open any id; a notebook is known once it is in someone's list.
    bool known = status == 200 && info.value("head", std::int64_t{0}) > 0;
    if (status == 200 && !known) {
      int list_status = 0;
      const auto list = rest_json(base, "GET", "/api/notebooks", options.auth_token, list_status);
      if (list.is_array())
        for (const auto& n : list) known = known || n.value("id", std::string()) == chosen.notebook_id;
    }
    if (status == 200 && !known && options.create) {
      rest_json(base, "POST", "/api/notebooks", options.auth_token, status, schema::Json{{"id", chosen.notebook_id}}.dump());
      if (status != 201) {
        err << "runt tui: could not create notebook " << chosen.notebook_id << " (HTTP " << status << ")\n";
        return 2;
      }
      info = rest_json(base, "GET", "/api/notebooks/" + chosen.notebook_id, options.auth_token, status);
      known = true;
    }
    if (status == 404 || (status == 200 && !known)) {
      err << "runt tui: no notebook " << chosen.notebook_id << " on " << base
          << " (runt tui without a notebook lists yours; --create makes a new one)\n";
      return 2;
    }
    if (status != 200) {
      err << "runt tui: " << base << " answered HTTP " << status << " for notebook " << chosen.notebook_id << ": " << error_text(info) << "\n";
      return 2;
    }
    read_only = info.value("role", std::string()) == "reader";
  } catch (const std::exception& e) {
    err << "runt tui: cannot reach the server at " << base << ": " << e.what() << "\n";
    return 2;
  }

  asio::io_context io;
  // SIGWINCH is taken before curses starts, so curses leaves it to us.
  asio::signal_set signals(io, SIGWINCH, SIGTERM, SIGHUP);
  Terminal terminal;
  App app(chosen, who, read_only, terminal, io);
  std::function<void()> wait_signal;
  wait_signal = [&] {
    signals.async_wait([&](boost::system::error_code ec, int signal) {
      if (ec) return;
      if (signal == SIGWINCH) app.resized();
      else app.quit();
      wait_signal();
    });
  };
  wait_signal();
  app.run();
  return 0;
}

}  // namespace runt::tui
