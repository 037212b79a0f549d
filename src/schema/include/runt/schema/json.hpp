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

// Parses JSON text as JSON.parse does (a repeated key keeps its first position and its last
// value); UTF-8 only, at most kMaxJsonDepth levels, numbers within double range. Throws
// JsonSyntaxError on bad input.
Json parse_json(std::string_view text);

// Throws JsonSyntaxError for bytes JSON.parse refuses but lenient parsers skip (a leading byte
// order mark, NUL). Both of runt's parse paths call it.
void check_json_bytes(std::string_view text);

// Merges repeated keys of an object the way JSON.parse does.
void dedupe_keys(Json::object_t& object);

// Appends a member the caller knows is new. ordered_json's own insert searches every existing
// key first, which is quadratic when building wide objects from untrusted input.
inline void append_new_member(Json& object, std::string key, Json value) {
  object.get_ref<Json::object_t&>().Json::object_t::Container::emplace_back(std::move(key), std::move(value));
}

// `JSON.stringify(value, null, indent)`: JavaScript number formatting and string escaping;
// compact when indent is 0.
std::string to_js_string(const Json& value, int indent = 0);
void append_js_string(std::string& out, const Json& value, int indent = 0);
// `JSON.stringify(text)` for a string, appended without building a Json value.
void append_quoted_js_string(std::string& out, std::string_view text);

// `Number.prototype.toString()` for a finite double (shortest round-trip digits).
std::string js_number(double value);

}  // namespace runt::schema
