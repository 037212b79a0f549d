#include "runt/tui/render/json_view.hpp"

#include "runt/tui/render/theme.hpp"
#include "text_layout.hpp"

#include <algorithm>
#include <string>

namespace runt::tui::render {

namespace {

// A scalar as JSON text (invalid UTF-8 in strings replaced, not thrown on: outputs are untrusted).
std::string scalar_text(const nlohmann::json& v) { return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

Style scalar_style(const nlohmann::json& v) {
  if (v.is_string()) return theme::string;
  if (v.is_number()) return theme::number;
  return theme::constant;  // true, false, null
}

class JsonPrinter {
 public:
  explicit JsonPrinter(int width) : width_(width) {}

  // Writes `v` after whatever the current line holds (a key, or the indentation).
  void value(const nlohmann::json& v, int indent) {
    const bool object = v.is_object();
    if (!v.is_structured()) {
      current_.add(scalar_text(v), scalar_style(v));
      return;
    }
    if (v.empty()) {
      current_.add(object ? "{}" : "[]");
      return;
    }
    current_.add(object ? "{" : "[");
    std::size_t left = v.size();
    for (auto it = v.begin(); it != v.end(); ++it) {
      end_line();
      current_.add(std::string(static_cast<std::size_t>(indent + 2), ' '));
      if (object) {
        current_.add(scalar_text(nlohmann::json(it.key())), theme::key);
        current_.add(": ");
      }
      value(*it, indent + 2);
      if (--left > 0) current_.add(",");
    }
    end_line();
    current_.add(std::string(static_cast<std::size_t>(indent), ' '));
    current_.add(object ? "}" : "]");
  }

  Lines finish() {
    end_line();
    return std::move(lines_);
  }

 private:
  // The current line is complete; a long one (a long string) is wrapped so its continuations
  // sit two columns inside its indentation, keeping the tree readable.
  void end_line() {
    if (display_width(current_.text()) > width_ && !current_.spans.empty()) {
      std::string& head = current_.spans.front().text;  // the indentation leads the first span
      const std::size_t lead = std::min(head.find_first_not_of(' '), head.size());
      head.erase(0, lead);
      Line first, rest;
      first.add(std::string(lead, ' '));
      rest.add(std::string(lead + 2, ' '));
      for (auto& l : wrap_with_prefix(current_, width_, first, rest)) lines_.push_back(std::move(l));
    } else {
      lines_.push_back(std::move(current_));
    }
    current_ = Line{};
  }

  int width_;
  Line current_;
  Lines lines_;
};

}  // namespace

Lines render_json(const nlohmann::json& value, int width) {
  JsonPrinter p(width);
  p.value(value, 0);
  return p.finish();
}

}  // namespace runt::tui::render
