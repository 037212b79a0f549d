#include "runt/base/base64.hpp"

#include <openssl/evp.h>

namespace runt::base {

std::optional<std::string> decode_base64(const std::string& text) {
  std::string clean;
  for (const char c : text)
    if (c != '\n' && c != '\r' && c != ' ') clean.push_back(c);
  if (clean.empty() || clean.size() % 4 != 0) return std::nullopt;
  std::string out(clean.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  for (std::size_t i = clean.size(); i > 0 && clean[i - 1] == '='; --i) --size;  // padding decodes to zeros
  out.resize(size);
  return out;
}

}  // namespace runt::base
