#include "runt/kernel/message.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace runt::kernel {

namespace {

constexpr std::string_view kDelimiter = "<IDS|MSG>";

std::string hex(const unsigned char* bytes, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
  return out;
}

// Jupyter serializes with Python's json.dumps; any valid JSON verifies, because the
// signature covers the bytes as sent.
std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

std::string Signer::sign(std::span<const std::string> parts) const {
  if (key_.empty()) return "";
  std::string data;
  for (const auto& part : parts) data += part;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (!HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), digest.data(), &size))
    throw ProtocolError("HMAC-SHA256 failed");
  return hex(digest.data(), size);
}

bool Signer::verify(std::span<const std::string> parts, std::string_view signature) const {
  if (key_.empty()) return true;
  const std::string expected = sign(parts);
  return expected.size() == signature.size() && CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

std::vector<std::string> serialize(const Message& message, const Signer& signer) {
  std::vector<std::string> frames = message.identities;
  const std::array<std::string, 4> parts{dump(message.header), dump(message.parent_header), dump(message.metadata),
                                         dump(message.content)};
  frames.emplace_back(kDelimiter);
  frames.push_back(signer.sign(parts));
  frames.insert(frames.end(), parts.begin(), parts.end());
  frames.insert(frames.end(), message.buffers.begin(), message.buffers.end());
  return frames;
}

Message deserialize(std::vector<std::string> frames, const Signer& signer) {
  size_t delimiter = 0;
  while (delimiter < frames.size() && frames[delimiter] != kDelimiter) ++delimiter;
  if (delimiter == frames.size()) throw ProtocolError("message without the <IDS|MSG> delimiter");
  if (frames.size() < delimiter + 6) throw ProtocolError("message with fewer than 5 parts after the delimiter");
  const std::span<const std::string> parts(frames.data() + delimiter + 2, 4);
  if (!signer.verify(parts, frames[delimiter + 1])) throw ProtocolError("message with an invalid signature");
  Message m;
  m.identities.assign(std::make_move_iterator(frames.begin()), std::make_move_iterator(frames.begin() + static_cast<long>(delimiter)));
  try {
    m.header = Json::parse(parts[0]);
    m.parent_header = Json::parse(parts[1]);
    m.metadata = Json::parse(parts[2]);
    m.content = Json::parse(parts[3]);
  } catch (const Json::parse_error& e) {
    throw ProtocolError(std::string("message with malformed JSON: ") + e.what());
  }
  m.buffers.assign(std::make_move_iterator(frames.begin() + static_cast<long>(delimiter) + 6), std::make_move_iterator(frames.end()));
  return m;
}

Json make_header(std::string_view msg_type, std::string_view session, std::string_view username, std::string_view msg_id,
                 std::string_view date_iso) {
  return Json{{"msg_id", msg_id},     {"session", session},   {"username", username},
              {"date", date_iso},     {"msg_type", msg_type}, {"version", kProtocolVersion}};
}

}  // namespace runt::kernel
