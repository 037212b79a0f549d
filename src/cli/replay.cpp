#include "replay.hpp"

#include "runt/schema/codec.hpp"
#include "runt/schema/log_decoder.hpp"
#include "runt/schema/materialize.hpp"
#include "runt/schema/state_json.hpp"

#include <istream>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

namespace runt::cli {

using namespace runt::schema;

namespace {

// The log is read in blocks cut after their last newline, so memory stays bounded however long
// the log is, and each block is decoded in batches.
constexpr size_t kBlockBytes = 8 << 20;

}  // namespace

int replay(std::istream& in, std::ostream& out, std::ostream& err, const ReplayOptions& options) {
  State state;
  LogDecoder decoder;
  std::map<std::string, size_t> unknown;
  size_t invalid = 0;  // events whose args anode clients cannot decode: skipped
  std::optional<std::int64_t> head;
  size_t applied = 0;
  int status = 0;

  const auto on_line = [&](LogLine& line) {
    const auto fail = [&](const std::string& problem) {
      err << "runt replay: line " << line.number << ": " << problem << "\n";
      status = 2;
      return false;
    };
    std::optional<std::string> args_problem;
    if (!line.event) {
      try {
        std::rethrow_exception(line.error);
      } catch (const JsonSyntaxError& e) {
        return fail(std::string("malformed JSON: ") + e.what());
      } catch (const DecodeError& e) {
        // Servers that stored whatever they were pushed left such events in logs. Every anode
        // client fails on them; skipping them keeps the rest of the notebook readable. A broken
        // envelope is still an error: without it the chain cannot be checked.
        try {
          line.event = decoder.line_decoder().decode_logged_envelope(line.text);
        } catch (const DecodeError& envelope) {
          return fail(envelope.what());
        }
        args_problem = e.what();
      }
    }
    const LoggedEvent& logged = *line.event;
    if (logged.parentSeqNum < 0 || logged.seqNum < 1)
      return fail("seqNum " + std::to_string(logged.seqNum) + " / parentSeqNum " +
                  std::to_string(logged.parentSeqNum) + " out of range (global sequence numbers start at 1)");
    if (logged.seqNum - 1 != logged.parentSeqNum)
      return fail("seqNum " + std::to_string(logged.seqNum) + " does not follow parentSeqNum " +
                  std::to_string(logged.parentSeqNum));
    if (head && logged.parentSeqNum != *head)
      return fail("parentSeqNum " + std::to_string(logged.parentSeqNum) +
                  " does not continue the log (previous seqNum " + std::to_string(*head) + ")");
    head = logged.seqNum;
    if (args_problem) {
      err << "runt replay: line " << line.number << ": skipped " << *args_problem << "\n";
      ++invalid;
      return true;
    }
    try {
      if (materialize(state, std::move(line.event->event)))  // an unknown event is left for its name
        ++applied;
      else
        ++unknown[std::string(event_name(line.event->event))];
    } catch (const MaterializeError& e) {
      return fail(e.what());
    }
    return true;
  };

  std::string block;  // whole lines only; the tail of a read waits for the next one
  std::string tail;
  size_t next_line = 1;
  bool more = true;
  while (more) {
    block.swap(tail);
    tail.clear();
    const size_t kept = block.size();
    block.reserve(kept + kBlockBytes + 4096);  // the decoder pads the block's capacity
    block.resize(kept + kBlockBytes);
    in.read(block.data() + kept, static_cast<std::streamsize>(kBlockBytes));
    block.resize(kept + static_cast<size_t>(in.gcount()));
    more = static_cast<bool>(in);
    if (more) {
      const size_t cut = block.rfind('\n');
      if (cut == std::string::npos) {  // one line longer than a block: read on
        tail.swap(block);
        continue;
      }
      tail.assign(block, cut + 1);
      block.resize(cut + 1);
    }
    const std::optional<size_t> lines = decoder.decode(block, next_line, on_line);
    if (!lines) return status;
    next_line += *lines;
  }
  if (in.bad()) {
    err << "runt replay: read error after line " << next_line - 1 << "\n";
    return 1;
  }

  if (!unknown.empty()) {
    size_t total = 0;
    std::string names;
    for (const auto& [name, count] : unknown) {
      total += count;
      names += (names.empty() ? "" : ", ") + name + " (" + std::to_string(count) + ")";
    }
    err << "runt replay: skipped " << total << " event" << (total == 1 ? "" : "s")
        << " with unknown names: " << names << "\n";
  }
  if (invalid > 0)
    err << "runt replay: skipped " << invalid << " event" << (invalid == 1 ? "" : "s")
        << " whose args anode clients cannot decode\n";
  out << to_js_string(state_to_json(state), options.indent) << "\n";
  return 0;
}

}  // namespace runt::cli
