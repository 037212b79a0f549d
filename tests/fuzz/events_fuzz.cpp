// The event codec on arbitrary text. EventDecoder (simdjson) and parse_json + decode_event
// (nlohmann) must agree: the same event, or the same error. A decoded event re-encodes to text
// that decodes and re-encodes to the same text (the first encoding normalizes numbers, dates
// and repeated keys as JSON.stringify would).

#include "runt/schema/codec.hpp"
#include "runt/schema/json.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace {

using namespace runt::schema;

void check(bool ok, const char* what, std::string_view text) {
  if (ok) return;
  std::fprintf(stderr, "events_fuzz: %s\ninput: %.*s\n", what, static_cast<int>(text.size()), text.data());
  std::abort();
}

// A decode's outcome: the value, or which error and its message.
template <class T> struct Outcome {
  std::optional<T> value;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

template <class T, class F> Outcome<T> attempt(F&& decode) {
  try {
    return {decode(), ""};
  } catch (const JsonSyntaxError&) {
    return {std::nullopt, "JsonSyntaxError"};  // the two parsers word these differently
  } catch (const DecodeError& e) {
    return {std::nullopt, std::string("DecodeError: ") + e.what()};
  }
}

template <class T, class Encode, class DecodeText>
void stable(const T& value, Encode encode, DecodeText decode_text) {
  const std::string first = to_js_string(encode(value));
  const Outcome<T> again = attempt<T>([&] { return decode_text(first); });
  check(again.value.has_value(), again.error.c_str(), first);
  check(to_js_string(encode(*again.value)) == first, "re-encoding is not stable", first);
}

EventDecoder decoder;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const auto fast = attempt<Event>([&] { return decoder.decode_event(text); });
  const auto slow = attempt<Event>([&] { return decode_event(parse_json(text)); });
  check(fast == slow, "EventDecoder and decode_event disagree", text);
  if (fast.value)
    stable(*fast.value, [](const Event& e) { return encode_event(e); },
           [](std::string_view t) { return decoder.decode_event(t); });

  const auto fast_logged = attempt<LoggedEvent>([&] { return decoder.decode_logged_event(text); });
  const auto slow_logged = attempt<LoggedEvent>([&] { return decode_logged_event(parse_json(text)); });
  check(fast_logged == slow_logged, "EventDecoder and decode_logged_event disagree", text);
  if (fast_logged.value)
    stable(*fast_logged.value, [](const LoggedEvent& e) { return encode_logged_event(e); },
           [](std::string_view t) { return decoder.decode_logged_event(t); });
  return 0;
}
