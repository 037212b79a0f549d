#include "runt/tui/notebook_layout.hpp"

#include "runt/base/base64.hpp"
#include "runt/schema/queries.hpp"
#include "runt/tui/render/ansi.hpp"
#include "runt/tui/render/highlight.hpp"
#include "runt/tui/render/html_text.hpp"
#include "runt/tui/render/image.hpp"
#include "runt/tui/render/json_view.hpp"
#include "runt/tui/render/markdown.hpp"

#include <algorithm>
#include <cstdio>

namespace runt::tui {

namespace {

constexpr int kGutter = 12;                 // "▌ 12 [ 3] ✓ "
constexpr std::size_t kTailLines = 40;      // a long output shows its tail until `o` expands it
constexpr const char* kToolCall = "application/vnd.anode.aitool+json";
constexpr const char* kToolResult = "application/vnd.anode.aitool.result+json";

Style fg(std::int16_t colour, bool bold = false) {
  Style s;
  s.fg = colour;
  s.bold = bold;
  return s;
}
Style dim() {
  Style s;
  s.dim = true;
  return s;
}

std::string duration_text(std::optional<std::int64_t> ms) {
  if (!ms) return "";
  char buf[32];
  if (*ms < 1000) std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(*ms));
  else std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(*ms) / 1000.0);
  return buf;
}

const schema::InlineMedia* inline_of(const schema::Representations& reps, std::string_view mime) {
  for (const auto& [m, media] : reps)
    if (m == mime) return std::get_if<schema::InlineMedia>(&media);
  return nullptr;
}

std::string text_of(const schema::InlineMedia* media) {
  if (!media || !media->data) return "";
  return media->data->is_string() ? media->data->get<std::string>() : media->data->dump(2);
}

class Builder {
 public:
  Builder(const schema::State& state, const NotebookView& view, const LayoutInputs& in, Document& doc)
      : state_(state), view_(view), in_(in), doc_(doc), body_(std::max(10, in.width - kGutter)) {}

  void cell(const schema::CellRow& cell, int number) {
    const bool selected = cell.id == view_.selected();
    const int top = static_cast<int>(doc_.lines.size());
    gutter_rows_.clear();
    gutter_rows_.push_back(gutter_first(cell, number));
    if (auto d = duration_text(cell.lastExecutionDurationMs); !d.empty()) gutter_rows_.push_back(d);
    cell_lines_ = 0;
    selected_ = selected;

    if (cell.cellType == schema::CellType::ai) {
      const std::string model = cell.aiModel.value_or("default model") + (cell.aiProvider ? " · " + *cell.aiProvider : "");
      add(Line{}.add("ai ", fg(135, true)).add(model, dim()));
    } else if (cell.cellType != schema::CellType::code) {
      add(Line{}.add(cell.cellType == schema::CellType::markdown ? "md" : cell.cellType == schema::CellType::sql ? "sql" : "raw", dim()));
    }
    if (view_.editing_cell() == cell.id && view_.editor()) source_editing(*view_.editor());
    else source(cell);
    outputs(cell);
    approvals(cell);
    if (cell_lines_ == 0) add(Line{});
    doc_.cells.push_back(CellBlock{cell.id, top, static_cast<int>(doc_.lines.size()) - 1});
  }

 private:
  std::string gutter_first(const schema::CellRow& cell, int number) {
    char buf[64];
    std::string count = cell.executionCount ? std::to_string(*cell.executionCount) : " ";
    if (cell.executionState == schema::ExecutionState::running) count = "*";
    std::snprintf(buf, sizeof buf, "%3d [%2s]", number, count.c_str());
    return buf;
  }

  const char* state_icon(const schema::CellRow& cell) const {
    switch (cell.executionState) {
      case schema::ExecutionState::queued: return "…";
      case schema::ExecutionState::running: return "▶";
      case schema::ExecutionState::completed: return "✓";
      case schema::ExecutionState::error: return "✗";
      default: return " ";
    }
  }

  // One line of the cell: the gutter for its row, then `line` (wrapped to the body width).
  void add(const Line& line, bool wrap_it = true) {
    const Lines pieces = wrap_it ? wrap(line, body_) : Lines{line};
    for (const auto& piece : pieces) {
      Line out;
      const std::size_t row = static_cast<std::size_t>(cell_lines_);
      const Style marker = view_.mode() == Mode::edit && selected_ ? fg(220, true) : fg(40, true);
      out.add(selected_ ? "▌" : " ", marker);
      if (row == 0) {
        out.add(gutter_rows_[0], selected_ ? fg(-1, true) : dim());
        const auto* cell = state_.cells.find(doc_cell_id());
        const char* icon = cell ? state_icon(*cell) : " ";
        Style icon_style = dim();
        if (cell && cell->executionState == schema::ExecutionState::error) icon_style = fg(196);
        if (cell && cell->executionState == schema::ExecutionState::completed) icon_style = fg(40);
        if (cell && cell->executionState == schema::ExecutionState::running) icon_style = fg(33);
        out.add(" ").add(icon, icon_style).add(" ");
      } else if (row < gutter_rows_.size()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%10s ", gutter_rows_[row].c_str());
        out.add(buf, dim());
      } else {
        out.add(std::string(kGutter - 1, ' '));
      }
      for (const auto& s : piece.spans) out.add(s.text, s.style);
      doc_.lines.push_back(std::move(out));
      ++cell_lines_;
    }
  }

  const std::string& doc_cell_id() const { return current_; }

 public:
  void begin(const std::string& id) { current_ = id; }

 private:
  void source(const schema::CellRow& cell) {
    if (cell.cellType == schema::CellType::markdown) {
      for (const auto& l : render::render_markdown(cell.source.empty() ? "*empty markdown cell*" : cell.source, body_)) add(l, false);
      return;
    }
    const std::string language = cell.cellType == schema::CellType::code ? "python" : cell.cellType == schema::CellType::sql ? "sql" : "";
    for (const auto& l : render::highlight_source(cell.source, language)) add(l);
  }

  void source_editing(const EditBuffer& buffer) {
    const Cursor c = buffer.cursor();
    for (std::size_t i = 0; i < buffer.lines().size(); ++i) {
      const std::string& text = buffer.lines()[i];
      Line l;
      if (i == c.line) {
        Style cursor;
        cursor.reverse = true;
        std::size_t next = c.byte;
        if (next < text.size()) {
          ++next;
          while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
        }
        l.add(text.substr(0, c.byte));
        l.add(next > c.byte ? text.substr(c.byte, next - c.byte) : " ", cursor);
        l.add(text.substr(next));
        doc_.cursor = std::pair<int, int>{static_cast<int>(doc_.lines.size()), kGutter + display_width(text.substr(0, c.byte))};
      } else {
        l.add(text);
      }
      add(l);
    }
  }

  void outputs(const schema::CellRow& cell) {
    if (!cell.outputVisible) return;
    std::string stream_text;
    const auto flush_stream = [&] {
      if (stream_text.empty()) return;
      output_lines(render::render_ansi(stream_text, body_ - 2));
      stream_text.clear();
    };
    for (const auto& view : schema::outputs_of_cell(state_, cell.id)) {
      const auto& row = *view.row;
      switch (row.outputType) {
        case schema::OutputType::terminal:
          if (row.artifactId) {
            flush_stream();
            output_lines({Line{}.add("[output stored as artifact " + *row.artifactId + "]", dim())});
          } else {
            stream_text += view.text.value_or("");
          }
          break;
        case schema::OutputType::error: {
          flush_stream();
          std::string text = row.data.value_or("");
          try {
            const auto e = schema::Json::parse(text);
            text.clear();
            if (e.contains("traceback") && e["traceback"].is_array() && !e["traceback"].empty())
              for (const auto& t : e["traceback"]) text += (t.is_string() ? t.get<std::string>() : t.dump()) + "\n";
            else
              text = e.value("ename", std::string("Error")) + ": " + e.value("evalue", std::string());
          } catch (const schema::Json::exception&) {
          }
          Lines lines = render::render_ansi(text, body_ - 2);
          for (auto& l : lines)
            for (auto& s : l.spans)
              if (s.style.fg < 0) s.style.fg = 203;
          output_lines(std::move(lines));
          break;
        }
        case schema::OutputType::markdown:
          flush_stream();
          output_lines(render::render_markdown(view.text.value_or(""), body_ - 2));
          break;
        case schema::OutputType::multimedia_display:
        case schema::OutputType::multimedia_result:
          flush_stream();
          if (row.representations) display(row, *row.representations);
          break;
      }
    }
    flush_stream();
  }

  // The terminal-preferring choice of representation (runt-spec §6).
  void display(const schema::OutputRow& row, const schema::Representations& reps) {
    if (const auto* call = inline_of(reps, kToolCall)) return tool_call(call);
    if (inline_of(reps, kToolResult)) return;  // its card already shows the result
    // An image first: chafa can draw it (its markdown or text is only a fallback).
    for (const auto& [m, media] : reps)
      if (m == "image/png") return image(row, media);
    if (const auto* md = inline_of(reps, "text/markdown")) return output_lines(render::render_markdown(text_of(md), body_ - 2));
    if (const auto* json = inline_of(reps, "application/json"); json && json->data)
      return output_lines(render::render_json(nlohmann::json::parse(json->data->dump()), body_ - 2));
    if (const auto* plain = inline_of(reps, "text/plain")) return output_lines(render::render_ansi(text_of(plain), body_ - 2));
    if (const auto* html = inline_of(reps, "text/html"))
      return output_lines(render::render_ansi(render::html_to_text(text_of(html)), body_ - 2));
    std::string mimes;
    for (const auto& [m, media] : reps) mimes += (mimes.empty() ? "" : ", ") + m;
    output_lines({Line{}.add("[" + mimes + ": not displayable in a terminal]", dim())});
  }

  void image(const schema::OutputRow& row, const schema::MediaRepresentation& media) {
    std::string bytes;
    std::string key;
    if (const auto* in = std::get_if<schema::InlineMedia>(&media)) {
      if (!in->data || !in->data->is_string()) return;
      bytes = base::decode_base64(in->data->get<std::string>()).value_or("");
      key = row.id;
    } else {
      const auto& artifact = std::get<schema::ArtifactMedia>(media).artifactId;
      const std::string* fetched = in_.artifact ? in_.artifact(artifact) : nullptr;
      if (!fetched) {
        doc_.wanted_artifacts.insert(artifact);
        return output_lines({Line{}.add("[image from the artifact store, loading…]", dim())});
      }
      bytes = *fetched;
      key = artifact;
    }
    const int columns = std::min(body_ - 2, 80);
    const auto draw = [&]() -> Lines {
      try {
        return render::render_image(bytes, columns, in_.image_rows);
      } catch (const std::exception& e) {
        return {Line{}.add(std::string("[image: ") + e.what() + "]", dim())};
      }
    };
    const std::string cache_key = key + "@" + std::to_string(columns) + "x" + std::to_string(in_.image_rows);
    output_lines(in_.images ? in_.images->get(cache_key, draw) : draw(), /*tail=*/false);
  }

  void tool_call(const schema::InlineMedia* call) {
    if (!call || !call->data || !call->data->is_object()) return;
    const auto& d = *call->data;
    const bool ok = d.value("status", std::string("success")) != "error";
    std::string result = d.value("result", std::string());
    std::replace(result.begin(), result.end(), '\n', ' ');
    if (display_width(result) > body_ - 30) result = result.substr(0, static_cast<std::size_t>(std::max(0, body_ - 30))) + "…";
    output_lines({Line{}.add("⚙ ", fg(135)).add(d.value("tool_name", std::string("tool")), fg(135, true)).add(ok ? " ✓ " : " ✗ ", ok ? fg(40) : fg(196)).add(result, dim())});
  }

  void approvals(const schema::CellRow& cell) {
    for (const auto* a : state_.toolApprovals.in_insertion_order())
      if (a->cellId == cell.id && a->status == schema::ApprovalStatus::pending)
        add(Line{}.add("⚠ the assistant asks to run ", fg(220)).add(a->toolName, fg(220, true)).add("  y", fg(40, true)).add(" once  ").add("A", fg(40, true)).add(" always  ").add("n", fg(196, true)).add(" deny"));
  }

  // Output lines, indented under the source; long ones tailed until `o` expands them.
  void output_lines(Lines lines, bool tail = true) {
    std::size_t skip = 0;
    if (tail && !view_.expanded(current_) && lines.size() > kTailLines) {
      skip = lines.size() - kTailLines;
      add(Line{}.add("  … " + std::to_string(skip) + " earlier lines (o shows them)", dim()));
    }
    for (std::size_t i = skip; i < lines.size(); ++i) {
      Line l;
      l.add("  ");
      for (const auto& s : lines[i].spans) l.add(s.text, s.style);
      add(l, false);
    }
  }

  const schema::State& state_;
  const NotebookView& view_;
  const LayoutInputs& in_;
  Document& doc_;
  int body_;
  std::vector<std::string> gutter_rows_;
  int cell_lines_ = 0;
  bool selected_ = false;
  std::string current_;
};

}  // namespace

const Lines& ImageCache::get(const std::string& key, const std::function<Lines()>& draw) {
  auto it = drawn_.find(key);
  if (it == drawn_.end()) it = drawn_.emplace(key, draw()).first;
  return it->second;
}

Document lay_out(const schema::State& state, const NotebookView& view, const LayoutInputs& inputs) {
  Document doc;
  Builder builder(state, view, inputs, doc);
  int number = 0;
  for (const auto* cell : schema::cells_in_order(state)) {
    builder.begin(cell->id);
    builder.cell(*cell, ++number);
  }
  if (number == 0) doc.lines.push_back(Line{}.add("  This notebook is empty: press b to add a cell.", dim()));
  return doc;
}

Lines header(const schema::State& state, const HeaderInfo& info, int width) {
  Lines out;
  const auto* title = state.notebookMetadata.find("title");
  Line first;
  first.add(" " + (title ? title->value : std::string("Untitled")), fg(-1, true)).add("  " + info.notebook_id, dim());
  const int used = display_width(first.text());
  const std::string conn = info.connection;
  first.add(std::string(static_cast<std::size_t>(std::max(1, width - used - display_width(conn) - 1)), ' '));
  first.add(conn, info.online ? fg(40) : fg(196));
  out.push_back(first);

  Line second;
  std::string runtime = "no runtime";
  Style runtime_style = fg(196);
  for (const auto* s : schema::active_runtime_sessions(state)) {
    if (s->status == schema::RuntimeStatus::terminated) continue;
    const bool expired = s->expiresAt && s->expiresAt->ms_since_epoch < info.now_ms;
    runtime = s->runtimeType + " · " + (expired ? "not responding" : std::string(schema::to_string(s->status)));
    runtime_style = expired ? fg(196) : fg(40);
    break;
  }
  second.add(" runtime: ", dim()).add(runtime, runtime_style);
  int running = 0, waiting = 0;
  for (const auto* q : state.executionQueue.in_insertion_order()) {
    if (q->status == schema::QueueStatus::executing) ++running;
    else if (q->status == schema::QueueStatus::pending || q->status == schema::QueueStatus::assigned) ++waiting;
  }
  if (running || waiting) second.add("  queue: ", dim()).add(std::to_string(running) + " running, " + std::to_string(waiting) + " waiting");
  std::string here;
  for (const auto* p : state.presence.in_insertion_order()) {
    if (p->userId == info.user_id) continue;
    const auto* actor = state.actors.find(p->userId);
    if (actor && actor->type == schema::ActorType::runtime_agent) continue;
    here += (here.empty() ? "" : ", ") + (actor ? actor->displayName : p->userId);
  }
  if (!here.empty()) second.add("  here: ", dim()).add(here, fg(214));
  out.push_back(second);
  out.push_back(Line{}.add(std::string(static_cast<std::size_t>(std::max(0, width)), '-'), dim()));
  return out;
}

Line footer(const NotebookView& view) {
  Line l;
  Style mode = fg(16, true);
  switch (view.mode()) {
    case Mode::command: mode.bg = 40; l.add(" COMMAND ", mode); break;
    case Mode::edit: mode.bg = 220; l.add(" EDIT ", mode); break;
    case Mode::search: mode.bg = 33; l.add(" / ", mode).add(view.prompt()); break;
    case Mode::command_line: mode.bg = 33; l.add(" : ", mode).add(view.prompt()); break;
  }
  l.add(" ");
  if (!view.status().empty() && view.mode() != Mode::search && view.mode() != Mode::command_line) l.add(view.status(), fg(214));
  else if (view.mode() == Mode::edit) l.add("Esc save · Ctrl+E save and run · Ctrl+C drop · Ctrl+Z undo", dim());
  else if (view.mode() == Mode::command) l.add("j/k move · i edit · r run · R run here · a/b add · dd delete · x interrupt · ? help · :q quit", dim());
  return l;
}

Lines help_screen() {
  Lines out;
  const auto row = [&](const char* keys, const char* what) { out.push_back(Line{}.add("  ").add(keys, fg(40, true)).add("  ").add(what)); };
  out.push_back(Line{}.add("  Keys (any key closes this)", fg(-1, true)));
  out.push_back(Line{});
  row("j k ↓ ↑      ", "select the next / previous cell (gg first, G last)");
  row("Enter i      ", "edit the cell (Esc saves, Ctrl+E saves and runs, Ctrl+C drops)");
  row("r            ", "run the cell and add a code cell below");
  row("R            ", "run the cell in place");
  row("a b          ", "add a code cell above / at the end (B below)");
  row("M A S        ", "add a markdown / AI cell above, an SQL cell below");
  row("dd           ", "delete the cell");
  row("J K          ", "move the cell down / up");
  row("C            ", "cycle the cell type: code, markdown, ai, sql");
  row("T            ", "cycle an AI cell's model");
  row("x            ", "interrupt the cell");
  row("y A n        ", "answer an AI tool approval: once, always, deny");
  row("o            ", "show a long output whole / tailed");
  row("/ n          ", "search in sources / next match");
  row("l            ", "show the log");
  row(":q  Ctrl+C×2 ", "quit");
  return out;
}

}  // namespace runt::tui
