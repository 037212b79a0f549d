#include "runt/tui/terminal.hpp"

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <clocale>
#include <cwchar>
#include <stdexcept>

namespace runt::tui {

namespace {

std::string utf8_of(wint_t ch) {
  std::string out;
  const auto c = static_cast<std::uint32_t>(ch);
  if (c < 0x80) out += static_cast<char>(c);
  else if (c < 0x800) out += {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
  else if (c < 0x10000) out += {static_cast<char>(0xE0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)), static_cast<char>(0x80 | (c & 0x3F))};
  else out += {static_cast<char>(0xF0 | (c >> 18)), static_cast<char>(0x80 | ((c >> 12) & 0x3F)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)), static_cast<char>(0x80 | (c & 0x3F))};
  return out;
}

}  // namespace

Terminal::Terminal() {
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) throw std::runtime_error("runt tui needs a terminal (standard input and output are not one)");
  std::setlocale(LC_ALL, "");
  initscr();
  raw();  // Ctrl+C, Ctrl+Z and Ctrl+S are keys here
  noecho();
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  set_escdelay(25);
  curs_set(0);
  if (has_colors()) {
    start_color();
    use_default_colors();
  }
}

Terminal::~Terminal() { endwin(); }

int Terminal::rows() const { return LINES; }
int Terminal::columns() const { return COLS; }

void Terminal::resized() {
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 0 && size.ws_col > 0) resizeterm(size.ws_row, size.ws_col);
  clearok(stdscr, TRUE);
}

int Terminal::pair_for(std::int16_t fg, std::int16_t bg) {
  if (!has_colors()) return 0;
  if (fg >= COLORS) fg = -1;
  if (bg >= COLORS) bg = -1;
  const auto key = std::pair<int, int>{fg, bg};
  if (const auto it = pairs_.find(key); it != pairs_.end()) return it->second;
  const int pair = alloc_pair(fg, bg);  // ncurses 6.1: pairs allocated (and recycled) on demand
  pairs_[key] = pair < 0 ? 0 : pair;
  return pairs_[key];
}

void Terminal::draw(const Lines& screen, std::optional<std::pair<int, int>> cursor) {
  erase();
  for (int y = 0; y < LINES && y < static_cast<int>(screen.size()); ++y) {
    int x = 0;
    move(y, 0);
    for (const auto& span : screen[static_cast<std::size_t>(y)].spans) {
      if (x >= COLS) break;
      attr_t attrs = A_NORMAL;
      if (span.style.bold) attrs |= A_BOLD;
      if (span.style.dim) attrs |= A_DIM;
      if (span.style.italic) attrs |= A_ITALIC;
      if (span.style.underline) attrs |= A_UNDERLINE;
      if (span.style.reverse) attrs |= A_REVERSE;
      int pair = pair_for(span.style.fg, span.style.bg);
      attr_set(attrs, static_cast<short>(pair < 32768 ? pair : 0), pair < 32768 ? nullptr : &pair);
      // Only what fits: a span cut at the last column, never a wide character half drawn.
      std::string text;
      int width = 0;
      for (std::size_t at = 0; at < span.text.size();) {
        std::size_t next = at + 1;
        while (next < span.text.size() && (static_cast<unsigned char>(span.text[next]) & 0xC0) == 0x80) ++next;
        const int w = display_width(std::string_view(span.text).substr(at, next - at));
        if (x + width + w > COLS) break;
        text.append(span.text, at, next - at);
        width += w;
        at = next;
      }
      addnstr(text.c_str(), static_cast<int>(text.size()));
      x += width;
    }
  }
  attr_set(A_NORMAL, 0, nullptr);
  if (cursor && cursor->first >= 0 && cursor->first < LINES) {
    move(cursor->first, std::min(cursor->second, COLS - 1));
    curs_set(1);
  } else {
    curs_set(0);
  }
  refresh();
}

std::vector<Key> Terminal::read_keys() {
  std::vector<Key> keys;
  using N = Key::Name;
  for (;;) {
    wint_t ch = 0;
    const int kind = get_wch(&ch);
    if (kind == ERR) break;
    if (kind == KEY_CODE_YES) {
      switch (ch) {
        case KEY_UP: keys.push_back(Key::named(N::up)); break;
        case KEY_DOWN: keys.push_back(Key::named(N::down)); break;
        case KEY_LEFT: keys.push_back(Key::named(N::left)); break;
        case KEY_RIGHT: keys.push_back(Key::named(N::right)); break;
        case KEY_HOME: keys.push_back(Key::named(N::home)); break;
        case KEY_END: keys.push_back(Key::named(N::end)); break;
        case KEY_PPAGE: keys.push_back(Key::named(N::page_up)); break;
        case KEY_NPAGE: keys.push_back(Key::named(N::page_down)); break;
        case KEY_BACKSPACE: keys.push_back(Key::named(N::backspace)); break;
        case KEY_DC: keys.push_back(Key::named(N::delete_)); break;
        case KEY_ENTER: keys.push_back(Key::named(N::enter)); break;
        default: break;  // KEY_RESIZE and others: the app redraws on SIGWINCH
      }
      continue;
    }
    if (ch == 27) keys.push_back(Key::named(N::escape));
    else if (ch == '\n' || ch == '\r') keys.push_back(Key::named(N::enter));
    else if (ch == 127 || ch == 8) keys.push_back(Key::named(N::backspace));
    else if (ch == '\t') keys.push_back(Key::named(N::tab));
    else if (ch >= 1 && ch <= 26) keys.push_back(Key::control(static_cast<char>('a' + ch - 1)));
    else if (ch >= 32) keys.push_back(Key::character(utf8_of(ch)));
  }
  return keys;
}

}  // namespace runt::tui
