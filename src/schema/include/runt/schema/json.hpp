#pragma once
// JSON values as the TypeScript side sees them.
//
// Keys keep their insertion order (JSON.parse / JSON.stringify do too), and `to_js_string`
// writes exactly what `JSON.stringify` writes for the same value, numbers included
// (`1`, `0.7`, `1e+21`, `1e-7`), so logs and golden files are byte-identical across languages.

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace runt::schema {

using Json = nlohmann::ordered_json;

// Text that is not JSON. `what()` is the parser's description of the problem.
class JsonSyntaxError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Deepest nesting accepted (simdjson's default limit too): deeper documents are refused
// rather than risking the stack in recursive code.
inline constexpr int kMaxJsonDepth = 1024;

// Parses JSON text (UTF-8 only, at most kMaxJsonDepth levels); throws JsonSyntaxError on bad input.
Json parse_json(std::string_view text);

// `JSON.stringify(value, null, indent)`: JavaScript number formatting and string escaping;
// compact when indent is 0.
std::string to_js_string(const Json& value, int indent = 0);
void append_js_string(std::string& out, const Json& value, int indent = 0);

// `Number.prototype.toString()` for a finite double (shortest round-trip digits).
std::string js_number(double value);

}  // namespace runt::schema
