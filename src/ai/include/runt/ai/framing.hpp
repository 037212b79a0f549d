#pragma once
// The two ways providers frame a streamed reply, decoded incrementally from bytes as they
// arrive (an event may be split anywhere, a read may hold several): Server-Sent Events
// (OpenAI-compatible servers) and newline-delimited JSON (Ollama).

#include <string>
#include <string_view>
#include <vector>

namespace runt::ai {

// WHATWG SSE rules: CRLF, LF or a lone CR end a line (a CR split from its LF across reads
// included); ":" lines are comments; "data:" with or without one space; several data lines of
// one event are joined with "\n"; a blank line dispatches. Only data matters here: other
// fields are ignored and events without data are not returned.
class SseDecoder {
 public:
  // The data of every event completed by these bytes, in order.
  std::vector<std::string> feed(std::string_view bytes);
  // At the end of the stream: an event the server did not end with a blank line.
  std::vector<std::string> finish();

 private:
  void line(std::string_view text, std::vector<std::string>& out);
  std::string partial_;
  std::string data_;
  bool has_data_ = false;
  bool after_cr_ = false;
};

// One JSON text per line; blank lines skipped; a last line without "\n" comes from finish().
class LineDecoder {
 public:
  std::vector<std::string> feed(std::string_view bytes);
  std::vector<std::string> finish();

 private:
  std::string partial_;
};

}  // namespace runt::ai
