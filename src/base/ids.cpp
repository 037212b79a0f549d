#include "runt/base/ids.hpp"

#include <array>
#include <cstdint>
#include <random>

namespace runt::base {

std::string random_string(std::string_view alphabet, int length) {
  std::random_device random;
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);  // no modulo bias
  std::string out;
  out.reserve(static_cast<std::size_t>(length));
  for (int i = 0; i < length; ++i) out.push_back(alphabet[pick(random)]);
  return out;
}

std::string random_hex(int digits) { return random_string("0123456789abcdef", digits); }

std::string new_uuid() {
  std::random_device random;
  std::array<unsigned char, 16> b{};
  // Four bytes a call: each call reads the entropy source, and a kernel message needs an id.
  for (std::size_t i = 0; i < b.size(); i += 4) {
    const auto word = static_cast<std::uint32_t>(random());
    for (std::size_t j = 0; j < 4; ++j) b[i + j] = static_cast<unsigned char>(word >> (8 * j));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 15]);
  }
  return out;
}

}  // namespace runt::base
