#include "runt/tui/render/markdown.hpp"

#include "entities.hpp"
#include "runt/tui/render/highlight.hpp"
#include "runt/tui/render/html_text.hpp"
#include "runt/tui/render/theme.hpp"
#include "text_layout.hpp"

#include <md4c.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace runt::tui::render {

namespace {

std::string attribute_text(const MD_ATTRIBUTE& a) {
  std::string out;
  for (int i = 0; a.substr_offsets && a.substr_offsets[i] < a.size; ++i) {
    const std::string_view part(a.text + a.substr_offsets[i], a.substr_offsets[i + 1] - a.substr_offsets[i]);
    const auto decoded = a.substr_types[i] == MD_TEXT_ENTITY ? decode_entity(part) : std::nullopt;
    out += decoded ? *decoded : std::string(part);
  }
  return out;
}

Line spaces(int n) {
  Line l;
  l.add(std::string(static_cast<std::size_t>(std::max(0, n)), ' '));
  return l;
}

// md4c reports the document as nested blocks, spans and text (SAX style). Containers (quotes,
// list items) become prefixes; leaf blocks (paragraphs, headings, code, tables) are collected and
// then written, wrapped under those prefixes.
class MarkdownRenderer {
 public:
  explicit MarkdownRenderer(int width) : width_(width) {}

  Lines run(std::string_view markdown) {
    MD_PARSER parser{};
    parser.flags = MD_DIALECT_GITHUB;
    parser.enter_block = [](MD_BLOCKTYPE t, void* d, void* self) { return static_cast<MarkdownRenderer*>(self)->enter_block(t, d); };
    parser.leave_block = [](MD_BLOCKTYPE t, void* d, void* self) { return static_cast<MarkdownRenderer*>(self)->leave_block(t, d); };
    parser.enter_span = [](MD_SPANTYPE t, void* d, void* self) { return static_cast<MarkdownRenderer*>(self)->enter_span(t, d); };
    parser.leave_span = [](MD_SPANTYPE t, void*, void* self) { return static_cast<MarkdownRenderer*>(self)->leave_span(t); };
    parser.text = [](MD_TEXTTYPE t, const MD_CHAR* s, MD_SIZE n, void* self) {
      return static_cast<MarkdownRenderer*>(self)->text(t, std::string_view(s, n));
    };
    if (md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, this) != 0) {
      LineBuilder plain(4);  // md4c only fails when out of memory: show the source as it is
      plain.add(markdown);
      return plain.take();
    }
    return std::move(out_);
  }

 private:
  struct Container {
    bool quote;   // else a list item
    Line marker;  // a list item's "• " or "3. "
    bool marker_pending = true;
  };
  struct List {
    bool ordered;
    unsigned next;
    bool tight;
  };
  struct Table {
    std::vector<std::vector<Line>> rows;
    std::vector<MD_ALIGN> align;
    std::size_t header_rows = 0;
    bool in_head = false;
  };

  int enter_block(MD_BLOCKTYPE type, void* detail) {
    if (type != MD_BLOCK_TH && type != MD_BLOCK_TD) flush_inline();
    switch (type) {
      case MD_BLOCK_QUOTE:
        separate();
        containers_.push_back(Container{true, {}});
        break;
      case MD_BLOCK_UL:
      case MD_BLOCK_OL: {
        separate();
        const bool ordered = type == MD_BLOCK_OL;
        const auto* ol = static_cast<MD_BLOCK_OL_DETAIL*>(detail);
        const auto* ul = static_cast<MD_BLOCK_UL_DETAIL*>(detail);
        lists_.push_back(List{ordered, ordered ? ol->start : 0, (ordered ? ol->is_tight : ul->is_tight) != 0});
        break;
      }
      case MD_BLOCK_LI: {
        separate();
        const auto* li = static_cast<MD_BLOCK_LI_DETAIL*>(detail);
        List& list = lists_.back();
        static constexpr const char* bullets[] = {"• ", "◦ ", "▪ "};
        std::string marker =
            list.ordered ? std::to_string(list.next++) + ". " : bullets[(lists_.size() - 1) % 3];
        if (li->is_task) marker += li->task_mark == ' ' ? "[ ] " : "[x] ";
        Line m;
        m.add(marker, theme::muted);
        containers_.push_back(Container{false, std::move(m)});
        break;
      }
      case MD_BLOCK_H: {
        separate();
        const auto level = static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
        base_ = theme::heading(level);
        styles_ = {base_};
        inline_.back().add(std::string(static_cast<std::size_t>(level), '#') + " ", base_);
        has_inline_ = true;
        break;
      }
      case MD_BLOCK_P:
        separate();
        break;
      case MD_BLOCK_CODE: {
        separate();
        const auto* code = static_cast<MD_BLOCK_CODE_DETAIL*>(detail);
        code_lang_ = attribute_text(code->lang);
        code_.emplace();
        break;
      }
      case MD_BLOCK_HTML:
        separate();
        html_.emplace();
        break;
      case MD_BLOCK_HR: {
        separate();
        Line rule;
        std::string bar;
        for (int i = 0; i < available(); ++i) bar += "─";
        rule.add(bar, theme::muted);
        put_lines({rule});
        break;
      }
      case MD_BLOCK_TABLE:
        separate();
        table_.emplace();
        break;
      case MD_BLOCK_THEAD:
        table_->in_head = true;
        break;
      case MD_BLOCK_TBODY:
        table_->in_head = false;
        break;
      case MD_BLOCK_TR:
        table_->rows.emplace_back();
        if (table_->in_head) ++table_->header_rows;
        break;
      case MD_BLOCK_TH:
      case MD_BLOCK_TD:
        if (table_->rows.size() == 1) table_->align.push_back(static_cast<MD_BLOCK_TD_DETAIL*>(detail)->align);
        base_ = type == MD_BLOCK_TH ? Style{.bold = true} : Style{};
        styles_ = {base_};
        break;
      case MD_BLOCK_DOC:
        break;
    }
    return 0;
  }

  int leave_block(MD_BLOCKTYPE type, void*) {
    switch (type) {
      case MD_BLOCK_QUOTE:
        flush_inline();
        containers_.pop_back();
        break;
      case MD_BLOCK_LI:
        flush_inline();
        if (containers_.back().marker_pending) put_lines({Line{}});  // an empty item: its marker alone
        containers_.pop_back();
        break;
      case MD_BLOCK_UL:
      case MD_BLOCK_OL:
        lists_.pop_back();
        break;
      case MD_BLOCK_CODE:
        put_code(*code_);
        code_.reset();
        break;
      case MD_BLOCK_HTML: {
        const std::string text = html_to_text(*html_);  // a <details> or <img> written in the cell
        html_.reset();
        if (text.empty()) break;  // a comment
        LineBuilder b(4);
        b.add(text);
        for (const auto& l : b.take()) put_wrapped(l);
        gap_ = true;
        break;
      }
      case MD_BLOCK_TH:
      case MD_BLOCK_TD: {
        Line cell;  // hard breaks inside a cell become spaces: a row is one line
        for (std::size_t i = 0; i < inline_.size(); ++i) {
          if (i > 0) cell.add(" ");
          append(cell, inline_[i]);
        }
        table_->rows.back().push_back(std::move(cell));
        reset_inline();
        break;
      }
      case MD_BLOCK_TABLE:
        put_table(*table_);
        table_.reset();
        break;
      default:
        flush_inline();
        break;
    }
    return 0;
  }

  int enter_span(MD_SPANTYPE type, void* detail) {
    Style s = styles_.back();
    switch (type) {
      case MD_SPAN_EM:
        s.italic = true;
        break;
      case MD_SPAN_STRONG:
        s.bold = true;
        break;
      case MD_SPAN_DEL:
        s.dim = true;
        break;
      case MD_SPAN_U:
        s.underline = true;
        break;
      case MD_SPAN_CODE:
        s.fg = theme::code_span.fg;
        s.bg = theme::code_span.bg;
        break;
      case MD_SPAN_A:
        s.fg = theme::link.fg;
        s.underline = true;
        link_href_ = attribute_text(static_cast<MD_SPAN_A_DETAIL*>(detail)->href);
        link_text_.clear();
        break;
      case MD_SPAN_IMG:
        add_text("[image: ", theme::muted);
        s = theme::muted;
        break;
      default:
        break;
    }
    styles_.push_back(s);
    return 0;
  }

  int leave_span(MD_SPANTYPE type) {
    styles_.pop_back();
    if (type == MD_SPAN_IMG) add_text("]", theme::muted);
    if (type == MD_SPAN_A && link_href_) {
      const std::string href = std::move(*link_href_);
      link_href_.reset();
      if (!href.empty() && href != link_text_ && href != "mailto:" + link_text_) add_text(" (" + href + ")", theme::muted);
    }
    return 0;
  }

  int text(MD_TEXTTYPE type, std::string_view s) {
    if (code_) {
      *code_ += s;
      return 0;
    }
    if (html_) {
      *html_ += s;
      return 0;
    }
    switch (type) {
      case MD_TEXT_NULLCHAR:
        add_text("\uFFFD", styles_.back());
        break;
      case MD_TEXT_BR:
        inline_.emplace_back();
        break;
      case MD_TEXT_SOFTBR:
        add_text(" ", styles_.back());
        break;
      case MD_TEXT_ENTITY: {
        const auto decoded = decode_entity(s);
        add_text(decoded ? *decoded : std::string(s), styles_.back());
        break;
      }
      case MD_TEXT_HTML: {  // inline raw HTML: only a <br> means something here
        std::string tag(s);
        std::erase_if(tag, [](char c) { return c == ' ' || c == '/'; });
        if (tag == "<br>" || tag == "<BR>") inline_.emplace_back();
        break;
      }
      default:
        add_text(s, styles_.back());
        break;
    }
    return 0;
  }

  // Inline text into the current leaf block; control characters (tabs in text) become spaces.
  void add_text(std::string_view s, Style style) {
    std::string clean(s);
    for (auto& c : clean)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    inline_.back().add(clean, style);
    if (link_href_) link_text_ += clean;
    has_inline_ = true;
  }

  void reset_inline() {
    inline_.assign(1, Line{});
    has_inline_ = false;
    base_ = Style{};
    styles_ = {base_};
  }

  // Writes the paragraph, heading or tight list item text collected so far.
  void flush_inline() {
    if (!has_inline_) {
      reset_inline();
      return;
    }
    for (const auto& l : inline_) put_wrapped(l);
    reset_inline();
    gap_ = true;
  }

  // Blocks are separated by an empty line, except inside a tight list (its items included).
  void separate() {
    const bool tight = !lists_.empty() && lists_.back().tight;
    if (gap_ && !tight) {
      Line blank = prefix(false);
      while (!blank.spans.empty()) {  // no trailing spaces: only the quote bars stay
        std::string& t = blank.spans.back().text;
        t.erase(t.find_last_not_of(' ') + 1);
        if (!t.empty()) break;
        blank.spans.pop_back();
      }
      out_.push_back(std::move(blank));
    }
    gap_ = false;
  }

  // What goes before a line: quote bars and list indentation, a pending list marker on the
  // first line of an item.
  Line prefix(bool first) const {
    Line p;
    for (const auto& c : containers_) {
      if (c.quote) p.add("│ ", theme::muted);
      else if (first && c.marker_pending) append(p, c.marker);
      else append(p, spaces(display_width(c.marker.text())));
    }
    return p;
  }

  int available() const { return std::max(1, width_ - display_width(prefix(false).text())); }

  void consume_markers() {
    for (auto& c : containers_) c.marker_pending = false;
  }

  void put_wrapped(const Line& content) {
    for (auto& l : wrap_with_prefix(content, width_, prefix(true), prefix(false))) out_.push_back(std::move(l));
    consume_markers();
  }

  // Lines laid out already (code, tables, rules), put behind the prefixes unwrapped.
  void put_lines(const Lines& lines) {
    for (const auto& l : lines) {
      Line full = prefix(true);
      append(full, l);
      out_.push_back(std::move(full));
      consume_markers();
    }
    gap_ = true;
  }

  // A fenced or indented code block: two columns in, on a dark background one column wider
  // than its longest line on each side, long lines wrapped.
  void put_code(std::string code) {
    if (!code.empty() && code.back() == '\n') code.pop_back();
    const int inner = std::max(1, available() - 4);
    Lines lines;
    for (const auto& l : highlight_source(code, code_lang_))
      for (auto& w : wrap(l, inner)) lines.push_back(std::move(w));
    int box = 0;
    for (const auto& l : lines) box = std::max(box, display_width(l.text()));
    Lines boxed;
    for (const auto& l : lines) {
      Line b = spaces(2);
      const Style pad{.bg = theme::code_block_bg};
      b.add(" ", pad);
      for (Span s : l.spans) {
        s.style.bg = theme::code_block_bg;
        b.add(s.text, s.style);
      }
      b.add(std::string(static_cast<std::size_t>(box - display_width(l.text()) + 1), ' '), pad);
      boxed.push_back(std::move(b));
    }
    put_lines(boxed);
  }

  // Columns as wide as their widest cell (the widest narrowed until the table fits), cells
  // wrapped inside them, separated by " │ ", a rule under the header.
  void put_table(const Table& t) {
    std::size_t columns = 0;
    for (const auto& r : t.rows) columns = std::max(columns, r.size());
    if (columns == 0) return;
    std::vector<int> w(columns, 1);
    for (const auto& r : t.rows)
      for (std::size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], display_width(r[c].text()));
    const auto total = [&] {
      int sum = 3 * static_cast<int>(columns - 1);
      for (const int x : w) sum += x;
      return sum;
    };
    while (total() > available()) {
      auto widest = std::max_element(w.begin(), w.end());
      if (*widest <= 3) break;
      --*widest;
    }
    Lines lines;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      std::vector<Lines> cells(columns);
      std::size_t height = 1;
      for (std::size_t c = 0; c < columns; ++c) {
        cells[c] = c < t.rows[r].size() ? wrap(t.rows[r][c], w[c]) : Lines{Line{}};
        height = std::max(height, cells[c].size());
      }
      for (std::size_t h = 0; h < height; ++h) {
        Line row;
        for (std::size_t c = 0; c < columns; ++c) {
          if (c > 0) row.add(" │ ", theme::muted);
          const Line cell = h < cells[c].size() ? cells[c][h] : Line{};
          const int room = w[c] - display_width(cell.text());
          const MD_ALIGN a = c < t.align.size() ? t.align[c] : MD_ALIGN_DEFAULT;
          const int left = a == MD_ALIGN_RIGHT ? room : a == MD_ALIGN_CENTER ? room / 2 : 0;
          append(row, spaces(left));
          append(row, cell);
          if (c + 1 < columns) append(row, spaces(room - left));  // no trailing spaces
        }
        lines.push_back(std::move(row));
      }
      if (r + 1 == t.header_rows) {
        Line rule;
        for (std::size_t c = 0; c < columns; ++c) {
          std::string bar = c > 0 ? "─┼─" : "";
          for (int i = 0; i < w[c]; ++i) bar += "─";
          rule.add(bar, theme::muted);
        }
        lines.push_back(std::move(rule));
      }
    }
    put_lines(lines);
  }

  int width_;
  Lines out_;
  std::vector<Container> containers_;
  std::vector<List> lists_;
  Lines inline_{1};
  bool has_inline_ = false;
  Style base_;
  std::vector<Style> styles_{Style{}};
  bool gap_ = false;  // a block was written: the next one wants an empty line before it
  std::optional<std::string> code_;  // inside a code block: its text so far
  std::string code_lang_;
  std::optional<std::string> html_;  // inside an HTML block
  std::optional<Table> table_;
  std::optional<std::string> link_href_;  // inside a link
  std::string link_text_;
};

}  // namespace

Lines render_markdown(std::string_view markdown, int width) {
  return MarkdownRenderer(std::max(width, 8)).run(markdown);
}

}  // namespace runt::tui::render
