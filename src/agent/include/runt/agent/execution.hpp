#pragma once
// One execution's identity, taken whole from its queue row (and the cell it runs) to the
// runtime: what to run, and the names its events carry.

#include "runt/schema/literals.hpp"

#include <cstdint>
#include <string>

namespace runt::agent {

struct Execution {
  std::string queue_id;  // the executionQueue row (v1.ExecutionRequested.queueId)
  std::string cell_id;
  std::string source;    // the cell's source when the row was handed to the runtime
  std::int64_t execution_count = 0;
  schema::CellType cell_type = schema::CellType::code;
  bool operator==(const Execution&) const = default;
};

}  // namespace runt::agent
