#pragma once
// Where each event's args are in a frame that is already known to be valid JSON (the
// FrameDecoder's simdjson DOM pass checked it): one light pass that skips strings with memchr,
// instead of a second full parse.

#include <optional>
#include <string_view>
#include <vector>

namespace runt::protocol {

// The text of each "args" value (nullopt: the event has no "args") of the elements of the
// frame's last "batch" key, the event being the element itself (`event_key` empty) or its last
// `event_key` member; for each, the last "args" key (JSON.parse keeps the last of repeated
// keys). The views point into `frame`. nullopt when the frame is not shaped so (not an object,
// an element that is not an object) or has a key written with escapes: the caller then takes
// the general path.
std::optional<std::vector<std::optional<std::string_view>>> find_args_text(std::string_view frame, std::string_view event_key);

}  // namespace runt::protocol
