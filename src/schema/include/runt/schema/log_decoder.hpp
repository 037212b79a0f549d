#pragma once
// Decoding a whole event log given as JSON lines (one LoggedEvent per line, as `runt export`
// writes and `runt replay` reads), many lines per call into simdjson. Its first stage runs over
// a megabyte at a time, on a second thread where there is one, instead of once per line.
//
// The results are exactly those of EventDecoder::decode_logged_event called on each line: the
// same events and the same errors, line by line. Whenever the batch disagrees with the lines (a
// line holding two documents or part of one, text simdjson refuses or cannot bound, a byte
// order mark), decoding goes on line by line from that line, which settles it the usual way.

#include "runt/schema/codec.hpp"
#include "runt/schema/events.hpp"

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace runt::schema {

// One non-blank line of the log (blank: only spaces, tabs and a carriage return).
struct LogLine {
  size_t number = 0;      // counting from the first line of the text, which is `first_line`
  std::string_view text;  // without its newline
  std::optional<LoggedEvent> event;
  std::exception_ptr error;  // set instead of `event`: what decode_logged_event threw
};

class LogDecoder {
 public:
  LogDecoder();
  ~LogDecoder();
  LogDecoder(const LogDecoder&) = delete;
  LogDecoder& operator=(const LogDecoder&) = delete;

  // Calls `on_line` for every non-blank line of `text`, in order, until it returns false. Returns
  // how many lines `text` held (blank ones included; a last line without a newline counts), or
  // nullopt when `on_line` stopped it. `text` is taken by reference only to give it the
  // parser's padding (its capacity may grow); its bytes are not changed.
  std::optional<size_t> decode(std::string& text, size_t first_line, const std::function<bool(LogLine&)>& on_line);

  // The decoder for single lines, which the log decoder falls back to (one parser each, so a
  // caller may decode a line again, e.g. its envelope alone, while a log is being decoded).
  EventDecoder& line_decoder() { return line_decoder_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  EventDecoder line_decoder_;
};

}  // namespace runt::schema
