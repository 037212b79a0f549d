#pragma once
// Private to the schema layer: decoding an event envelope that simdjson has already parsed, for
// readers that parse many documents per call (log_decoder.cpp). codec.cpp defines it with the
// same code EventDecoder runs, so both accept and refuse exactly the same events.

#include "runt/schema/events.hpp"

#include <simdjson.h>

namespace runt::schema::detail {

// decode_logged_event of a parsed document: throws DecodeError like it.
LoggedEvent decode_logged_element(simdjson::dom::element document);

}  // namespace runt::schema::detail
