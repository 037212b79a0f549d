#include "runt/tui/notebook_view.hpp"

#include "runt/schema/fractional_index.hpp"
#include "runt/schema/queries.hpp"

#include <algorithm>

namespace runt::tui {

namespace events = schema::events;

namespace {

class Jitter final : public schema::JitterSource {
 public:
  explicit Jitter(const std::function<double()>& random) : random_(random) {}
  double random() override { return random_ ? random_() : 0.999; }

 private:
  const std::function<double()>& random_;
};

const schema::ExecutionQueueRow* active_row(const schema::State& state, const std::string& cell) {
  for (const auto* q : state.executionQueue.in_insertion_order())
    if (q->cellId == cell && (q->status == schema::QueueStatus::pending || q->status == schema::QueueStatus::assigned ||
                              q->status == schema::QueueStatus::executing))
      return q;
  return nullptr;
}

constexpr std::int64_t kPrefixWindowMs = 1000;  // gg, dd
constexpr std::int64_t kQuitWindowMs = 2000;    // Ctrl+C twice

}  // namespace

NotebookView::NotebookView(ViewOptions options) : options_(std::move(options)) {}

std::vector<const schema::CellRow*> NotebookView::cells(const schema::State& state) const { return schema::cells_in_order(state); }

void NotebookView::reconcile(const schema::State& state) {
  const auto list = cells(state);
  if (list.empty()) {
    selected_.clear();
    return;
  }
  if (selected_.empty() || !state.cells.find(selected_)) {
    // The neighbour that took its place, or the first cell.
    selected_ = list.front()->id;
  }
  if (!editing_.empty() && !state.cells.find(editing_)) {
    status_ = "the cell you were editing was deleted by someone else; your text is kept until Esc";
  }
}

void NotebookView::select_offset(const schema::State& state, int offset) {
  const auto list = cells(state);
  if (list.empty()) return;
  auto it = std::find_if(list.begin(), list.end(), [&](const auto* c) { return c->id == selected_; });
  std::ptrdiff_t i = it == list.end() ? 0 : it - list.begin();
  i = std::clamp<std::ptrdiff_t>(i + offset, 0, static_cast<std::ptrdiff_t>(list.size()) - 1);
  selected_ = list[static_cast<std::size_t>(i)]->id;
}

bool NotebookView::refuse_if_read_only() {
  if (!options_.read_only) return false;
  status_ = "read-only: you are a reader of this notebook";
  return true;
}

std::string NotebookView::create(const schema::State& state, schema::CellType type, const std::string& anchor, bool above, KeyOutcome& out) {
  const auto list = cells(state);
  std::optional<std::string_view> before, after;
  auto it = std::find_if(list.begin(), list.end(), [&](const auto* c) { return c->id == anchor; });
  if (anchor.empty() || it == list.end()) {
    if (!list.empty() && list.back()->fractionalIndex) before = *list.back()->fractionalIndex;
  } else if (above) {
    if ((*it)->fractionalIndex) after = *(*it)->fractionalIndex;
    if (it != list.begin() && (*(it - 1))->fractionalIndex) before = *(*(it - 1))->fractionalIndex;
  } else {
    if ((*it)->fractionalIndex) before = *(*it)->fractionalIndex;
    if (it + 1 != list.end() && (*(it + 1))->fractionalIndex) after = *(*(it + 1))->fractionalIndex;
  }
  std::vector<schema::CellReference> refs;
  for (const auto* c : list) refs.push_back({c->id, c->fractionalIndex, c->cellType});
  const std::string id = "cell-" + options_.new_id();
  Jitter jitter(options_.random);
  const schema::CellReference* before_ref = nullptr;
  const schema::CellReference* after_ref = nullptr;
  for (const auto& r : refs) {
    if (before && r.fractionalIndex && *r.fractionalIndex == *before) before_ref = &r;
    if (after && r.fractionalIndex && *r.fractionalIndex == *after) after_ref = &r;
  }
  auto creation = schema::create_cell_between(id, type, options_.user_id, before_ref, after_ref, refs, jitter);
  for (auto& e : creation.events) out.commits.push_back(std::move(e));
  return id;
}

void NotebookView::run(const schema::State& state, const std::string& cell, KeyOutcome& out) {
  const auto* row = state.cells.find(cell);
  if (!row) return;
  if (row->cellType != schema::CellType::code && row->cellType != schema::CellType::ai) {
    status_ = "only code and AI cells run";
    return;
  }
  out.commits.push_back(events::ExecutionRequested{"exec-" + options_.new_id(), cell, schema::next_execution_count(state), options_.user_id, options_.user_id});
}

void NotebookView::move(const schema::State& state, int direction, KeyOutcome& out) {
  const auto list = cells(state);
  auto it = std::find_if(list.begin(), list.end(), [&](const auto* c) { return c->id == selected_; });
  if (it == list.end()) return;
  const std::ptrdiff_t i = it - list.begin();
  const std::ptrdiff_t j = i + direction;
  if (j < 0 || j >= static_cast<std::ptrdiff_t>(list.size())) return;
  // Between the neighbour it passes and the one after that.
  const auto* passed = list[static_cast<std::size_t>(j)];
  const schema::CellRow* beyond = nullptr;
  const std::ptrdiff_t k = j + direction;
  if (k >= 0 && k < static_cast<std::ptrdiff_t>(list.size())) beyond = list[static_cast<std::size_t>(k)];
  const schema::CellRow* lower = direction > 0 ? passed : beyond;
  const schema::CellRow* upper = direction > 0 ? beyond : passed;
  std::vector<schema::CellReference> refs;
  for (const auto* c : list) refs.push_back({c->id, c->fractionalIndex, c->cellType});
  const auto ref = [&](const schema::CellRow* c) -> const schema::CellReference* {
    if (!c) return nullptr;
    for (const auto& r : refs)
      if (r.id == c->id) return &r;
    return nullptr;
  };
  Jitter jitter(options_.random);
  schema::CellReference me{(*it)->id, (*it)->fractionalIndex, (*it)->cellType};
  try {
    auto moved = schema::move_cell_with_rebalancing(me, ref(lower), ref(upper), refs, options_.user_id, jitter);
    for (auto& e : moved.events) out.commits.push_back(std::move(e));
  } catch (const std::exception& e) {
    status_ = std::string("cannot move the cell: ") + e.what();
  }
}

bool NotebookView::answer_approval(const schema::State& state, schema::ApprovalResponse response, std::int64_t now_ms, KeyOutcome& out) {
  for (const auto* a : state.toolApprovals.in_insertion_order())
    if (a->cellId == selected_ && a->status == schema::ApprovalStatus::pending) {
      if (refuse_if_read_only()) return true;
      out.commits.push_back(events::ToolApprovalResponded{a->toolCallId, response, options_.user_id, schema::Timestamp{now_ms}});
      status_ = response == schema::ApprovalResponse::denied ? "denied " + a->toolName : "allowed " + a->toolName;
      return true;
    }
  return false;
}

void NotebookView::search_next(const schema::State& state) {
  if (search_.empty()) return;
  const auto list = cells(state);
  auto it = std::find_if(list.begin(), list.end(), [&](const auto* c) { return c->id == selected_; });
  const std::size_t start = it == list.end() ? 0 : static_cast<std::size_t>(it - list.begin());
  for (std::size_t n = 1; n <= list.size(); ++n) {
    const auto* c = list[(start + n) % list.size()];
    if (c->source.find(search_) != std::string::npos) {
      selected_ = c->id;
      status_ = "/" + search_;
      return;
    }
  }
  status_ = "not found: " + search_;
}

void NotebookView::keep_in_view(int cell_top, int cell_bottom, int height) {
  if (height <= 0) return;
  if (cell_bottom - cell_top + 1 > height || cell_top < scroll_) scroll_ = cell_top;
  else if (cell_bottom >= scroll_ + height) scroll_ = cell_bottom - height + 1;
  scroll_ = std::max(0, scroll_);
}

KeyOutcome NotebookView::press(const Key& key, const schema::State& state, std::int64_t now_ms) {
  if (key.is_control('c') && mode_ == Mode::command) {
    if (ctrl_c_at_ >= 0 && now_ms - ctrl_c_at_ <= kQuitWindowMs) return KeyOutcome{{}, true};
    ctrl_c_at_ = now_ms;
    status_ = "Press Ctrl+C again to exit";
    return {};
  }
  ctrl_c_at_ = -1;
  switch (mode_) {
    case Mode::command: return command_key(key, state, now_ms);
    case Mode::edit: return edit_key(key, state);
    case Mode::search:
    case Mode::command_line: return prompt_key(key, state);
  }
  return {};
}

KeyOutcome NotebookView::command_key(const Key& key, const schema::State& state, std::int64_t now_ms) {
  KeyOutcome out;
  if (selected_.empty() || !state.cells.find(selected_)) reconcile(state);
  const bool prefix_live = !pending_.empty() && now_ms - pending_at_ <= kPrefixWindowMs;
  const std::string prefix = prefix_live ? pending_ : "";
  pending_.clear();
  if (help_ && !key.is("?")) help_ = false;
  const auto* cell = state.cells.find(selected_);
  using N = Key::Name;
  if (key.name == N::down || key.is("j")) select_offset(state, 1);
  else if (key.name == N::up || key.is("k")) select_offset(state, -1);
  else if (key.name == N::page_down) select_offset(state, 5);
  else if (key.name == N::page_up) select_offset(state, -5);
  else if (key.is("g")) {
    if (prefix == "g") select_offset(state, -1 << 20);
    else pending_ = "g", pending_at_ = now_ms;
  } else if (key.is("G")) select_offset(state, 1 << 20);
  else if (key.name == N::enter || key.is("i")) {
    if (!cell || refuse_if_read_only()) return out;
    editor_.emplace(cell->source);
    editing_ = cell->id;
    edit_original_ = edit_committed_ = cell->source;
    mode_ = Mode::edit;
    status_.clear();
  } else if (key.is("r")) {
    if (!cell || refuse_if_read_only()) return out;
    run(state, cell->id, out);
    selected_ = create(state, schema::CellType::code, cell->id, false, out);
  } else if (key.is("R")) {
    if (cell && !refuse_if_read_only()) run(state, cell->id, out);
  } else if (key.is("a")) {
    if (!refuse_if_read_only()) create(state, schema::CellType::code, selected_, true, out);
  } else if (key.is("b")) {
    if (!refuse_if_read_only()) selected_ = create(state, schema::CellType::code, "", false, out);
  } else if (key.is("B") || key.is("N")) {
    if (!refuse_if_read_only()) selected_ = create(state, schema::CellType::code, selected_, false, out);
  } else if (key.is("S")) {
    if (!refuse_if_read_only()) selected_ = create(state, schema::CellType::sql, selected_, false, out);
  } else if (key.is("M")) {
    if (!refuse_if_read_only()) selected_ = create(state, schema::CellType::markdown, selected_, true, out);
  } else if (key.is("A")) {
    // On an AI cell waiting for approval: allow always. Elsewhere: a new AI cell above.
    if (!answer_approval(state, schema::ApprovalResponse::approved_always, now_ms, out) && !refuse_if_read_only())
      selected_ = create(state, schema::CellType::ai, selected_, true, out);
  } else if (key.is("y")) {
    if (!answer_approval(state, schema::ApprovalResponse::approved_once, now_ms, out)) status_ = "nothing is waiting for approval here";
  } else if (key.is("n")) {
    if (!answer_approval(state, schema::ApprovalResponse::denied, now_ms, out)) search_next(state);
  } else if (key.is("d")) {
    if (prefix == "d") {
      if (cell && !refuse_if_read_only()) {
        select_offset(state, 1);
        if (selected_ == cell->id) select_offset(state, -1);
        out.commits.push_back(events::CellDeleted{cell->id, options_.user_id});
        if (selected_ == cell->id) selected_.clear();
      }
    } else {
      pending_ = "d", pending_at_ = now_ms;
    }
  } else if (key.is("C")) {
    if (!cell || refuse_if_read_only()) return out;
    static constexpr schema::CellType cycle[] = {schema::CellType::code, schema::CellType::markdown, schema::CellType::ai, schema::CellType::sql};
    auto at = std::find(std::begin(cycle), std::end(cycle), cell->cellType);
    const schema::CellType next = at == std::end(cycle) || at + 1 == std::end(cycle) ? cycle[0] : *(at + 1);
    out.commits.push_back(events::CellTypeChanged{cell->id, next, options_.user_id});
  } else if (key.is("T")) {
    if (!cell || cell->cellType != schema::CellType::ai || refuse_if_read_only()) return out;
    std::vector<std::pair<std::string, std::string>> models;  // provider, name
    for (const auto* s : schema::active_runtime_sessions(state))
      if (s->availableAiModels.is_array())
        for (const auto& m : s->availableAiModels)
          if (m.is_object() && m.contains("name") && m.contains("provider")) models.emplace_back(m["provider"].get<std::string>(), m["name"].get<std::string>());
    if (models.empty()) {
      status_ = "the runtime offers no AI models";
      return out;
    }
    const std::pair<std::string, std::string> current{cell->aiProvider.value_or(""), cell->aiModel.value_or("")};
    auto it = std::find(models.begin(), models.end(), current);
    const auto& next = it == models.end() || it + 1 == models.end() ? models.front() : *(it + 1);
    out.commits.push_back(events::AiSettingsChanged{cell->id, next.first, next.second, {}});
    status_ = "model: " + next.second + " (" + next.first + ")";
  } else if (key.is("J")) {
    if (!refuse_if_read_only()) move(state, 1, out);
  } else if (key.is("K")) {
    if (!refuse_if_read_only()) move(state, -1, out);
  } else if (key.is("x")) {
    if (!cell || refuse_if_read_only()) return out;
    if (const auto* row = active_row(state, cell->id))
      out.commits.push_back(events::ExecutionCancelled{row->id, cell->id, options_.user_id, options_.user_id, "interrupted from runt tui"});
    else
      status_ = "nothing is running in this cell";
  } else if (key.is("o")) {
    if (!expanded_.erase(selected_)) expanded_.insert(selected_);
  } else if (key.is("/")) {
    mode_ = Mode::search;
    prompt_.clear();
  } else if (key.is(":")) {
    mode_ = Mode::command_line;
    prompt_.clear();
  } else if (key.is("?")) {
    help_ = !help_;
  } else if (key.is("l") || key.is("L")) {
    logs_ = !logs_;
  }
  return out;
}

KeyOutcome NotebookView::edit_key(const Key& key, const schema::State& state) {
  KeyOutcome out;
  using N = Key::Name;
  EditBuffer& buffer = *editor_;
  const bool exists = state.cells.find(editing_) != nullptr;
  const auto commit_source = [&](const std::string& source) {
    if (!exists || source == edit_committed_) return;
    out.commits.push_back(events::CellSourceChanged{editing_, source, options_.user_id});
    edit_committed_ = source;
  };
  const auto leave = [&]() {
    selected_ = editing_.empty() ? selected_ : editing_;
    editor_.reset();
    editing_.clear();
    mode_ = Mode::command;
  };
  if (key.name == N::escape) {
    commit_source(buffer.text());
    leave();
    return out;
  }
  if (key.is_control('c')) {
    commit_source(edit_original_);
    leave();
    status_ = "changes dropped";
    return out;
  }
  if (key.is_control('e') || key.is_control('r')) {
    const std::string cell = editing_;
    commit_source(buffer.text());
    leave();
    run(state, cell, out);
    if (key.is_control('r')) selected_ = create(state, schema::CellType::code, cell, false, out);
    return out;
  }
  if (key.is_control('z')) buffer.undo();
  else if (key.is_control('y')) buffer.redo();
  else if (key.name == N::enter) buffer.insert("\n");
  else if (key.name == N::tab) buffer.insert("    ");
  else if (key.name == N::backspace) buffer.backspace();
  else if (key.name == N::delete_) buffer.delete_forward();
  else if (key.name == N::left) buffer.left();
  else if (key.name == N::right) buffer.right();
  else if (key.name == N::up) buffer.up();
  else if (key.name == N::down) buffer.down();
  else if (key.name == N::home || key.is_control('a')) buffer.home();
  else if (key.name == N::end) buffer.end();
  else if (key.name == N::none && !key.ctrl && !key.text.empty()) buffer.insert(key.text);
  commit_source(buffer.text());  // others see the typing as it happens
  return out;
}

KeyOutcome NotebookView::prompt_key(const Key& key, const schema::State& state) {
  KeyOutcome out;
  using N = Key::Name;
  if (key.name == N::escape || key.is_control('c')) {
    mode_ = Mode::command;
    prompt_.clear();
  } else if (key.name == N::backspace) {
    if (prompt_.empty()) mode_ = Mode::command;
    else {
      std::size_t at = prompt_.size() - 1;
      while (at > 0 && (static_cast<unsigned char>(prompt_[at]) & 0xC0) == 0x80) --at;
      prompt_.erase(at);
    }
  } else if (key.name == N::enter) {
    const Mode was = mode_;
    mode_ = Mode::command;
    if (was == Mode::search) {
      search_ = prompt_;
      search_next(state);
    } else if (prompt_ == "q" || prompt_ == "q!" || prompt_ == "quit" || prompt_ == "wq" || prompt_ == "x") {
      out.quit = true;
    } else if (!prompt_.empty()) {
      status_ = "unknown command :" + prompt_ + " (:q quits; ? lists the keys)";
    }
    prompt_.clear();
  } else if (key.name == N::none && !key.ctrl) {
    prompt_ += key.text;
  }
  return out;
}

}  // namespace runt::tui
