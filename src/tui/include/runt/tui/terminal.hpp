#pragma once
// The only place that talks to the terminal (ncursesw): draws a screen of styled lines and
// reads key presses. Everything above it works on Lines and Keys.

#include "runt/tui/key.hpp"
#include "runt/tui/styled_text.hpp"

#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace runt::tui {

class Terminal {
 public:
  // Takes over the terminal (raw keys, no echo, the alternate screen). Throws
  // std::runtime_error when standard input and output are not a terminal.
  Terminal();
  ~Terminal();  // gives the terminal back as it was
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  int rows() const;
  int columns() const;
  // After SIGWINCH: the terminal's new size.
  void resized();
  // The whole screen, top to bottom (lines beyond the screen are not drawn); only what
  // changed since the last draw reaches the terminal (curses compares).
  void draw(const Lines& screen, std::optional<std::pair<int, int>> cursor);
  // Every key waiting, without blocking.
  std::vector<Key> read_keys();

 private:
  int pair_for(std::int16_t fg, std::int16_t bg);
  std::map<std::pair<int, int>, int> pairs_;
};

}  // namespace runt::tui
