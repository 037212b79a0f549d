#pragma once
// Jupyter messaging protocol 5.3 messages on the wire: identities, the "<IDS|MSG>" delimiter,
// an HMAC-SHA256 signature, header, parent header, metadata, content, buffers.
// https://jupyter-client.readthedocs.io/en/stable/messaging.html (wire protocol)

#include <nlohmann/json.hpp>

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace runt::kernel {

using Json = nlohmann::ordered_json;

inline constexpr std::string_view kProtocolVersion = "5.3";

class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Message {
  std::vector<std::string> identities;
  Json header = Json::object();
  Json parent_header = Json::object();
  Json metadata = Json::object();
  Json content = Json::object();
  std::vector<std::string> buffers;

  std::string msg_id() const { return header.value("msg_id", ""); }
  std::string msg_type() const { return header.value("msg_type", ""); }
  // The msg_id of the request this answers ("" when none).
  std::string parent_id() const { return parent_header.is_object() ? parent_header.value("msg_id", "") : ""; }
};

// HMAC-SHA256 over header, parent header, metadata and content, as lower-case hex. An empty
// key disables signing (the signature is then empty), as Jupyter allows.
class Signer {
 public:
  explicit Signer(std::string key) : key_(std::move(key)) {}
  std::string sign(std::span<const std::string> parts) const;
  bool verify(std::span<const std::string> parts, std::string_view signature) const;

 private:
  std::string key_;
};

// The frames of a message, ready for a ZeroMQ multipart send.
std::vector<std::string> serialize(const Message& message, const Signer& signer);
// Parses received frames; throws ProtocolError for a missing delimiter, a bad signature or
// malformed JSON.
Message deserialize(std::vector<std::string> frames, const Signer& signer);

// A new request header: msg_id unique (UUID v4 text from `random_hex`), date in ISO-8601 UTC.
Json make_header(std::string_view msg_type, std::string_view session, std::string_view username,
                 std::string_view msg_id, std::string_view date_iso);

}  // namespace runt::kernel
