#pragma once
// Base64 as Jupyter sends images: standard alphabet, padded, possibly wrapped in lines.

#include <optional>
#include <string>

namespace runt::base {

// The bytes `text` encodes (line breaks and spaces ignored), or nullopt when it is not base64.
std::optional<std::string> decode_base64(const std::string& text);

}  // namespace runt::base
