#pragma once
// A key press as the view model understands it, decoded from the terminal by the terminal
// layer (and written by tests directly).

#include <string>

namespace runt::tui {

struct Key {
  enum class Name { none, enter, escape, backspace, delete_, tab, up, down, left, right, home, end, page_up, page_down };
  Name name = Name::none;
  std::string text;   // a typed character (UTF-8) when name is none
  bool ctrl = false;  // Ctrl+<letter>: `text` is the lower-case letter

  static Key character(std::string utf8) { return Key{Name::none, std::move(utf8), false}; }
  static Key named(Name n) { return Key{n, "", false}; }
  static Key control(char letter) { return Key{Name::none, std::string(1, letter), true}; }
  bool is(const char* utf8) const { return name == Name::none && !ctrl && text == utf8; }
  bool is_control(char letter) const { return ctrl && text.size() == 1 && text[0] == letter; }
};

}  // namespace runt::tui
