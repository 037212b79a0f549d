#pragma once
// The wall clock, as the notebook's events carry it. The schema layer never reads it: callers
// pass times in.

#include <cstdint>

namespace runt::base {

// Milliseconds since the Unix epoch.
std::int64_t now_ms();

}  // namespace runt::base
