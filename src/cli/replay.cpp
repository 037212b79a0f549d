#include "replay.hpp"

#include "runt/schema/codec.hpp"
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

int replay(std::istream& in, std::ostream& out, std::ostream& err, const ReplayOptions& options) {
  State state;
  EventDecoder decoder;
  std::map<std::string, size_t> unknown;
  size_t invalid = 0;  // events whose args anode clients cannot decode: skipped
  std::optional<std::int64_t> head;
  std::string line;
  size_t line_number = 0;
  size_t applied = 0;

  const auto fail = [&](const std::string& problem) {
    err << "runt replay: line " << line_number << ": " << problem << "\n";
    return 2;
  };

  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    LoggedEvent logged;
    std::optional<std::string> args_problem;
    try {
      logged = decoder.decode_logged_event(line);
    } catch (const JsonSyntaxError& e) {
      return fail(std::string("malformed JSON: ") + e.what());
    } catch (const DecodeError& e) {
      // Servers that stored whatever they were pushed left such events in logs. Every anode
      // client fails on them; skipping them keeps the rest of the notebook readable. A broken
      // envelope is still an error: without it the chain cannot be checked.
      try {
        logged = decoder.decode_logged_envelope(line);
      } catch (const DecodeError& envelope) {
        return fail(envelope.what());
      }
      args_problem = e.what();
    }
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
      err << "runt replay: line " << line_number << ": skipped " << *args_problem << "\n";
      ++invalid;
      continue;
    }
    try {
      if (materialize(state, std::move(logged.event)))  // an unknown event is left for its name
        ++applied;
      else
        ++unknown[std::string(event_name(logged.event))];
    } catch (const MaterializeError& e) {
      return fail(e.what());
    }
  }
  if (in.bad()) {
    err << "runt replay: read error after line " << line_number << "\n";
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
