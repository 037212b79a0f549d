#pragma once
// `runt tui` without a notebook: the server's list of yours to open one from, or a new one.
// The model only (keys in, a choice out); the app draws it.

#include "runt/tui/key.hpp"
#include "runt/tui/styled_text.hpp"

#include <optional>
#include <string>
#include <vector>

namespace runt::tui {

struct NotebookEntry {
  std::string id, title, role;
};

struct PickerChoice {
  enum class Kind { open, create, quit };
  Kind kind = Kind::quit;
  std::string notebook_id;  // open
};

class NotebookPicker {
 public:
  explicit NotebookPicker(std::vector<NotebookEntry> entries) : entries_(std::move(entries)) {}
  // j/k/arrows move, Enter opens, n creates a new notebook, q/Esc/Ctrl+C leaves.
  std::optional<PickerChoice> press(const Key& key);
  Lines lines(int width, int height) const;

 private:
  std::vector<NotebookEntry> entries_;
  std::size_t selected_ = 0;
};

}  // namespace runt::tui
