#include "sync/peer/secure_frames.h"

#include <gtest/gtest.h>

#include <string>

#include "sync/crypto/crypto.h"
#include "sync/peer/handshake.h"

namespace mrc::sync {
namespace {

using Key = std::array<std::uint8_t, 32>;

Key TestKey(std::uint8_t fill) {
  Key k{};
  k.fill(fill);
  return k;
}

// One direction of a link: a sealer and the opener at the other end, whose
// header has been delivered.
class SecureFramesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    ASSERT_TRUE(opener_.SetHeader(sealer_.Header()).ok());
  }

  Bytes Seal(std::string_view plain, bool final = false) {
    auto f = sealer_.Seal(plain, final);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? *f : Bytes();
  }
  // What the receiving side makes of one frame (prefix included): the
  // plaintext, or "CODE: message" as a transport would see it.
  static std::string Deliver(FrameOpener& o, std::string_view frame) {
    auto n = o.CiphertextSize(frame.substr(0, 4));
    if (!n.ok()) return n.status().ToString();
    if (*n != frame.size() - 4) return "length prefix says " + std::to_string(*n);
    auto p = o.Open(frame.substr(4));
    return p.ok() ? *p : p.status().ToString();
  }
  std::string Deliver(std::string_view frame) { return Deliver(opener_, frame); }

  FrameSealer sealer_{TestKey(5)};
  FrameOpener opener_{TestKey(5)};
};

const char kRefused[] = "CORRUPTION: frame fails authentication (tampered, reordered or replayed)";

TEST_F(SecureFramesTest, FramesRoundTripInOrder) {
  Bytes big(kMaxFrameBytes, 'b');
  EXPECT_EQ("first", Deliver(Seal("first")));
  EXPECT_EQ("", Deliver(Seal("")));
  EXPECT_EQ(Bytes("\0\xff\n", 3), Deliver(Seal(Bytes("\0\xff\n", 3))));
  Bytes f = Seal(big);
  EXPECT_EQ(4 + kMaxFrameBytes + kFrameOverheadBytes, f.size());
  EXPECT_TRUE(Deliver(f) == big);
  EXPECT_FALSE(opener_.finished());
  EXPECT_EQ("bye", Deliver(Seal("bye", /*final=*/true)));
  EXPECT_TRUE(opener_.finished());
}

TEST_F(SecureFramesTest, FramesWorkUnderHandshakeKeysInBothDirections) {
  KeyPair a = GenerateKeyPair(), b = GenerateKeyPair();
  Hash32 network{};
  Handshake i(Handshake::Role::kInitiator, a, network);
  Handshake r(Handshake::Role::kResponder, b, network);
  for (int k = 0; k < 4 && !(i.done() && r.done()); ++k) {
    Handshake& from = k % 2 == 0 ? i : r;
    Handshake& to = k % 2 == 0 ? r : i;
    ASSERT_TRUE(to.Receive(from.Next()).ok()) << "message " << k + 1;
  }
  ASSERT_TRUE(i.done() && r.done());
  FrameSealer i_out(i.keys().send), r_out(r.keys().send);
  FrameOpener r_in(r.keys().receive), i_in(i.keys().receive);
  ASSERT_TRUE(r_in.SetHeader(i_out.Header()).ok());
  ASSERT_TRUE(i_in.SetHeader(r_out.Header()).ok());
  EXPECT_EQ("to r", Deliver(r_in, i_out.Seal("to r").value()));
  EXPECT_EQ("to i", Deliver(i_in, r_out.Seal("to i").value()));
  // A frame for one direction does not open in the other.
  FrameOpener wrong_way(i.keys().receive);
  FrameSealer i_out2(i.keys().send);
  ASSERT_TRUE(wrong_way.SetHeader(i_out2.Header()).ok());
  EXPECT_EQ(kRefused, Deliver(wrong_way, i_out2.Seal("x").value()));
}

TEST_F(SecureFramesTest, AFlippedBitAnywhereIsRefused) {
  Bytes original = Seal("payload");
  for (std::size_t byte = 4; byte < original.size(); ++byte) {
    FrameSealer s(TestKey(5));
    FrameOpener o(TestKey(5));
    ASSERT_TRUE(o.SetHeader(s.Header()).ok());
    Bytes f = s.Seal("payload").value();
    f[byte] ^= static_cast<char>(1 << (byte % 8));
    ASSERT_EQ(kRefused, Deliver(o, f)) << "byte " << byte;
  }
  // The length prefix is not authenticated itself, but a changed one moves
  // the frame boundary, so the ciphertext read fails instead.
  Bytes stream = original + Seal("next");
  stream[3] ^= 1;
  std::size_t announced = opener_.CiphertextSize(std::string_view(stream).substr(0, 4)).value();
  EXPECT_EQ(original.size() - 4 + 1, announced);
  EXPECT_EQ(kRefused,
            opener_.Open(std::string_view(stream).substr(4, announced)).status().ToString());
}

TEST_F(SecureFramesTest, ReorderedReplayedAndDroppedFramesAreRefused) {
  {
    Bytes a = Seal("a"), b = Seal("b");
    EXPECT_EQ(kRefused, Deliver(b)) << "reordered";
  }
  {
    FrameSealer s(TestKey(5));
    FrameOpener o(TestKey(5));
    ASSERT_TRUE(o.SetHeader(s.Header()).ok());
    Bytes a = s.Seal("a").value();
    EXPECT_EQ("a", Deliver(o, a));
    EXPECT_EQ(kRefused, Deliver(o, a)) << "replayed";
  }
  {
    FrameSealer s(TestKey(5));
    FrameOpener o(TestKey(5));
    ASSERT_TRUE(o.SetHeader(s.Header()).ok());
    Bytes a = s.Seal("a").value(), b = s.Seal("b").value();
    EXPECT_EQ(kRefused, Deliver(o, b)) << "a dropped";
    // The stream is over: even the right frame no longer opens.
    EXPECT_EQ("CORRUPTION: frame after a failed frame", Deliver(o, a));
  }
  {
    // A frame from another stream under the same key (another link).
    FrameSealer s(TestKey(5)), other(TestKey(5));
    FrameOpener o(TestKey(5));
    ASSERT_TRUE(o.SetHeader(s.Header()).ok());
    Bytes other_header = other.Header();
    EXPECT_EQ(kRefused, Deliver(o, other.Seal("x").value()));
  }
}

TEST_F(SecureFramesTest, NothingOpensAfterTheFinalFrameAndTruncationShows) {
  EXPECT_EQ("one", Deliver(Seal("one")));
  EXPECT_FALSE(opener_.finished()) << "a link that ends here was truncated";
  Bytes last = Seal("last", /*final=*/true);
  // The final frame cut short is refused like tampering.
  {
    FrameOpener o(TestKey(5));
    FrameSealer s(TestKey(5));
    ASSERT_TRUE(o.SetHeader(s.Header()).ok());
    Bytes f = s.Seal("last", true).value();
    EXPECT_EQ(kRefused, o.Open(std::string_view(f).substr(4, f.size() - 5)).status().ToString());
    EXPECT_FALSE(o.finished());
  }
  EXPECT_EQ("last", Deliver(last));
  EXPECT_TRUE(opener_.finished());
  // A sealer will not go on after a final frame, and an opener refuses a
  // frame appended by anyone else (here: a replay of the last one).
  EXPECT_EQ("INVALID_ARGUMENT: frame sealed after the final frame",
            sealer_.Seal("more").status().ToString());
  EXPECT_EQ("CORRUPTION: frame after the final frame", Deliver(last));
}

TEST_F(SecureFramesTest, OversizedAndMalformedFramesAreRefused) {
  EXPECT_EQ(Status::Code::kInvalidArgument,
            sealer_.Seal(Bytes(kMaxFrameBytes + 1, 'x')).status().code());
  auto prefix = [](std::uint64_t n) {
    Bytes p;
    PutU32(&p, static_cast<std::uint32_t>(n));
    return p;
  };
  const std::size_t max = kMaxFrameBytes + kFrameOverheadBytes;
  EXPECT_EQ(max, opener_.CiphertextSize(prefix(max)).value());
  EXPECT_EQ(kFrameOverheadBytes, opener_.CiphertextSize(prefix(kFrameOverheadBytes)).value());
  for (std::uint64_t n : {std::uint64_t{max + 1}, std::uint64_t{0xffffffff},
                          std::uint64_t{kFrameOverheadBytes - 1}, std::uint64_t{0}}) {
    EXPECT_EQ("CORRUPTION: frame length " + std::to_string(n) + " is outside the limits",
              opener_.CiphertextSize(prefix(n)).status().ToString());
  }
  EXPECT_EQ(Status::Code::kCorruption, opener_.CiphertextSize("abc").status().code());
  EXPECT_EQ(Status::Code::kCorruption, opener_.CiphertextSize("abcde").status().code());
  // Open checks the size too, for callers that skip CiphertextSize.
  EXPECT_EQ(Status::Code::kCorruption, opener_.Open(Bytes(max + 1, 'x')).status().code());
}

TEST_F(SecureFramesTest, WrongKeysHeadersAndCallOrdersAreRefused) {
  FrameSealer s(TestKey(5));
  FrameOpener wrong_key(TestKey(6));
  ASSERT_TRUE(wrong_key.SetHeader(s.Header()).ok());
  EXPECT_EQ(kRefused, Deliver(wrong_key, s.Seal("secret").value()));

  FrameOpener o(TestKey(5));
  EXPECT_EQ("CORRUPTION: frame before the stream header",
            o.Open(Bytes(20, 'x')).status().ToString());
  EXPECT_EQ("CORRUPTION: invalid stream header", o.SetHeader(Bytes(23, 'h')).ToString());
  EXPECT_EQ("CORRUPTION: stream header received twice",
            opener_.SetHeader(Bytes(24, 'h')).ToString());

  FrameSealer unstarted(TestKey(5));
  EXPECT_EQ("INVALID_ARGUMENT: frame sealed before the stream header",
            unstarted.Seal("x").status().ToString());
}

}  // namespace
}  // namespace mrc::sync
