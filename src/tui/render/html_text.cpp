#include "runt/tui/render/html_text.hpp"

#include "entities.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace runt::tui::render {

namespace {

constexpr std::array block_tags = {"address", "article", "aside",  "blockquote", "dd",      "details",
                                   "div",     "dl",      "dt",     "fieldset",   "figcaption", "figure",
                                   "footer",  "form",    "h1",     "h2",         "h3",      "h4",
                                   "h5",      "h6",      "header", "hr",         "li",      "main",
                                   "nav",     "ol",      "p",      "pre",        "section", "summary",
                                   "table",   "tbody",   "thead",  "tfoot",      "tr",      "ul",
                                   "caption"};
constexpr std::array paragraph_tags = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote"};
constexpr std::array hidden_tags = {"script", "style", "title", "template"};  // content not shown

template <std::size_t N>
bool one_of(const std::array<const char*, N>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return name == n; });
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Accumulates the visible text line by line, collapsing whitespace as CSS `white-space: normal`.
class TextWriter {
 public:
  void text(std::string_view s) {
    for (const char c : s) {
      if (pre_ > 0 && c == '\n') {
        push_line();
      } else if (pre_ > 0 || !is_space(c)) {
        put(std::string_view(&c, 1));
      } else {
        space_ = true;
      }
    }
  }
  void literal(std::string_view s) { put(s); }  // never collapses (nbsp, cell separators, bullets)
  void block_edge() {  // a block starts or ends: a line break unless at a line's start already
    if (!line_.empty()) push_line();
    space_ = false;
  }
  void paragraph_edge() {
    block_edge();
    blank_wanted_ = true;
  }
  void hard_break() { push_line(); }  // <br>: always a new line, empty or not
  void enter_pre() { ++pre_; }
  void leave_pre() { pre_ = std::max(0, pre_ - 1); }
  void cell_start() {
    space_ = false;  // whitespace between cells is not content
    if (cells_++ > 0) literal(" | ");
  }
  void row_start() {
    block_edge();
    cells_ = 0;
  }
  void cell_end() { space_ = false; }

  std::string finish() {
    block_edge();
    while (!lines_.empty() && lines_.back().empty()) lines_.pop_back();
    std::size_t first = 0;
    while (first < lines_.size() && lines_[first].empty()) ++first;
    std::string out;
    for (std::size_t i = first; i < lines_.size(); ++i) out += (i > first ? "\n" : "") + lines_[i];
    return out;
  }

 private:
  // Visible text: the pending space first (not at a line's start), the blank line a paragraph
  // asked for before it.
  void put(std::string_view s) {
    if (blank_wanted_ && !lines_.empty() && !lines_.back().empty() && line_.empty()) lines_.emplace_back();
    blank_wanted_ = false;
    if (space_ && !line_.empty()) line_ += ' ';
    space_ = false;
    line_ += s;
  }
  void push_line() {
    while (!line_.empty() && line_.back() == ' ' && pre_ == 0) line_.pop_back();
    lines_.push_back(std::move(line_));
    line_.clear();
    space_ = false;
  }

  std::vector<std::string> lines_;
  std::string line_;
  bool space_ = false;        // whitespace seen, shown as one space if text follows on the line
  bool blank_wanted_ = false; // a paragraph ended: a blank line before the next text
  int pre_ = 0;
  int cells_ = 0;
};

// Where the tag starting at `at` ('<') ends (after '>'), quotes in attribute values respected.
std::size_t tag_end(std::string_view html, std::size_t at) {
  char quote = 0;
  for (std::size_t i = at + 1; i < html.size(); ++i) {
    if (quote) {
      if (html[i] == quote) quote = 0;
    } else if (html[i] == '"' || html[i] == '\'') {
      quote = html[i];
    } else if (html[i] == '>') {
      return i + 1;
    }
  }
  return html.size();
}

}  // namespace

std::string html_to_text(std::string_view html) {
  TextWriter w;
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<' && html.substr(i, 4) == "<!--") {
      const std::size_t close = html.find("-->", i + 4);
      i = close == std::string_view::npos ? html.size() : close + 3;
    } else if (c == '<' && i + 1 < html.size() &&
               (std::isalpha(static_cast<unsigned char>(html[i + 1])) || html[i + 1] == '/' || html[i + 1] == '!' ||
                html[i + 1] == '?')) {
      const std::size_t end = tag_end(html, i);
      const bool closing = html[i + 1] == '/';
      std::size_t n = i + (closing ? 2 : 1);
      std::size_t name_end = n;
      while (name_end < end && std::isalnum(static_cast<unsigned char>(html[name_end]))) ++name_end;
      const std::string name = lower(html.substr(n, name_end - n));
      const bool self_closing = end >= 2 && html[end - 2] == '/';
      i = end;
      if (!closing && !self_closing && one_of(hidden_tags, name)) {
        const std::string close = "</" + name;
        const std::string rest = lower(html.substr(i));
        const std::size_t at = rest.find(close);
        i = at == std::string::npos ? html.size() : tag_end(html, i + at);
        continue;
      }
      if (name == "br") {
        w.hard_break();
      } else if (name == "tr") {
        w.row_start();
      } else if (name == "td" || name == "th") {
        if (closing) w.cell_end();
        else w.cell_start();
      } else if (one_of(paragraph_tags, name)) {
        w.paragraph_edge();
        if (name == "pre") {
          if (closing) w.leave_pre();
          else w.enter_pre();
          if (!closing && i < html.size() && html[i] == '\n') ++i;  // as browsers: first newline dropped
        }
      } else if (one_of(block_tags, name)) {
        w.block_edge();
        if (name == "li" && !closing) w.literal("• ");
      }
    } else if (c == '&') {
      const std::size_t semi = html.find(';', i);
      const auto decoded = semi != std::string_view::npos && semi - i <= 12
                               ? decode_entity(html.substr(i, semi - i + 1))
                               : std::nullopt;
      if (!decoded) {
        w.text("&");
        ++i;
      } else {
        if (*decoded == "\u00a0") w.literal(" ");  // nbsp: a space that never collapses
        else w.text(*decoded);
        i = semi + 1;
      }
    } else {
      std::size_t end = i;
      while (end < html.size() && html[end] != '<' && html[end] != '&') ++end;
      if (end == i) end = i + 1;  // a '<' that starts no tag
      w.text(html.substr(i, end - i));
      i = end;
    }
  }
  return w.finish();
}

}  // namespace runt::tui::render
