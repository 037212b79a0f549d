#include "runt/serve/url.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/pct_string_view.hpp>

#include <stdexcept>

namespace runt::serve {

namespace urls = boost::urls;

namespace {

// Boost 1.81's own string_view, built from pointer and size.
urls::string_view view(std::string_view text) { return urls::string_view(text.data(), text.size()); }

urls::pct_string_view checked(std::string_view text) {
  const auto escaped = urls::make_pct_string_view(view(text));
  if (!escaped) throw std::invalid_argument("malformed percent escape: " + escaped.error().message());
  return *escaped;
}

// The `name=value` pairs of a query or form body; the first of repeated names wins. Split here,
// not by boost::urls::parse_query: in Boost 1.81 it runs strlen over its input and so reads
// past the end of a request target (the HTTP fuzzer found it; valgrind shows it on any
// unterminated buffer). `decode_value` turns a value as sent into the value kept.
template <class DecodeValue>
std::map<std::string, std::string> pairs(std::string_view text, DecodeValue decode_value) {
  std::map<std::string, std::string> out;
  for (std::string_view rest = text; !rest.empty();) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      out.emplace(percent_decode(pair.substr(0, eq), true),
                  eq == std::string_view::npos ? std::string() : decode_value(pair.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  return checked(text).decode(urls::encoding_opts(plus_is_space));
}

std::string decode_payload_parameter(std::string_view query_value) {
  // URLSearchParams decoding, then decodeURIComponent.
  return percent_decode(percent_decode(query_value, true), false);
}

std::map<std::string, std::string> parse_query(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  return pairs(target.substr(q + 1), [](std::string_view value) { return std::string(value); });
}

std::map<std::string, std::string> parse_form(std::string_view body) {
  return pairs(body, [](std::string_view value) { return percent_decode(value, true); });
}

}  // namespace runt::serve
