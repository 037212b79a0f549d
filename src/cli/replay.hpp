#pragma once
// `runt replay FILE`: materialize an exported log (one LiveStore-encoded event per line) and
// print the state as one JSON document.

#include <iosfwd>

namespace runt::cli {

struct ReplayOptions {
  int indent = 0;  // 0: compact
};

// Reads events from `in`; on success writes the state to `out` and returns 0. On a malformed
// line (bad JSON, a broken envelope), a broken seqNum chain or an event anode clients cannot
// materialize it writes `line N: problem` to `err`, nothing to `out`, and returns 2. Events
// whose args do not decode (stored before servers refused them) are skipped, each reported on
// `err` with its line, then counted; unknown event names are skipped and counted on `err`.
int replay(std::istream& in, std::ostream& out, std::ostream& err, const ReplayOptions& options);

}  // namespace runt::cli
