#include "runt/tui/edit_buffer.hpp"

#include "runt/tui/styled_text.hpp"

namespace runt::tui {

namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t previous_boundary(const std::string& s, std::size_t at) {
  if (at == 0) return 0;
  --at;
  while (at > 0 && continuation(s[at])) --at;
  return at;
}

std::size_t next_boundary(const std::string& s, std::size_t at) {
  if (at >= s.size()) return s.size();
  ++at;
  while (at < s.size() && continuation(s[at])) ++at;
  return at;
}

}  // namespace

EditBuffer::EditBuffer(std::string_view text) : original_(text) {
  std::size_t start = 0;
  for (;;) {
    const auto nl = text.find('\n', start);
    lines_.emplace_back(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  bottom();
}

std::string EditBuffer::text() const {
  std::string out;
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    if (i) out += '\n';
    out += lines_[i];
  }
  return out;
}

void EditBuffer::before(Edit kind, bool word_boundary) {
  // One undo step per word typed or deleted, one per other edit.
  if (kind != last_ || kind == Edit::other || word_boundary) {
    undo_.push_back(Snapshot{lines_, cursor_});
    if (undo_.size() > 1000) undo_.erase(undo_.begin());
  }
  redo_.clear();
  last_ = kind;
  has_goal_ = false;
}

void EditBuffer::insert(std::string_view utf8) {
  if (utf8.empty()) return;
  before(utf8 == "\n" || utf8.size() > 4 ? Edit::other : Edit::typing, utf8 == " ");
  for (std::size_t start = 0;;) {
    const auto nl = utf8.find('\n', start);
    const std::string_view piece = utf8.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    lines_[cursor_.line].insert(cursor_.byte, piece);
    cursor_.byte += piece.size();
    if (nl == std::string_view::npos) break;
    std::string rest = lines_[cursor_.line].substr(cursor_.byte);
    lines_[cursor_.line].erase(cursor_.byte);
    lines_.insert(lines_.begin() + static_cast<std::ptrdiff_t>(cursor_.line) + 1, std::move(rest));
    ++cursor_.line;
    cursor_.byte = 0;
    start = nl + 1;
  }
}

void EditBuffer::backspace() {
  if (cursor_.byte == 0 && cursor_.line == 0) return;
  before(Edit::deleting);
  std::string& line = lines_[cursor_.line];
  if (cursor_.byte > 0) {
    const std::size_t from = previous_boundary(line, cursor_.byte);
    line.erase(from, cursor_.byte - from);
    cursor_.byte = from;
    return;
  }
  std::string joined = std::move(line);
  lines_.erase(lines_.begin() + static_cast<std::ptrdiff_t>(cursor_.line));
  --cursor_.line;
  cursor_.byte = lines_[cursor_.line].size();
  lines_[cursor_.line] += joined;
}

void EditBuffer::delete_forward() {
  std::string& line = lines_[cursor_.line];
  if (cursor_.byte >= line.size() && cursor_.line + 1 >= lines_.size()) return;
  before(Edit::deleting);
  if (cursor_.byte < line.size()) {
    line.erase(cursor_.byte, next_boundary(line, cursor_.byte) - cursor_.byte);
    return;
  }
  line += lines_[cursor_.line + 1];
  lines_.erase(lines_.begin() + static_cast<std::ptrdiff_t>(cursor_.line) + 1);
}

void EditBuffer::left() {
  last_ = Edit::none;
  has_goal_ = false;
  if (cursor_.byte > 0) cursor_.byte = previous_boundary(lines_[cursor_.line], cursor_.byte);
  else if (cursor_.line > 0) cursor_ = {cursor_.line - 1, lines_[cursor_.line - 1].size()};
}

void EditBuffer::right() {
  last_ = Edit::none;
  has_goal_ = false;
  if (cursor_.byte < lines_[cursor_.line].size()) cursor_.byte = next_boundary(lines_[cursor_.line], cursor_.byte);
  else if (cursor_.line + 1 < lines_.size()) cursor_ = {cursor_.line + 1, 0};
}

std::size_t EditBuffer::column() const {
  return static_cast<std::size_t>(display_width(std::string_view(lines_[cursor_.line]).substr(0, cursor_.byte)));
}

void EditBuffer::to_column(std::size_t column) {
  const std::string& line = lines_[cursor_.line];
  std::size_t at = 0;
  while (at < line.size()) {
    const std::size_t next = next_boundary(line, at);
    if (static_cast<std::size_t>(display_width(std::string_view(line).substr(0, next))) > column) break;
    at = next;
  }
  cursor_.byte = at;
}

void EditBuffer::up() {
  last_ = Edit::none;
  if (!has_goal_) goal_column_ = column(), has_goal_ = true;
  if (cursor_.line == 0) return home();
  --cursor_.line;
  to_column(goal_column_);
}

void EditBuffer::down() {
  last_ = Edit::none;
  if (!has_goal_) goal_column_ = column(), has_goal_ = true;
  if (cursor_.line + 1 >= lines_.size()) {
    cursor_.byte = lines_[cursor_.line].size();
    return;
  }
  ++cursor_.line;
  to_column(goal_column_);
}

void EditBuffer::home() {
  last_ = Edit::none;
  has_goal_ = false;
  cursor_.byte = 0;
}

void EditBuffer::end() {
  last_ = Edit::none;
  has_goal_ = false;
  cursor_.byte = lines_[cursor_.line].size();
}

void EditBuffer::top() { cursor_ = {0, 0}; }

void EditBuffer::bottom() { cursor_ = {lines_.size() - 1, lines_.back().size()}; }

bool EditBuffer::undo() {
  if (undo_.empty()) return false;
  redo_.push_back(Snapshot{lines_, cursor_});
  lines_ = std::move(undo_.back().lines);
  cursor_ = undo_.back().cursor;
  undo_.pop_back();
  last_ = Edit::none;
  return true;
}

bool EditBuffer::redo() {
  if (redo_.empty()) return false;
  undo_.push_back(Snapshot{lines_, cursor_});
  lines_ = std::move(redo_.back().lines);
  cursor_ = redo_.back().cursor;
  redo_.pop_back();
  last_ = Edit::none;
  return true;
}

}  // namespace runt::tui
