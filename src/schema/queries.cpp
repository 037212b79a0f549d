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
  const auto* slots = state.outputs.cell_rows(cell_id);
  if (slots == nullptr) return out;
  std::vector<const OutputTable::Slot*> rows(slots->begin(), slots->end());
  std::sort(rows.begin(), rows.end(), [](const OutputTable::Slot* a, const OutputTable::Slot* b) {
    if (a->row.position != b->row.position) return a->row.position < b->row.position;
    return a->rowid < b->rowid;
  });
  out.reserve(rows.size());
  for (const auto* slot : rows) out.push_back(OutputView{&slot->row, output_text(state, slot->row)});
  return out;
}

std::int64_t next_execution_count(const State& state) {
  std::int64_t max = 0;
  for (const auto* c : state.cells.in_insertion_order()) max = std::max(max, c->executionCount.value_or(0));
  for (const auto* q : state.executionQueue.in_insertion_order()) max = std::max(max, q->executionCount);
  return max + 1;
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
