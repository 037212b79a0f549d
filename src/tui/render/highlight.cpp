#include "runt/tui/render/highlight.hpp"

#include "runt/tui/render/theme.hpp"
#include "text_layout.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace runt::tui::render {

namespace {

constexpr std::array python_keywords = {
    "and",   "as",     "assert", "async",  "await",    "break", "class", "continue", "def",
    "del",   "elif",   "else",   "except", "finally",  "for",   "from",  "global",   "if",
    "import", "in",    "is",     "lambda", "nonlocal", "not",   "or",    "pass",     "raise",
    "return", "try",   "while",  "with",   "yield"};
constexpr std::array python_constants = {"True", "False", "None"};
constexpr std::array python_builtins = {
    "abs",      "all",       "any",        "bool",       "bytes",     "callable", "chr",
    "dict",     "dir",       "divmod",     "enumerate",  "filter",    "float",    "format",
    "frozenset", "getattr",  "hasattr",    "hash",       "help",      "hex",      "id",
    "input",    "int",       "isinstance", "issubclass", "iter",      "len",      "list",
    "map",      "max",       "min",        "next",       "object",    "open",     "ord",
    "pow",      "print",     "property",   "range",      "repr",      "reversed", "round",
    "set",      "setattr",   "slice",      "sorted",     "staticmethod", "str",   "sum",
    "super",    "tuple",     "type",       "vars",       "zip",       "self",     "cls",
    "classmethod", "Exception", "ValueError", "TypeError", "KeyError", "IndexError",
    "RuntimeError", "StopIteration", "NotImplemented", "Ellipsis"};

constexpr std::array sql_keywords = {
    "select", "from",   "where",  "and",     "or",      "not",     "in",       "is",     "null",
    "as",     "join",   "inner",  "left",    "right",   "outer",   "full",     "cross",  "on",
    "using",  "group",  "by",     "order",   "having",  "limit",   "offset",   "union",  "all",
    "distinct", "insert", "into", "values",  "update",  "set",     "delete",   "create", "table",
    "view",   "index",  "drop",   "alter",   "add",     "column",  "primary",  "key",    "foreign",
    "references", "with", "case", "when",    "then",    "else",    "end",      "asc",    "desc",
    "like",   "ilike",  "between", "exists", "true",    "false",   "if",       "replace", "over",
    "partition", "window", "returning", "default", "unique", "constraint", "check", "cast",
    "except", "intersect", "natural", "recursive", "materialized", "temporary", "temp"};
constexpr std::array sql_functions = {"count", "sum", "avg", "min", "max", "coalesce", "nullif",
                                      "lower", "upper", "length", "substr", "round", "abs",
                                      "row_number", "rank", "date", "now"};

template <std::size_t N>
bool contains(const std::array<const char*, N>& words, std::string_view word) {
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return word == w; });
}

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }
bool is_ident_char(char c) { return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_number(std::string_view s, std::size_t at) {
  return is_digit(s[at]) || (s[at] == '.' && at + 1 < s.size() && is_digit(s[at + 1]));
}

std::size_t identifier_end(std::string_view s, std::size_t at) {
  while (at < s.size() && is_ident_char(s[at])) ++at;
  return at;
}

// Writes s[from, to) in `style` and returns `to`, where scanning goes on.
std::size_t emit(LineBuilder& out, std::string_view s, std::size_t from, std::size_t to, Style style) {
  out.add(s.substr(from, to - from), style);
  return to;
}

std::size_t line_end(std::string_view s, std::size_t at) { return std::min(s.find('\n', at), s.size()); }

// A number starting at `at`: digits, letters (hex, suffixes, exponents), '_', '.', and a sign
// right after an exponent 'e'. Returns its end.
std::size_t number_end(std::string_view s, std::size_t at) {
  const bool hex = at + 1 < s.size() && s[at] == '0' && (s[at + 1] == 'x' || s[at + 1] == 'X');
  std::size_t i = at;
  while (i < s.size()) {
    const char c = s[i];
    if (is_ident_char(c) || c == '.') {
      ++i;
    } else if ((c == '+' || c == '-') && !hex && (s[i - 1] == 'e' || s[i - 1] == 'E')) {
      ++i;
    } else {
      break;
    }
  }
  return i;
}

class PythonHighlighter {
 public:
  explicit PythonHighlighter(LineBuilder& out) : out_(out) {}

  void run(std::string_view s) {
    std::size_t i = 0;
    bool line_start = true;  // only whitespace so far on this line (decorators)
    while (i < s.size()) {
      const char c = s[i];
      if (c == '\n') {
        out_.add("\n");
        ++i;
        line_start = true;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        out_.add(s.substr(i, 1));
        ++i;
        continue;
      }
      const bool was_line_start = line_start;
      line_start = false;
      if (c == '#') {
        i = emit(out_, s, i, line_end(s, i), theme::comment);
      } else if (c == '@' && was_line_start && i + 1 < s.size() && is_ident_start(s[i + 1])) {
        std::size_t end = i + 1;
        while (end < s.size() && (is_ident_char(s[end]) || s[end] == '.')) ++end;
        i = emit(out_, s, i, end, theme::decorator);
      } else if (const std::size_t quote = string_start(s, i); quote != std::string_view::npos) {
        i = string(s, i, quote);
      } else if (starts_number(s, i)) {
        i = emit(out_, s, i, number_end(s, i), theme::number);
      } else if (is_ident_start(c)) {
        const std::size_t end = identifier_end(s, i);
        const std::string_view word = s.substr(i, end - i);
        const bool attribute = i > 0 && s[i - 1] == '.';  // obj.print is no builtin
        out_.add(word, contains(python_keywords, word)    ? theme::keyword
                       : contains(python_constants, word) ? theme::constant
                       : contains(python_builtins, word) && !attribute ? theme::builtin
                                                                        : theme::plain);
        i = end;
      } else {
        out_.add(s.substr(i, 1));
        ++i;
      }
    }
  }

 private:
  // Where the quote of a string literal starting at `at` is (after a prefix such as f, rb), or npos.
  static std::size_t string_start(std::string_view s, std::size_t at) {
    std::size_t i = at;
    while (i < s.size() && i - at < 2 && std::string_view("rRbBuUfF").find(s[i]) != std::string_view::npos) ++i;
    if (i < s.size() && (s[i] == '\'' || s[i] == '"')) {
      if (at > 0 && is_ident_char(s[at - 1])) return std::string_view::npos;
      return i;
    }
    return std::string_view::npos;
  }

  // Emits the string literal at `at` (its quote at `quote`) and returns its end. f-strings show
  // their replacement fields as code; single-quoted strings end at the line's end if unclosed.
  std::size_t string(std::string_view s, std::size_t at, std::size_t quote) {
    const std::string_view prefix = s.substr(at, quote - at);
    const bool f = prefix.find_first_of("fF") != std::string_view::npos;
    const bool triple = s.substr(quote, 3) == std::string(3, s[quote]);
    const std::string_view closer = s.substr(quote, triple ? 3 : 1);
    std::size_t i = quote + closer.size();
    std::size_t run = at;  // start of the string text not yet emitted
    while (i < s.size()) {
      if (s[i] == '\\') {
        i += 2;
      } else if (s.substr(i, closer.size()) == closer) {
        i += closer.size();
        break;
      } else if (s[i] == '\n' && !triple) {
        break;
      } else if (f && s[i] == '{' && i + 1 < s.size() && s[i + 1] == '{') {
        i += 2;
      } else if (f && s[i] == '{') {
        out_.add(s.substr(run, i - run), theme::string);
        i = replacement_field(s, i);
        run = i;
      } else {
        ++i;
      }
    }
    i = std::min(i, s.size());
    out_.add(s.substr(run, i - run), theme::string);
    return i;
  }

  // An f-string's {expression}: braces in the string colour, the expression highlighted as code.
  std::size_t replacement_field(std::string_view s, std::size_t open) {
    int depth = 0;
    std::size_t i = open;
    for (; i < s.size() && s[i] != '\n'; ++i) {
      if (s[i] == '{') ++depth;
      if (s[i] == '}' && --depth == 0) break;
    }
    const std::size_t close = std::min(i, s.size());
    out_.add("{", theme::string);
    PythonHighlighter(out_).run(s.substr(open + 1, close - open - 1));
    if (close < s.size() && s[close] == '}') {
      out_.add("}", theme::string);
      return close + 1;
    }
    return close;
  }

  LineBuilder& out_;
};

void highlight_sql(std::string_view s, LineBuilder& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (s.substr(i, 2) == "--") {
      i = emit(out, s, i, line_end(s, i), theme::comment);
    } else if (s.substr(i, 2) == "/*") {
      const std::size_t close = s.find("*/", i + 2);
      i = emit(out, s, i, close == std::string_view::npos ? s.size() : close + 2, theme::comment);
    } else if (c == '\'') {
      std::size_t end = i + 1;
      while (end < s.size()) {  // '' is an escaped quote
        if (s[end] == '\'' && end + 1 < s.size() && s[end + 1] == '\'') end += 2;
        else if (s[end++] == '\'') break;
      }
      i = emit(out, s, i, end, theme::string);
    } else if (starts_number(s, i)) {
      i = emit(out, s, i, number_end(s, i), theme::number);
    } else if (is_ident_start(c)) {
      const std::size_t end = identifier_end(s, i);
      const std::string word = lower(s.substr(i, end - i));
      out.add(s.substr(i, end - i), contains(sql_keywords, word)    ? theme::keyword
                                    : contains(sql_functions, word) ? theme::builtin
                                                                    : theme::plain);
      i = end;
    } else {
      out.add(s.substr(i, 1));
      ++i;
    }
  }
}

}  // namespace

Lines highlight_source(std::string_view source, std::string_view language) {
  LineBuilder out(4);
  const std::string lang = lower(language);
  if (lang == "python" || lang == "py" || lang == "python3" || lang == "ipython" || lang == "ipython3") {
    PythonHighlighter(out).run(source);
  } else if (lang == "sql") {
    highlight_sql(source, out);
  } else {
    out.add(source);
  }
  return out.take();
}

}  // namespace runt::tui::render
