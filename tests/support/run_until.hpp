#pragma once
// Drives an io_context (the test's sync clients) until a condition holds.

#include <boost/asio/io_context.hpp>

#include <chrono>

namespace runt::testing_support {

// False when `limit` passes first.
template <class F>
bool run_until(boost::asio::io_context& io, F done, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    io.run_for(std::chrono::milliseconds(5));
    io.restart();
  }
  return true;
}

}  // namespace runt::testing_support
