#pragma once
// What the terminal notebook shows and does, without a terminal: which cell is selected, the
// mode (command, edit, search, command line), the edit buffer, the scroll position, the
// status line — and what a key press means, as schema events to commit. Typing commits the
// source as it goes (others see it live, as in the browser); Ctrl+C puts the original back. The original's
// command keys are the baseline (runt-spec §6, its `R` defect fixed), with what a vim user
// expects added (gg/G, J/K, x, /, :q, ?).

#include "runt/schema/events.hpp"
#include "runt/schema/state.hpp"
#include "runt/tui/edit_buffer.hpp"
#include "runt/tui/key.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace runt::tui {

enum class Mode { command, edit, search, command_line };

struct ViewOptions {
  std::string user_id;     // the TUI person's actor: createdBy, modifiedBy, requestedBy …
  bool read_only = false;  // a reader: edits are refused with a message
  std::function<std::string()> new_id;      // cell and queue ids
  std::function<double()> random;           // fractional-index jitter, in [0, 1)
};

struct KeyOutcome {
  std::vector<schema::Event> commits;
  bool quit = false;
};

class NotebookView {
 public:
  explicit NotebookView(ViewOptions options);

  KeyOutcome press(const Key& key, const schema::State& state, std::int64_t now_ms);
  // After the notebook changed: a selected cell that is gone gives way to its neighbour;
  // nothing else moves (others' edits never move the selection).
  void reconcile(const schema::State& state);

  Mode mode() const { return mode_; }
  const std::string& selected() const { return selected_; }
  const EditBuffer* editor() const { return editor_ ? &*editor_ : nullptr; }
  const std::string& editing_cell() const { return editing_; }
  const std::string& status() const { return status_; }
  const std::string& prompt() const { return prompt_; }  // what is typed after / or :
  bool help() const { return help_; }
  bool logs() const { return logs_; }
  bool expanded(const std::string& cell) const { return expanded_.contains(cell); }
  void set_status(std::string text) { status_ = std::move(text); }

  // Scrolling, in lines of the laid-out notebook: the selected cell is kept in view.
  int scroll() const { return scroll_; }
  void keep_in_view(int cell_top, int cell_bottom, int height);

 private:
  KeyOutcome command_key(const Key& key, const schema::State& state, std::int64_t now_ms);
  KeyOutcome edit_key(const Key& key, const schema::State& state);
  KeyOutcome prompt_key(const Key& key, const schema::State& state);
  std::vector<const schema::CellRow*> cells(const schema::State& state) const;
  void select_offset(const schema::State& state, int offset);
  // A new cell next to `anchor` (above or below; no anchor: at the end).
  std::string create(const schema::State& state, schema::CellType type, const std::string& anchor, bool above, KeyOutcome& out);
  void run(const schema::State& state, const std::string& cell, KeyOutcome& out);
  void move(const schema::State& state, int direction, KeyOutcome& out);
  bool refuse_if_read_only();
  bool answer_approval(const schema::State& state, schema::ApprovalResponse response, std::int64_t now_ms, KeyOutcome& out);
  void search_next(const schema::State& state);

  ViewOptions options_;
  Mode mode_ = Mode::command;
  std::string selected_;
  std::optional<EditBuffer> editor_;
  std::string editing_;
  std::string edit_original_;   // the source when editing began (Ctrl+C puts it back)
  std::string edit_committed_;  // the source last committed while typing
  std::string status_;
  std::string prompt_;
  std::string search_;
  std::string pending_;  // the first key of gg or dd
  std::int64_t pending_at_ = 0;
  std::int64_t ctrl_c_at_ = -1;
  bool help_ = false, logs_ = false;
  std::set<std::string> expanded_;
  int scroll_ = 0;
};

}  // namespace runt::tui
