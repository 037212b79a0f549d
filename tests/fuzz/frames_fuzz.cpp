// The sync-cf frame decoder on arbitrary text, in both directions. A frame is either refused
// with FrameError or decoded; a decoded message encodes to a frame that decodes to the same
// message and encodes to the same text again (args travel as their exact text).

#include "runt/protocol/frames.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string_view>

namespace {

using namespace runt::protocol;

void check(bool ok, const char* what, std::string_view frame) {
  if (ok) return;
  std::fprintf(stderr, "frames_fuzz: %s\nframe: %.*s\n", what, static_cast<int>(frame.size()), frame.data());
  std::abort();
}

template <class Message, class Decode> void round_trip(std::string_view frame, Decode decode) {
  Message message;
  try {
    message = decode(frame);
  } catch (const FrameError&) {
    return;
  }
  const std::string encoded = encode(message);
  Message again;
  try {
    again = decode(encoded);
  } catch (const FrameError& e) {
    check(false, e.what(), encoded);
  }
  check(again == message, "re-decoded message differs", encoded);
  check(encode(again) == encoded, "re-encoded frame differs", encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  round_trip<ClientMessage>(frame, [](std::string_view f) { return decode_client_message(f); });
  round_trip<ServerMessage>(frame, [](std::string_view f) { return decode_server_message(f); });
  return 0;
}
