#include "runt/tui/notebook_picker.hpp"

#include <algorithm>

namespace runt::tui {

std::optional<PickerChoice> NotebookPicker::press(const Key& key) {
  using N = Key::Name;
  if (key.name == N::down || key.is("j")) selected_ = std::min(selected_ + 1, entries_.empty() ? 0 : entries_.size() - 1);
  else if (key.name == N::up || key.is("k")) selected_ = selected_ > 0 ? selected_ - 1 : 0;
  else if (key.name == N::enter && !entries_.empty()) return PickerChoice{PickerChoice::Kind::open, entries_[selected_].id};
  else if (key.is("n")) return PickerChoice{PickerChoice::Kind::create, ""};
  else if (key.is("q") || key.name == N::escape || key.is_control('c')) return PickerChoice{PickerChoice::Kind::quit, ""};
  return std::nullopt;
}

Lines NotebookPicker::lines(int width, int height) const {
  Lines out;
  Style bold;
  bold.bold = true;
  Style dim;
  dim.dim = true;
  out.push_back(Line{}.add(" Your notebooks", bold));
  out.push_back(Line{}.add(std::string(static_cast<std::size_t>(std::max(0, width)), '-'), dim));
  if (entries_.empty()) out.push_back(Line{}.add("  none yet: press n to create one", dim));
  const int room = std::max(1, height - 4);
  const std::size_t first = selected_ >= static_cast<std::size_t>(room) ? selected_ - static_cast<std::size_t>(room) + 1 : 0;
  for (std::size_t i = first; i < entries_.size() && out.size() < static_cast<std::size_t>(height - 1); ++i) {
    Style style;
    style.reverse = i == selected_;
    const auto& e = entries_[i];
    out.push_back(Line{}.add(i == selected_ ? "▌ " : "  ").add(e.title.empty() ? "Untitled" : e.title, style).add("  " + e.id + "  " + e.role, dim));
  }
  while (static_cast<int>(out.size()) < height - 1) out.push_back(Line{});
  out.push_back(Line{}.add(" j/k move · Enter open · n new notebook · q quit", dim));
  return out;
}

}  // namespace runt::tui
