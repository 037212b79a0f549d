#include "runt/schema/log_decoder.hpp"

#include "simd_decoding.hpp"

#include <simdjson.h>

#include <cstring>

namespace runt::schema {

namespace {

// simdjson's own default window: a larger document is decoded on its line alone.
constexpr size_t kBatchBytes = 1 << 20;

struct Line {
  size_t number = 0;
  size_t begin = 0;  // offset of the line in the text
  size_t end = 0;    // offset of its newline, or the text's end
  size_t first = 0;  // offset of its first byte that is not a space, tab or carriage return
};

class Lines {
 public:
  Lines(std::string_view text, size_t first_number) : text_(text), first_number_(first_number), number_(first_number - 1) {}

  // The next non-blank line, or nullopt at the end.
  std::optional<Line> next() {
    while (pos_ < text_.size()) {
      Line line{++number_, pos_, 0, pos_};
      const void* nl = std::memchr(text_.data() + pos_, '\n', text_.size() - pos_);
      line.end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - text_.data()) : text_.size();
      pos_ = nl ? line.end + 1 : text_.size();
      while (line.first < line.end && (text_[line.first] == ' ' || text_[line.first] == '\t' || text_[line.first] == '\r'))
        ++line.first;
      if (line.first < line.end) return line;
    }
    return std::nullopt;
  }
  std::string_view text(const Line& line) const { return text_.substr(line.begin, line.end - line.begin); }
  // Lines passed so far, blank ones included.
  size_t count() const { return number_ - first_number_ + 1; }

 private:
  std::string_view text_;
  size_t first_number_;
  size_t number_;
  size_t pos_ = 0;
};

}  // namespace

struct LogDecoder::Impl {
  simdjson::dom::parser parser;
};

LogDecoder::LogDecoder() : impl_(std::make_unique<Impl>()) {}
LogDecoder::~LogDecoder() = default;

std::optional<size_t> LogDecoder::decode(std::string& text, size_t first_line, const std::function<bool(LogLine&)>& on_line) {
  text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  Lines lines(text, first_line);

  const auto decode_alone = [&](size_t number, std::string_view line_text) {
    LogLine out{number, line_text, std::nullopt, nullptr};
    try {
      out.event = line_decoder_.decode_logged_event(line_text);
    } catch (...) {
      out.error = std::current_exception();
    }
    return on_line(out);
  };

  std::optional<Line> line = lines.next();
  simdjson::dom::document_stream stream;
  const bool batched = !text.starts_with("\xEF\xBB\xBF") &&
                       impl_->parser.parse_many(text.data(), text.size(), kBatchBytes).get(stream) == simdjson::SUCCESS;
  if (batched) {
    // A document from the batch is only trusted once the next one is seen to start on the next
    // non-blank line, or the batch ends with the text: then it was alone on its line.
    std::optional<LogLine> pending;
    auto doc = stream.begin();
    for (; line; line = lines.next()) {
      if (!(doc != stream.end()) || doc.current_index() != line->first) break;
      simdjson::dom::element root;
      if ((*doc).get(root) != simdjson::SUCCESS) break;
      if (pending && !on_line(*pending)) return std::nullopt;
      pending = LogLine{line->number, lines.text(*line), std::nullopt, nullptr};
      try {
        pending->event = detail::decode_logged_element(root);
      } catch (...) {
        pending->error = std::current_exception();
      }
      ++doc;
    }
    if (pending) {
      const bool batch_agrees = !line && !(doc != stream.end()) && stream.truncated_bytes() == 0;
      // Otherwise the batch and the lines disagree from the pending line on: it is decoded on its own.
      if (!(batch_agrees ? on_line(*pending) : decode_alone(pending->number, pending->text))) return std::nullopt;
    }
  }
  for (; line; line = lines.next())
    if (!decode_alone(line->number, lines.text(*line))) return std::nullopt;
  return lines.count();
}

}  // namespace runt::schema
