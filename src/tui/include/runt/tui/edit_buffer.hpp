#pragma once
// The edit mode's multi-line text: a cursor that moves by character (UTF-8 code point) and by
// line keeping its column, insert, delete, newline, and undo/redo in word-sized steps. No
// terminal here: the view draws it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace runt::tui {

struct Cursor {
  std::size_t line = 0;
  std::size_t byte = 0;  // within the line, always at a code point boundary
  bool operator==(const Cursor&) const = default;
};

class EditBuffer {
 public:
  explicit EditBuffer(std::string_view text = "");

  std::string text() const;
  const std::vector<std::string>& lines() const { return lines_; }
  Cursor cursor() const { return cursor_; }
  bool modified() const { return text() != original_; }

  void insert(std::string_view utf8);  // "\n" splits the line
  void backspace();
  void delete_forward();
  void left();
  void right();
  void up();
  void down();
  void home();
  void end();
  void top();     // the first line's start
  void bottom();  // the last line's end
  bool undo();
  bool redo();

 private:
  struct Snapshot {
    std::vector<std::string> lines;
    Cursor cursor;
  };
  enum class Edit { none, typing, deleting, other };
  void before(Edit kind, bool word_boundary = false);
  std::size_t column() const;  // display column of the cursor
  void to_column(std::size_t column);

  std::vector<std::string> lines_;
  Cursor cursor_;
  std::string original_;
  std::vector<Snapshot> undo_, redo_;
  Edit last_ = Edit::none;
  std::size_t goal_column_ = 0;  // kept across up/down through shorter lines
  bool has_goal_ = false;
};

}  // namespace runt::tui
