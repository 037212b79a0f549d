// What the C++ sync client puts on the wire: a push larger than Beast's 4 KiB defaults leaves
// as one WebSocket frame, not as a fragmented message (one write, one wakeup of the server).
// The server here is a bare WebSocket peer that reads the client's frames byte by byte.
#include "runt/protocol/frames.hpp"
#include "runt/sync/client.hpp"

#include "run_until.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <thread>

namespace runt::sync {
namespace {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

struct RawFrame {
  bool fin = false;
  int opcode = 0;
  std::string payload;  // unmasked
};

// One frame as RFC 6455 §5.2 lays it out.
RawFrame read_frame(tcp::socket& socket) {
  std::array<unsigned char, 2> head{};
  asio::read(socket, asio::buffer(head));
  RawFrame f{(head[0] & 0x80) != 0, head[0] & 0x0f, {}};
  std::uint64_t length = head[1] & 0x7f;
  if (length >= 126) {
    std::array<unsigned char, 8> ext{};
    const size_t n = length == 126 ? 2 : 8;
    asio::read(socket, asio::buffer(ext.data(), n));
    length = 0;
    for (size_t i = 0; i < n; ++i) length = length << 8 | ext[i];
  }
  std::array<unsigned char, 4> mask{};
  if (head[1] & 0x80) asio::read(socket, asio::buffer(mask));
  f.payload.resize(length);
  asio::read(socket, asio::buffer(f.payload));
  for (size_t i = 0; i < f.payload.size(); ++i) f.payload[i] = static_cast<char>(f.payload[i] ^ mask[i % 4]);
  return f;
}

TEST(SyncClientFrames, APushOfManyKilobytesIsOneFrame) {
  asio::io_context server_io;
  tcp::acceptor acceptor(server_io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  RawFrame push;
  std::string failure;
  std::atomic<bool> done{false};
  std::thread server([&] {
    try {
    websocket::stream<tcp::socket> ws(server_io);
    acceptor.accept(ws.next_layer());
    ws.accept();
    // The client pulls first; an empty page makes it live, and then it pushes.
    const RawFrame pull = read_frame(ws.next_layer());
    const auto request = std::get<protocol::PullReq>(protocol::decode_client_message(pull.payload));
    ws.text(true);
    ws.write(asio::buffer(protocol::encode(protocol::ServerMessage{protocol::PullRes{{}, protocol::Context::pull, request.requestId, 0}})));
    push = read_frame(ws.next_layer());
    boost::system::error_code ignored;
    ws.next_layer().close(ignored);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    done = true;
  });

  asio::io_context io;
  ClientOptions o;
  o.url = "ws://127.0.0.1:" + std::to_string(port) + "/livestore";
  o.store_id = "nb";
  o.payload = {{"authToken", "t"}};
  o.client_id = "c";
  o.session_id = "s";
  o.log = [](const std::string&) {};
  SyncClient client(io, o);
  client.start();
  const bool live = runt::testing_support::run_until(io, [&] { return client.replica().synced() || done; }, 10s);
  const std::string source(200, 'x');
  for (int i = 0; i < 50; ++i) client.commit(schema::events::CellSourceChanged{"cell-" + std::to_string(i), source, "u"});
  runt::testing_support::run_until(io, [&] { return done.load(); }, 10s);
  client.stop();
  if (!done) acceptor.close();  // never connected: let the server thread go
  server.join();
  ASSERT_TRUE(live && failure.empty()) << failure;

  EXPECT_TRUE(push.fin);
  EXPECT_EQ(push.opcode, 1);  // text
  ASSERT_GT(push.payload.size(), 10000u);
  const auto message = protocol::decode_client_message(push.payload);
  ASSERT_TRUE(std::holds_alternative<protocol::PushReq>(message));
  EXPECT_EQ(std::get<protocol::PushReq>(message).batch.size(), 50u);
}

}  // namespace
}  // namespace runt::sync
