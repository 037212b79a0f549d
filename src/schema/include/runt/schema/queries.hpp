#pragma once
// The reads clients need from the state.

#include "runt/schema/state.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runt::schema {

// Cells by fractionalIndex (byte order; a cell without one first), ties by id. anode promises
// the id tie-break in a comment but its queries leave ties in SQLite's row order; we keep the
// promise so every client lists tied cells the same way.
std::vector<const CellRow*> cells_in_order(const State& state);

struct OutputView {
  const OutputRow* row = nullptr;
  // `row->data` with the output's streamed deltas appended (by sequenceNumber).
  std::optional<std::string> text;
};
// A cell's outputs by position, ties in insertion order.
std::vector<OutputView> outputs_of_cell(const State& state, std::string_view cell_id);
// The output's final text: data plus its deltas, for terminal and markdown rows alike.
std::optional<std::string> output_text(const State& state, const OutputRow& row);

// Queue rows in request order, all of them or those with one status.
std::vector<const ExecutionQueueRow*> execution_queue(const State& state);
std::vector<const ExecutionQueueRow*> execution_queue(const State& state, QueueStatus status);

// The count the next execution request carries: anode numbers runs notebook-wide, one past
// the highest count any cell or queue row shows.
std::int64_t next_execution_count(const State& state);

// Sessions with isActive, in the order they (re)started.
std::vector<const RuntimeSessionRow*> active_runtime_sessions(const State& state);

}  // namespace runt::schema
