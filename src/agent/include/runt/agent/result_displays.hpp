#pragma once
// Which result outputs (execute_result) carry which display id, across the executions of one
// runtime session. Jupyter updates every output with a display id, results included (nbclient,
// JupyterLab); anode's v1.MultimediaDisplayOutputUpdated only updates display rows and a result
// event has no display id. v1.MultimediaResultOutputAdded is insert-replace by output id, so an
// ExecutionContext updates a result by adding it again (same id, cell, position, count).
//
// Adding consumes a pending clear_output(wait=True) of the cell, which would wipe the cell's
// other outputs: results of a cell with a pending clear are not offered for update (they keep
// their content, and the cell's next output wipes them anyway). The registry also forgets a
// cell's results when its outputs are wiped, so an update never brings a cleared result back.
//
// It only knows what went through the ExecutionContexts that share it. Not thread-safe: one
// session's executions run one at a time.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace runt::agent {

class ResultDisplays {
 public:
  struct Result {
    std::string output_id;
    std::string cell_id;
    double position = 0;
    std::int64_t execution_count = 0;
  };

  // A result output carrying `display_id` was added.
  void remember(const std::string& display_id, Result result);
  // The results that an update of `display_id` may add again.
  std::vector<Result> updatable(const std::string& display_id) const;

  // The cell's outputs were wiped at once (clear_output(), a new execution).
  void cell_cleared(const std::string& cell_id);
  // clear_output(wait=True): the cell's next added output wipes it.
  void clear_pending(const std::string& cell_id);
  // An output is about to be added to the cell: it consumes a pending clear.
  void output_added(const std::string& cell_id);

 private:
  std::map<std::string, std::vector<Result>, std::less<>> by_display_;
  std::set<std::string, std::less<>> pending_clears_;
};

}  // namespace runt::agent
