#include "runt/ai/framing.hpp"

namespace runt::ai {

std::vector<std::string> SseDecoder::feed(std::string_view bytes) {
  std::vector<std::string> out;
  for (const char c : bytes) {
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') continue;  // the LF of a CRLF that a read boundary split
    }
    if (c == '\r' || c == '\n') {
      line(partial_, out);
      partial_.clear();
      after_cr_ = c == '\r';
    } else {
      partial_ += c;
    }
  }
  return out;
}

std::vector<std::string> SseDecoder::finish() {
  std::vector<std::string> out;
  if (!partial_.empty()) line(partial_, out);
  partial_.clear();
  line("", out);  // dispatch what is pending, as a blank line would
  return out;
}

void SseDecoder::line(std::string_view text, std::vector<std::string>& out) {
  if (text.empty()) {
    if (has_data_ && !data_.empty()) out.push_back(std::move(data_));
    data_.clear();
    has_data_ = false;
    return;
  }
  if (text.front() == ':') return;  // a comment or keep-alive
  const auto colon = text.find(':');
  const std::string_view field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field != "data") return;
  if (has_data_) data_ += '\n';
  data_ += value;
  has_data_ = true;
}

std::vector<std::string> LineDecoder::feed(std::string_view bytes) {
  std::vector<std::string> out;
  for (const char c : bytes) {
    if (c == '\n') {
      if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
      if (partial_.find_first_not_of(" \t") != std::string::npos) out.push_back(std::move(partial_));
      partial_.clear();
    } else {
      partial_ += c;
    }
  }
  return out;
}

std::vector<std::string> LineDecoder::finish() {
  std::vector<std::string> out;
  if (partial_.find_first_not_of(" \t\r") != std::string::npos) out.push_back(std::move(partial_));
  partial_.clear();
  return out;
}

}  // namespace runt::ai
