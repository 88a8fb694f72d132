#include "sync/handshake.h"

#include <gtest/gtest.h>

#include "sync/secure_frames.h"
#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using testing::TestNetwork;

// Runs a handshake to completion, optionally altering one message in
// flight; returns the first error (or OK).
Status RunHandshake(Handshake& i, Handshake& r, int corrupt_message = -1, std::size_t corrupt_byte = 0) {
  Handshake* sides[2] = {&i, &r};
  int message = 0;
  for (int turn = 0; turn < 8 && !(i.done() && r.done()); ++turn) {
    for (int k = 0; k < 2; ++k) {
      Bytes out = sides[k]->Next();
      if (out.empty()) continue;
      ++message;
      if (message == corrupt_message) out[corrupt_byte % out.size()] ^= 0x20;
      Status s = sides[1 - k]->Receive(out);
      if (!s.ok()) return s;
    }
  }
  return i.done() && r.done() ? Status::Ok() : Status::Corruption("handshake did not finish");
}

class HandshakeTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
  KeyPair a_ = GenerateKeyPair(), b_ = GenerateKeyPair();
};

TEST_F(HandshakeTest, BothSidesLearnEachOtherAndShareKeys) {
  Handshake i(Handshake::Role::kInitiator, a_, TestNetwork());
  Handshake r(Handshake::Role::kResponder, b_, TestNetwork());
  ASSERT_TRUE(RunHandshake(i, r).ok());
  EXPECT_EQ(b_.public_key, i.peer());
  EXPECT_EQ(a_.public_key, r.peer());
  EXPECT_EQ(i.keys().send, r.keys().receive);
  EXPECT_EQ(i.keys().receive, r.keys().send);
  EXPECT_NE(i.keys().send, i.keys().receive);
  // Fresh ephemeral keys: another handshake gives other session keys.
  Handshake i2(Handshake::Role::kInitiator, a_, TestNetwork());
  Handshake r2(Handshake::Role::kResponder, b_, TestNetwork());
  ASSERT_TRUE(RunHandshake(i2, r2).ok());
  EXPECT_NE(i.keys().send, i2.keys().send);
}

TEST_F(HandshakeTest, AnotherNetworkIsRefusedAtTheFirstMessage) {
  Hash32 other{};
  other.fill(9);
  Handshake i(Handshake::Role::kInitiator, a_, other);
  Handshake r(Handshake::Role::kResponder, b_, TestNetwork());
  Status s = RunHandshake(i, r);
  EXPECT_EQ(Status::Code::kPermissionDenied, s.code()) << s.ToString();
  EXPECT_FALSE(r.done());
}

TEST_F(HandshakeTest, EveryAlteredByteIsRefused) {
  for (int message = 1; message <= 4; ++message) {
    for (std::size_t byte : {std::size_t{0}, std::size_t{31}, std::size_t{40}, std::size_t{63}, std::size_t{100}}) {
      Handshake i(Handshake::Role::kInitiator, a_, TestNetwork());
      Handshake r(Handshake::Role::kResponder, b_, TestNetwork());
      EXPECT_FALSE(RunHandshake(i, r, message, byte).ok()) << "message " << message << " byte " << byte;
    }
  }
}

TEST_F(HandshakeTest, SelfAndWrongSizesAreRefused) {
  Handshake i(Handshake::Role::kInitiator, a_, TestNetwork());
  Handshake r(Handshake::Role::kResponder, a_, TestNetwork());
  EXPECT_EQ("connected to itself", RunHandshake(i, r).message());
  Handshake r2(Handshake::Role::kResponder, b_, TestNetwork());
  EXPECT_EQ(64u, r2.expected());
  EXPECT_FALSE(r2.Receive(Bytes(63, 'x')).ok());
  EXPECT_TRUE(r2.Next().empty());
}

TEST(SecureFramesTest, RoundTripAndEveryKindOfTampering) {
  ASSERT_TRUE(InitCrypto().ok());
  std::array<std::uint8_t, 32> key{};
  key.fill(5);
  FrameSealer sealer(key);
  FrameOpener opener(key);
  ASSERT_TRUE(opener.SetHeader(sealer.Header()).ok());
  Bytes f1 = sealer.Seal("first").value(), f2 = sealer.Seal("second").value();
  auto open = [&](FrameOpener& o, const Bytes& frame) {
    auto n = o.CiphertextSize(std::string_view(frame).substr(0, 4));
    if (!n.ok() || *n != frame.size() - 4) return std::string("bad length");
    auto p = o.Open(std::string_view(frame).substr(4));
    return p.ok() ? *p : "refused";
  };
  EXPECT_EQ("first", open(opener, f1));
  EXPECT_EQ("refused", open(opener, f1)) << "replay";
  EXPECT_EQ("second", open(opener, f2));

  FrameSealer s2(key);
  FrameOpener o2(key);
  ASSERT_TRUE(o2.SetHeader(s2.Header()).ok());
  Bytes a = s2.Seal("a").value(), b = s2.Seal("b").value();
  EXPECT_EQ("refused", open(o2, b)) << "reordered";

  FrameSealer s3(key);
  FrameOpener o3(key);
  ASSERT_TRUE(o3.SetHeader(s3.Header()).ok());
  Bytes c = s3.Seal("payload").value();
  c[8] ^= 1;
  EXPECT_EQ("refused", open(o3, c)) << "tampered";

  FrameSealer s4(key);
  FrameOpener o4(key);
  ASSERT_TRUE(o4.SetHeader(s4.Header()).ok());
  EXPECT_EQ("bye", open(o4, s4.Seal("bye", /*final=*/true).value()));
  EXPECT_TRUE(o4.finished());
  EXPECT_EQ("refused", open(o4, s4.Seal("more").value())) << "after the final frame";

  EXPECT_FALSE(sealer.Seal(Bytes(kMaxFrameBytes + 1, 'x')).ok());
  Bytes huge;
  PutU32(&huge, static_cast<std::uint32_t>(kMaxFrameBytes + 1000));
  EXPECT_FALSE(opener.CiphertextSize(huge).ok());
  std::array<std::uint8_t, 32> other{};
  FrameOpener wrong(other);
  FrameSealer s5(key);
  ASSERT_TRUE(wrong.SetHeader(s5.Header()).ok());
  EXPECT_EQ("refused", open(wrong, s5.Seal("secret").value())) << "wrong key";
}

}  // namespace
}  // namespace mrc::sync
