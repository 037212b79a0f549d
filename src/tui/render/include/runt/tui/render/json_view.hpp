#pragma once
// JSON outputs (application/json and JSON-like data) pretty-printed with colours.

#include "runt/tui/styled_text.hpp"

#include <nlohmann/json.hpp>

namespace runt::tui::render {

// `value` as dump(2) lays it out (2-space indent, keys in their order), keys, strings, numbers
// and true/false/null each in their colour; a line longer than `width` continues under its own
// indentation.
Lines render_json(const nlohmann::json& value, int width);

}  // namespace runt::tui::render
