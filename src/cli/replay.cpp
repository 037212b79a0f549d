#include "replay.hpp"

#include "runt/schema/codec.hpp"
#include "runt/schema/materialize.hpp"
#include "runt/schema/state_json.hpp"

#include <istream>
#include <map>
#include <optional>
#include <ostream>
#include <string>

namespace runt::cli {

using namespace runt::schema;

int replay(std::istream& in, std::ostream& out, std::ostream& err, const ReplayOptions& options) {
  State state;
  EventDecoder decoder;
  std::map<std::string, size_t> unknown;
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
    try {
      logged = decoder.decode_logged_event(line);
    } catch (const JsonSyntaxError& e) {
      return fail(std::string("malformed JSON: ") + e.what());
    } catch (const DecodeError& e) {
      return fail(e.what());
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
    try {
      if (materialize(state, logged.event))
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
  out << to_js_string(state_to_json(state), options.indent) << "\n";
  return 0;
}

}  // namespace runt::cli
