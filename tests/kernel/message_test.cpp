#include "runt/kernel/message.hpp"

#include <gtest/gtest.h>

namespace runt::kernel {
namespace {

// The value Python's hmac.new(b"secret-key", digestmod=sha256) gives over the same four parts.
TEST(Signer, MatchesPythonsHmacSha256) {
  const std::vector<std::string> parts{R"({"msg_id":"a"})", "{}", "{}", R"j({"code":"print(1)"})j"};
  EXPECT_EQ(Signer("secret-key").sign(parts), "795d33e2e003dfa848f12dc7cc3a0662eac1b42eb1b7a1412b8d59752ef696af");
  EXPECT_TRUE(Signer("secret-key").verify(parts, "795d33e2e003dfa848f12dc7cc3a0662eac1b42eb1b7a1412b8d59752ef696af"));
  EXPECT_FALSE(Signer("secret-key").verify(parts, "795d33e2e003dfa848f12dc7cc3a0662eac1b42eb1b7a1412b8d59752ef696ae"));
  EXPECT_FALSE(Signer("other-key").verify(parts, "795d33e2e003dfa848f12dc7cc3a0662eac1b42eb1b7a1412b8d59752ef696af"));
  EXPECT_EQ(Signer("").sign(parts), "");  // an empty key means unsigned messages
}

TEST(Message, RoundTripsWithIdentitiesAndBuffers) {
  const Signer signer("k");
  Message m;
  m.identities = {"client-1"};
  m.header = make_header("execute_request", "sess", "runt", "id-1", "2026-11-24T23:00:00.000000Z");
  m.parent_header = Json{{"msg_id", "parent"}};
  m.content = Json{{"code", "x = 1\nprint('é')"}};
  m.buffers = {std::string("\0\1\2", 3)};
  const auto frames = serialize(m, signer);
  ASSERT_EQ(frames.size(), 8u);
  EXPECT_EQ(frames[1], "<IDS|MSG>");
  EXPECT_EQ(frames[3], R"({"msg_id":"id-1","session":"sess","username":"runt","date":"2026-11-24T23:00:00.000000Z","msg_type":"execute_request","version":"5.3"})");
  const Message back = deserialize(frames, signer);
  EXPECT_EQ(back.identities, m.identities);
  EXPECT_EQ(back.header, m.header);
  EXPECT_EQ(back.parent_id(), "parent");
  EXPECT_EQ(back.msg_type(), "execute_request");
  EXPECT_EQ(back.content, m.content);
  EXPECT_EQ(back.buffers, m.buffers);
}

TEST(Message, RefusesForgedOrBrokenMessages) {
  const Signer signer("k");
  Message m;
  m.header = make_header("status", "s", "u", "id", "d");
  auto frames = serialize(m, signer);
  auto forged = frames;
  forged[5] = R"({"execution_state":"idle"})";  // content changed after signing
  EXPECT_THROW(deserialize(forged, signer), ProtocolError);
  EXPECT_THROW(deserialize(frames, Signer("wrong")), ProtocolError);
  EXPECT_THROW(deserialize({"no", "delimiter"}, signer), ProtocolError);
  EXPECT_THROW(deserialize({"<IDS|MSG>", "sig", "{}"}, signer), ProtocolError);
  auto unsigned_frames = serialize(m, Signer(""));
  unsigned_frames[3] = "{not json";
  EXPECT_THROW(deserialize(unsigned_frames, Signer("")), ProtocolError);
}

}  // namespace
}  // namespace runt::kernel
