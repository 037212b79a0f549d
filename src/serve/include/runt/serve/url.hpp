#pragma once
// Decoding of request targets: query strings, percent escapes and the sync-cf payload. No
// sockets; every function throws std::invalid_argument on malformed input.

#include <map>
#include <string>
#include <string_view>

namespace runt::serve {

// Percent-decoding; `plus_is_space` for application/x-www-form-urlencoded values.
std::string percent_decode(std::string_view text, bool plus_is_space);

// The sync payload of a client URL: `payload` is URLSearchParams-encoded encodeURIComponent of
// JSON (double-encoded). Returns the decoded JSON text.
std::string decode_payload_parameter(std::string_view query_value);

// The query of a request target (`/path?a=1&b=2`): keys decoded, values kept raw (each value's
// user decodes it as its encoding requires). The first of repeated keys wins.
std::map<std::string, std::string> parse_query(std::string_view target);

// An application/x-www-form-urlencoded body (an HTML form's POST): names and values decoded.
// The first of repeated names wins.
std::map<std::string, std::string> parse_form(std::string_view body);

// The path of a request target, without its query.
inline std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

}  // namespace runt::serve
