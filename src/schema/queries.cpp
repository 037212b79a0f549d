#include "runt/schema/queries.hpp"

#include <algorithm>

namespace runt::schema {

std::vector<const CellRow*> cells_in_order(const State& state) {
  auto cells = state.cells.in_insertion_order();
  std::sort(cells.begin(), cells.end(), [](const CellRow* a, const CellRow* b) {
    // SQLite sorts NULL before any text; keys compare bytewise.
    if (a->fractionalIndex != b->fractionalIndex) {
      if (!a->fractionalIndex) return true;
      if (!b->fractionalIndex) return false;
      return *a->fractionalIndex < *b->fractionalIndex;
    }
    return a->id < b->id;
  });
  return cells;
}

std::optional<std::string> output_text(const State& state, const OutputRow& row) {
  const auto deltas = state.outputDeltas.of_output(row.id);
  if (deltas.empty()) return row.data;
  std::string text = row.data.value_or("");
  for (const auto* d : deltas) text += d->delta;
  return text;
}

std::vector<OutputView> outputs_of_cell(const State& state, std::string_view cell_id) {
  std::vector<OutputView> out;
  const auto* ids = state.outputs.cell_rows(cell_id);
  if (ids == nullptr) return out;
  std::vector<std::pair<std::uint64_t, const OutputRow*>> rows;
  rows.reserve(ids->size());
  for (const auto& id : *ids) rows.emplace_back(state.outputs.rowid(id), state.outputs.find(id));
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.second->position != b.second->position) return a.second->position < b.second->position;
    return a.first < b.first;
  });
  out.reserve(rows.size());
  for (const auto& [rowid, row] : rows) out.push_back(OutputView{row, output_text(state, *row)});
  return out;
}

std::vector<const ExecutionQueueRow*> execution_queue(const State& state) {
  return state.executionQueue.in_insertion_order();
}

std::vector<const ExecutionQueueRow*> execution_queue(const State& state, QueueStatus status) {
  auto rows = state.executionQueue.in_insertion_order();
  std::erase_if(rows, [&](const ExecutionQueueRow* r) { return r->status != status; });
  return rows;
}

std::vector<const RuntimeSessionRow*> active_runtime_sessions(const State& state) {
  auto rows = state.runtimeSessions.in_insertion_order();
  std::erase_if(rows, [](const RuntimeSessionRow* r) { return !r->isActive; });
  return rows;
}

}  // namespace runt::schema
