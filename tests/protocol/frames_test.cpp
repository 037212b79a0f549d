// Golden frames: each text below is what the TypeScript side (sync-cf 0.3.1 server or client)
// writes for that message; decoding then encoding must give it back byte for byte. All of them
// were checked against `Schema.encodeSync(Schema.parseJson(WSMessage.*))` of
// @livestore/sync-cf 0.3.1 in node.

#include "runt/protocol/frames.hpp"

#include <gtest/gtest.h>

namespace runt::protocol {
namespace {

template <class M> std::string client_roundtrip(const std::string& frame) {
  const ClientMessage m = decode_client_message(frame);
  EXPECT_TRUE(std::holds_alternative<M>(m)) << frame;
  return encode(m);
}
template <class M> std::string server_roundtrip(const std::string& frame) {
  const ServerMessage m = decode_server_message(frame);
  EXPECT_TRUE(std::holds_alternative<M>(m)) << frame;
  return encode(m);
}

// livestore-sync-0.3.1.md §2.1, "Example frames".
const std::string kPullReq = R"({"_tag":"WSMessage.PullReq","requestId":"V1StGXR8_Z5jdHi6B-myT","cursor":41})";
const std::string kPullRes = R"({"_tag":"WSMessage.PullRes","batch":[{"eventEncoded":{"name":"v1.CellSourceChanged","args":{"id":"c1","source":"1+1","modifiedBy":"u1"},"seqNum":42,"parentSeqNum":41,"clientId":"pS7RC","sessionId":"Km84y"},"metadata":{"_tag":"Some","value":{"createdAt":"2025-06-23T03:44:09.014Z"}}}],"requestId":{"context":"pull","requestId":"V1StGXR8_Z5jdHi6B-myT"},"remaining":0})";
const std::string kPushReq = R"({"_tag":"WSMessage.PushReq","requestId":"7pSWpVouX-XC16eHf8VNP","batch":[{"name":"v1.TodoCompleted","args":{"id":"beab"},"seqNum":2,"parentSeqNum":1,"clientId":"pS7RC","sessionId":"Km84y"}]})";
const std::string kError = R"({"_tag":"WSMessage.Error","requestId":"7pSWpVouX-XC16eHf8VNP","message":"Invalid parent event number. Received e1 but expected e0"})";

TEST(Frames, ReferenceFramesRoundTripByteForByte) {
  EXPECT_EQ(client_roundtrip<PullReq>(kPullReq), kPullReq);
  EXPECT_EQ(server_roundtrip<PullRes>(kPullRes), kPullRes);
  EXPECT_EQ(client_roundtrip<PushReq>(kPushReq), kPushReq);
  EXPECT_EQ(server_roundtrip<Error>(kError), kError);
}

TEST(Frames, EveryOtherMessageHasItsExactForm) {
  for (const std::string f : {R"({"_tag":"WSMessage.PullReq","requestId":"r1"})", R"({"_tag":"WSMessage.Ping","requestId":"ping"})",
                              R"({"_tag":"WSMessage.AdminResetRoomReq","requestId":"r2","adminSecret":"s"})",
                              R"({"_tag":"WSMessage.AdminInfoReq","requestId":"r3","adminSecret":"s"})"})
    EXPECT_EQ(encode(decode_client_message(f)), f);
  for (const std::string f : {R"({"_tag":"WSMessage.PushAck","requestId":"r4"})", R"({"_tag":"WSMessage.Pong","requestId":"ping"})",
                              R"({"_tag":"WSMessage.AdminResetRoomRes","requestId":"r5"})",
                              R"({"_tag":"WSMessage.AdminInfoRes","requestId":"r6","info":{"durableObjectId":"do-1"}})",
                              R"({"_tag":"WSMessage.PullRes","batch":[],"requestId":{"context":"pull","requestId":"r7"},"remaining":0})"})
    EXPECT_EQ(encode(decode_server_message(f)), f);
}

TEST(Frames, BuildsTheServerFramesFromValues) {
  EXPECT_EQ(encode(ServerMessage{Error{"7pSWpVouX-XC16eHf8VNP", invalid_parent_message(1, 0)}}), kError);
  const WireEvent event{"v1.CellSourceChanged", R"({"id":"c1","source":"1+1","modifiedBy":"u1"})", 42, 41, "pS7RC", "Km84y"};
  EXPECT_EQ(encode(ServerMessage{PullRes{{SyncedEvent{event, "2025-06-23T03:44:09.014Z"}}, Context::pull, "V1StGXR8_Z5jdHi6B-myT", 0}}),
            kPullRes);
  EXPECT_EQ(encode(ServerMessage{PullRes{{SyncedEvent{event, std::nullopt}}, Context::push, "p1", 3}}),
            R"({"_tag":"WSMessage.PullRes","batch":[{"eventEncoded":{"name":"v1.CellSourceChanged","args":{"id":"c1","source":"1+1","modifiedBy":"u1"},"seqNum":42,"parentSeqNum":41,"clientId":"pS7RC","sessionId":"Km84y"},"metadata":{"_tag":"None"}}],"requestId":{"context":"push","requestId":"p1"},"remaining":3})");
}

TEST(Frames, EventsEncodedWhereTheyAreGiveTheSameFrames) {
  const WireEvent event{"v1.CellSourceChanged", R"({"id":"c1","source":"1+1","modifiedBy":"u1"})", 42, 41, "pS7RC", "Km84y"};
  EXPECT_EQ(encode_pull_res(std::vector{event}, "2025-06-23T03:44:09.014Z", Context::pull, "V1StGXR8_Z5jdHi6B-myT", 0), kPullRes);
  const WireEvent next{"v1.Debug", std::nullopt, 43, 42, "pS7RC", "Km84y"};
  const std::vector events{event, next};
  EXPECT_EQ(encode_pull_res(events, "t", Context::push, "p1", 2),
            encode(ServerMessage{PullRes{{SyncedEvent{event, "t"}, SyncedEvent{next, "t"}}, Context::push, "p1", 2}}));
  const PushReq push = std::get<PushReq>(decode_client_message(kPushReq));
  EXPECT_EQ(encode_push_req(push.requestId, std::vector{&push.batch[0]}), kPushReq);
  EXPECT_EQ(encode_push_req("p2", std::vector{&event, &next}), encode(ClientMessage{PushReq{"p2", events}}));
  EXPECT_EQ(encode_push_req("p3", std::vector<const WireEvent*>{}), R"({"_tag":"WSMessage.PushReq","requestId":"p3","batch":[]})");
}

TEST(Frames, ArgsTravelAsTheExactTextReceived) {
  // Key order, number spelling and escapes are kept: clients compare their own events with
  // what comes back, and a server must not re-encode them.
  const std::string push = R"({"_tag":"WSMessage.PushReq","requestId":"r","batch":[{"name":"x","args":{"b":1.50,"a":"\u00e9", "n":[1e2 ,null]},"seqNum":1,"parentSeqNum":0,"clientId":"c","sessionId":"s"},{"name":"v1.AllExecutionsCancelled","seqNum":2,"parentSeqNum":1,"clientId":"c","sessionId":"s"},{"name":"y","args":"text","seqNum":3,"parentSeqNum":2,"clientId":"c","sessionId":"s"},{"name":"z","args":7 ,"seqNum":4,"parentSeqNum":3,"clientId":"c","sessionId":"s"}]})";
  const auto m = std::get<PushReq>(decode_client_message(push));
  ASSERT_EQ(m.batch.size(), 4u);
  EXPECT_EQ(m.batch[0].args, R"({"b":1.50,"a":"\u00e9", "n":[1e2 ,null]})");
  EXPECT_EQ(m.batch[1].args, std::nullopt);  // Schema.Void: no args key at all
  EXPECT_EQ(m.batch[2].args, R"("text")");
  EXPECT_EQ(m.batch[3].args, "7");
  EXPECT_EQ(encode(ClientMessage{m}), push.substr(0, push.find(R"("args":7 ,)")) + R"("args":7,)" +
                                          push.substr(push.find(R"("args":7 ,)") + 10));
  // Stored Void events come back from storage as null, as sync-cf's D1 table returns them.
  const std::string from_storage = R"({"_tag":"WSMessage.PullRes","batch":[{"eventEncoded":{"name":"v1.AllExecutionsCancelled","args":null,"seqNum":2,"parentSeqNum":1,"clientId":"c","sessionId":"s"},"metadata":{"_tag":"Some","value":{"createdAt":"2025-06-23T03:44:09.014Z"}}}],"requestId":{"context":"pull","requestId":"r"},"remaining":0})";
  EXPECT_EQ(std::get<PullRes>(decode_server_message(from_storage)).batch[0].event.args, "null");
  EXPECT_EQ(encode(decode_server_message(from_storage)), from_storage);
}

TEST(Frames, RepeatedKeysKeepTheLastValueLikeJsonParse) {
  const std::string push = R"({"_tag":"WSMessage.PushReq","requestId":"r","batch":[{"name":"x","args":{"v":1},"args":{"v":2},"seqNum":1,"seqNum":5,"parentSeqNum":4,"clientId":"c","sessionId":"s"}]})";
  const auto m = std::get<PushReq>(decode_client_message(push));
  EXPECT_EQ(m.batch[0].args, R"({"v":2})");
  EXPECT_EQ(m.batch[0].seqNum, 5);
}

TEST(Frames, BadFramesSayWhatIsWrong) {
  const struct {
    std::string frame;
    const char* message;
  } client_cases[] = {
      {"{", "malformed JSON: "},
      {"[1]", "expected a message object, got an array"},
      {R"({"requestId":"r"})", R"(missing "_tag")"},
      {R"({"_tag":5})", R"("_tag" must be a string, got 5)"},
      {R"({"_tag":"WSMessage.PullRes","batch":[],"requestId":{"context":"pull","requestId":"r"},"remaining":0})",
       R"(unknown message "_tag" "WSMessage.PullRes" from a client)"},
      {R"({"_tag":"WSMessage.Nope","requestId":"r"})", R"(unknown message "_tag" "WSMessage.Nope" from a client)"},
      {R"({"_tag":"WSMessage.PullReq"})", "WSMessage.PullReq: requestId: missing"},
      {R"({"_tag":"WSMessage.PullReq","requestId":"r","cursor":"41"})", R"(WSMessage.PullReq: cursor: expected an integer, got the string "41")"},
      {R"({"_tag":"WSMessage.Ping","requestId":"pong"})", R"(WSMessage.Ping: requestId: expected "ping")"},
      {R"({"_tag":"WSMessage.PushReq","requestId":"r","batch":{}})", "WSMessage.PushReq: batch: expected an array, got an object"},
      {R"({"_tag":"WSMessage.PushReq","requestId":"r","batch":[7]})", "WSMessage.PushReq: batch[0]: expected an event object, got 7"},
      {R"({"_tag":"WSMessage.PushReq","requestId":"r","batch":[{"name":"x","seqNum":2.5,"parentSeqNum":1,"clientId":"c","sessionId":"s"}]})",
       "WSMessage.PushReq: batch[0].seqNum: expected an integer, got 2.5"},
      {R"({"_tag":"WSMessage.PushReq","requestId":"r","batch":[{"name":"x","seqNum":2,"parentSeqNum":1,"sessionId":"s"}]})",
       "WSMessage.PushReq: batch[0].clientId: missing"},
  };
  for (const auto& c : client_cases) {
    try {
      decode_client_message(c.frame);
      ADD_FAILURE() << "accepted: " << c.frame;
    } catch (const FrameError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(c.message, 0), 0u) << e.what();
    }
  }
  EXPECT_THROW(decode_server_message(R"({"_tag":"WSMessage.PullRes","batch":[{"eventEncoded":{"name":"x","seqNum":1,"parentSeqNum":0,"clientId":"c","sessionId":"s"},"metadata":{"_tag":"Maybe"}}],"requestId":{"context":"pull","requestId":"r"},"remaining":0})"),
               FrameError);
  EXPECT_THROW(decode_server_message(R"({"_tag":"WSMessage.PullRes","batch":[],"requestId":{"context":"later","requestId":"r"},"remaining":0})"),
               FrameError);
  EXPECT_THROW(decode_server_message(R"({"_tag":"WSMessage.PullReq","requestId":"r"})"), FrameError);
}

// One FrameDecoder decodes frame after frame (its buffers reused, the frames bigger and smaller)
// exactly as the free functions do, errors included; its fast path must refuse what JSON.parse
// refuses anywhere in the frame, even in keys it does not read.
TEST(FrameDecoder, DecodesFrameAfterFrameLikeTheFreeFunctions) {
  FrameDecoder decoder;
  const auto push = [](int n, const std::string& extra = "") {
    PushReq p{"r" + std::to_string(n), {}};
    for (int i = 0; i < n; ++i)
      p.batch.push_back(WireEvent{"v1.CellSourceChanged", R"({"id":"c","source":"x = \"\u00e9\"\n","modifiedBy":"u"})", i + 1, i, "c", "s"});
    std::string frame = encode(ClientMessage{p});
    if (!extra.empty()) frame.insert(1, extra + ",");
    return frame;
  };
  const std::vector<std::string> good{
      push(50), push(1), push(0), push(3, R"("extra":{"ignored":[1,2,{"deep":null}]})"),
      R"({"_tag":"WSMessage.PushReq","requestId":"f","batch":[{"name":"x","seqNum":1.0,"parentSeqNum":0,"clientId":"c","sessionId":"s"}]})",
      R"({"_tag":"WSMessage.PullReq","requestId":"p","cursor":4})", R"({"_tag":"WSMessage.Ping","requestId":"ping"})"};
  for (const auto& frame : good) EXPECT_EQ(decoder.decode_client_message(frame), decode_client_message(frame)) << frame;
  EXPECT_EQ(std::get<PushReq>(decoder.decode_client_message(good[4])).batch[0].seqNum, 1);

  const std::vector<std::string> bad{
      push(2, R"("extra":[1,,2])"), push(2, R"("extra":tru)"), "\xEF\xBB\xBF" + push(1), push(1) + std::string(1, '\0'),
      R"({"_tag":"WSMessage.PushReq","requestId":"r","batch":[{"name":"x","seqNum":2.5,"parentSeqNum":1,"clientId":"c","sessionId":"s"}]})",
      R"({"_tag":"WSMessage.PushReq","requestId":"r","batch":[{"name":"x","args":{"a":"1)" "\n" R"("},"seqNum":1,"parentSeqNum":0,"clientId":"c","sessionId":"s"}]})"};
  for (const auto& frame : bad) {
    std::string fresh, reused;
    try {
      decode_client_message(frame);
    } catch (const FrameError& e) {
      fresh = e.what();
    }
    try {
      decoder.decode_client_message(frame);
    } catch (const FrameError& e) {
      reused = e.what();
    }
    EXPECT_FALSE(fresh.empty()) << frame;
    EXPECT_EQ(reused, fresh) << frame;
  }
  // And the server's frames: a broadcast, pages with and without metadata.
  PullRes page{{}, Context::push, "p", 2};
  for (int i = 0; i < 40; ++i)
    page.batch.push_back(SyncedEvent{WireEvent{"v1.Debug", i % 3 ? std::optional<std::string>(R"({"id":"x"})") : std::nullopt, i + 1, i, "c", "s"},
                                     i % 2 ? std::optional<std::string>("2025-06-23T03:44:09.014Z") : std::nullopt});
  for (const auto& frame : {encode(ServerMessage{page}), encode(ServerMessage{PushAck{"a"}}), encode(ServerMessage{PullRes{}})}) {
    EXPECT_EQ(decoder.decode_server_message(frame), decode_server_message(frame));
    EXPECT_EQ(encode(decoder.decode_server_message(frame)), frame);
  }
  EXPECT_THROW(decoder.decode_server_message(R"({"_tag":"WSMessage.PullRes","batch":[],"requestId":{"context":"later","requestId":"r"},"remaining":0})"),
               FrameError);
}

// A PushAck (one per push) takes the fast path; it must read exactly as the general one.
TEST(FrameDecoder, ReadsAPushAckAsJsonParseDoes) {
  FrameDecoder decoder;
  const auto ack = [&](std::string_view frame) { return std::get<PushAck>(decoder.decode_server_message(frame)).requestId; };
  EXPECT_EQ(ack(R"({"_tag":"WSMessage.PushAck","requestId":"push-7"})"), "push-7");
  EXPECT_EQ(ack(R"({"requestId":"a\"b\u00e9","_tag":"WSMessage.PushAck","extra":[1,{"x":null}]})"), "a\"b\u00e9");
  EXPECT_EQ(ack(R"({"_tag":"WSMessage.PushAck","requestId":"first","requestId":"last"})"), "last");
  const auto refusal = [&](std::string_view frame) {
    try {
      decoder.decode_server_message(frame);
    } catch (const FrameError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refusal(R"({"_tag":"WSMessage.PushAck","requestId":5})"), "WSMessage.PushAck: requestId: expected a string, got 5");
  EXPECT_EQ(refusal(R"({"_tag":"WSMessage.PushAck"})"), "WSMessage.PushAck: requestId: missing");
  EXPECT_NE(refusal(R"({"_tag":"WSMessage.PushAck","requestId":"r","x":[1,,2]})"), "accepted");
  EXPECT_NE(refusal("\xEF\xBB\xBF" R"({"_tag":"WSMessage.PushAck","requestId":"r"})"), "accepted");
}

// The args' text is found by a light pass over the already validated frame: strings that look
// like structure, escapes before quotes, nesting, spacing, repeated and escaped keys.
TEST(FrameDecoder, FindsEachArgsTextExactly) {
  FrameDecoder decoder;
  const std::string tail = R"(,"seqNum":1,"parentSeqNum":0,"clientId":"c","sessionId":"s"})";
  const auto args_of_push = [&](const std::string& members) {
    const std::string frame = R"({"_tag":"WSMessage.PushReq","requestId":"r","batch":[{)" + members + tail + "]}";
    return std::get<PushReq>(decoder.decode_client_message(frame)).batch.at(0).args;
  };
  EXPECT_EQ(args_of_push(R"("name":"x","args":{"s":"}\"]\\","t":"\\"})"), R"({"s":"}\"]\\","t":"\\"})");
  EXPECT_EQ(args_of_push(R"("name":"x" , "args" :  [ {"a":[1,{"b":"]"}]} , "}" ]  )"), R"([ {"a":[1,{"b":"]"}]} , "}" ])");
  EXPECT_EQ(args_of_push(R"("extra":{"args":1},"name":"x","args":{"args":2})"), R"({"args":2})");
  EXPECT_EQ(args_of_push(R"("name":"x","args":-1.5e3)"), "-1.5e3");
  EXPECT_EQ(args_of_push(R"("name":"x","args":true)"), "true");
  EXPECT_EQ(args_of_push(R"("name":"x","\u0061rgs":{"v":1})"), R"({"v":1})");  // JSON.parse reads it as "args"
  EXPECT_EQ(args_of_push(R"("name":"x","args":{"v":1},"note":"args")"), R"({"v":1})");
  EXPECT_EQ(args_of_push(R"("name":"\"args\"","x":"\\")"), std::nullopt);
  for (size_t at = 0; at < 40; ++at) {  // an escaped quote at each offset of a long string
    const std::string text = R"({"s":")" + std::string(at, 'a') + R"(\"\\)" + std::string(40 - at, 'b') + R"("})";
    EXPECT_EQ(args_of_push(R"("name":"x","args":)" + text + R"(,"t":"\"")"), text);
  }

  const std::string later_batch = R"({"_tag":"WSMessage.PushReq","batch":[],"requestId":"r","batch":[{"name":"x","args":{"v":3})" + tail + "]}";
  EXPECT_EQ(std::get<PushReq>(decoder.decode_client_message(later_batch)).batch.at(0).args, R"({"v":3})");
  const std::string page = R"({"_tag":"WSMessage.PullRes","batch":[{"eventEncoded":{"name":"x","args":{"v":1}}, "eventEncoded" : {"name":"x","seqNum":1,"parentSeqNum":0,"clientId":"c","sessionId":"s"},"metadata":{"_tag":"None"}},)"
                           R"({"metadata":{"_tag":"None","args":0},"eventEncoded":{"name":"x","args":{"v":"{"},"seqNum":2,"parentSeqNum":1,"clientId":"c","sessionId":"s"}}],"requestId":{"context":"pull","requestId":"r"},"remaining":0})";
  const auto res = std::get<PullRes>(decoder.decode_server_message(page));
  ASSERT_EQ(res.batch.size(), 2u);
  EXPECT_EQ(res.batch[0].event.args, std::nullopt);  // the last eventEncoded has none
  EXPECT_EQ(res.batch[1].event.args, R"({"v":"{"})");
}

// What `new URLSearchParams({storeId, payload: encodeURIComponent(JSON.stringify(p))})` gives in
// node 20 (sync-cf 0.3.1 builds its URL that way).
TEST(Frames, SyncQueryIsEncodedLikeTheTypeScriptClient) {
  EXPECT_EQ(sync_query("nb-1_x", R"({"authToken":"a b+c/é","runtime":true,"userId":"u*(x)~!"})"),
            "storeId=nb-1_x&payload=%257B%2522authToken%2522%253A%2522a%2520b%252Bc%252F%25C3%25A9%2522%252C%2522"
            "runtime%2522%253Atrue%252C%2522userId%2522%253A%2522u*%28x%29%7E%21%2522%257D");
}

TEST(Frames, RefusalMessagesAreRecognizedByWhatTheyMean) {
  EXPECT_TRUE(is_invalid_parent_message(invalid_parent_message(2, 5)));
  EXPECT_TRUE(is_not_stored_message(not_stored_message("disk full")));
  EXPECT_FALSE(is_not_stored_message(invalid_parent_message(2, 5)));
  EXPECT_FALSE(is_invalid_parent_message("Push refused: you may read notebook nb but not change it"));
}

}  // namespace
}  // namespace runt::protocol
