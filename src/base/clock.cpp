#include "runt/base/clock.hpp"

#include <chrono>

namespace runt::base {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace runt::base
