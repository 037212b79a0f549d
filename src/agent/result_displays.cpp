#include "runt/agent/result_displays.hpp"

#include <algorithm>

namespace runt::agent {

void ResultDisplays::remember(const std::string& display_id, Result result) {
  auto& results = by_display_[display_id];
  std::erase_if(results, [&](const Result& r) { return r.output_id == result.output_id; });
  results.push_back(std::move(result));
}

std::vector<ResultDisplays::Result> ResultDisplays::updatable(const std::string& display_id) const {
  std::vector<Result> out;
  const auto it = by_display_.find(display_id);
  if (it == by_display_.end()) return out;
  for (const auto& r : it->second)
    if (!pending_clears_.contains(r.cell_id)) out.push_back(r);
  return out;
}

void ResultDisplays::cell_cleared(const std::string& cell_id) {
  for (auto it = by_display_.begin(); it != by_display_.end();) {
    std::erase_if(it->second, [&](const Result& r) { return r.cell_id == cell_id; });
    it = it->second.empty() ? by_display_.erase(it) : std::next(it);
  }
}

void ResultDisplays::clear_pending(const std::string& cell_id) { pending_clears_.insert(cell_id); }

void ResultDisplays::output_added(const std::string& cell_id) {
  if (pending_clears_.erase(cell_id)) cell_cleared(cell_id);
}

}  // namespace runt::agent
