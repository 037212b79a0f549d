#pragma once
// HTML character references, shared by html_to_text and markdown (md4c hands entities over raw).

#include <optional>
#include <string>
#include <string_view>

namespace runt::tui::render {

// The text of a character reference such as "&amp;", "&#8212;" or "&#x1F600;" (the whole
// reference, '&' to ';'), or nullopt when it is no reference this knows (left as written).
std::optional<std::string> decode_entity(std::string_view reference);

}  // namespace runt::tui::render
