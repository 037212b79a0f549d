#pragma once
// A Hub's sockets and frames for tests that drive runt::sync::Hub directly: a connection that
// keeps what it was sent, and the frames a client sends.

#include "runt/protocol/frames.hpp"
#include "runt/sync/hub.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace runt::testing_support {

struct HubSocket final : sync::Connection {
  std::vector<std::string> frames;
  void deliver(sync::Frame frame) override { frames.push_back(*frame); }
  std::vector<protocol::ServerMessage> take() {
    std::vector<protocol::ServerMessage> out;
    for (const auto& f : frames) out.push_back(protocol::decode_server_message(f));
    frames.clear();
    return out;
  }
};

// A push of `n` v1.Debug events on `parent`.
inline std::string push_frame(const std::string& request, std::int64_t parent, int n, const std::string& client = "c") {
  protocol::PushReq p{request, {}};
  for (int i = 0; i < n; ++i)
    p.batch.push_back(protocol::WireEvent{"v1.Debug", R"({"id":")" + request + std::to_string(i) + R"("})", parent + i + 1,
                                          parent + i, client, "s"});
  return protocol::encode(protocol::ClientMessage{p});
}

inline std::string pull_frame(const std::string& request, std::optional<std::int64_t> cursor = std::nullopt) {
  return protocol::encode(protocol::ClientMessage{protocol::PullReq{request, cursor}});
}

}  // namespace runt::testing_support
