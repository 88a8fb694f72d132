#include "sync/peer/handshake.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace mrc::sync {
namespace {

Hash32 Network(std::uint8_t fill) {
  Hash32 n{};
  n.fill(fill);
  return n;
}
const Hash32 kNetwork = Network(7);
const Hash32 kOtherNetwork = Network(9);

// Alters message n (1 to 4) in flight; may replace it entirely.
using Tamper = std::function<void(int n, Bytes* message)>;

std::string Str(const Status& s) {
  return s.ok() ? "OK" : std::string(s.CodeName()) + ": " + s.message();
}

// Runs a handshake between initiator i and responder r, passing each message
// through `tamper`. Returns "OK" or the first error as "CODE: message", so
// tests read as data.
std::string RunHandshake(Handshake& i, Handshake& r, const Tamper& tamper = {}) {
  Handshake* sides[2] = {&i, &r};
  int n = 0;
  // Four messages, each taking at most two passes (one per side).
  for (int pass = 0; pass < 8 && !(i.done() && r.done()); ++pass) {
    Handshake* from = sides[pass % 2];
    Handshake* to = sides[1 - pass % 2];
    Bytes msg = from->Next();
    if (msg.empty()) continue;
    ++n;
    if (tamper) tamper(n, &msg);
    Status s = to->Receive(msg);
    if (!s.ok()) return Str(s);
  }
  return i.done() && r.done() ? "OK" : "did not finish";
}

class HandshakeTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
  KeyPair a_ = GenerateKeyPair(), b_ = GenerateKeyPair();
};

TEST_F(HandshakeTest, BothSidesLearnEachOtherAndShareKeysWhoeverDials) {
  for (int dir = 0; dir < 2; ++dir) {
    const KeyPair& ki = dir == 0 ? a_ : b_;
    const KeyPair& kr = dir == 0 ? b_ : a_;
    Handshake i(Handshake::Role::kInitiator, ki, kNetwork);
    Handshake r(Handshake::Role::kResponder, kr, kNetwork);
    ASSERT_EQ("OK", RunHandshake(i, r)) << "direction " << dir;
    EXPECT_EQ(kr.public_key, i.peer());
    EXPECT_EQ(ki.public_key, r.peer());
    EXPECT_EQ(i.keys().send, r.keys().receive);
    EXPECT_EQ(i.keys().receive, r.keys().send);
    EXPECT_NE(i.keys().send, i.keys().receive);
    EXPECT_EQ(0u, i.expected());
    EXPECT_TRUE(i.Next().empty());
    EXPECT_FALSE(i.failed() || r.failed());
  }
}

TEST_F(HandshakeTest, MessagesHaveTheDocumentedSizesAndTurns) {
  Handshake i(Handshake::Role::kInitiator, a_, kNetwork);
  Handshake r(Handshake::Role::kResponder, b_, kNetwork);
  EXPECT_EQ(0u, i.expected());
  EXPECT_EQ(64u, r.expected());
  EXPECT_TRUE(r.Next().empty()) << "the responder speaks second";
  Bytes m1 = i.Next();
  EXPECT_TRUE(i.Next().empty()) << "one message per call";
  EXPECT_EQ(64u, i.expected());
  ASSERT_TRUE(r.Receive(m1).ok());
  Bytes m2 = r.Next();
  EXPECT_EQ(112u, r.expected());
  ASSERT_TRUE(i.Receive(m2).ok());
  Bytes m3 = i.Next();
  ASSERT_TRUE(r.Receive(m3).ok());
  Bytes m4 = r.Next();
  EXPECT_TRUE(r.done());
  ASSERT_TRUE(i.Receive(m4).ok());
  EXPECT_TRUE(i.done());
  EXPECT_EQ((std::vector<std::size_t>{64, 64, 112, 112}),
            (std::vector<std::size_t>{m1.size(), m2.size(), m3.size(), m4.size()}));
}

TEST_F(HandshakeTest, FreshEphemeralKeysGiveFreshSessionKeys) {
  Handshake i1(Handshake::Role::kInitiator, a_, kNetwork);
  Handshake r1(Handshake::Role::kResponder, b_, kNetwork);
  Handshake i2(Handshake::Role::kInitiator, a_, kNetwork);
  Handshake r2(Handshake::Role::kResponder, b_, kNetwork);
  ASSERT_EQ("OK", RunHandshake(i1, r1));
  ASSERT_EQ("OK", RunHandshake(i2, r2));
  EXPECT_NE(i1.keys().send, i2.keys().send);
  EXPECT_NE(i1.keys().receive, i2.keys().receive);
}

TEST_F(HandshakeTest, AnotherNetworkIsRefusedAtMessageOne) {
  Handshake i(Handshake::Role::kInitiator, a_, kOtherNetwork);
  Handshake r(Handshake::Role::kResponder, b_, kNetwork);
  EXPECT_EQ("PERMISSION_DENIED: not a node of this network", RunHandshake(i, r));
  EXPECT_TRUE(r.failed());
  EXPECT_TRUE(r.Next().empty()) << "the responder reveals nothing";
  EXPECT_EQ(0u, r.expected());
}

TEST_F(HandshakeTest, AStrangerIsRefusedAtMessageOne) {
  Handshake r(Handshake::Role::kResponder, b_, kNetwork);
  Bytes noise(64, '\0');
  RandomBytes(noise.data(), noise.size());
  EXPECT_EQ("PERMISSION_DENIED: not a node of this network", Str(r.Receive(noise)));
  EXPECT_TRUE(r.Next().empty());
}

// Message 2 built by a node of `network` for the initiator's e_i: what a
// responder of another network would send if it skipped its own check.
Bytes Hello2(const Hash32& network, std::string_view m1, std::string_view e_r) {
  Bytes mac_input = "mrc-hs-2";
  mac_input.append(m1.substr(0, 32));
  mac_input.append(e_r);
  Bytes m2(e_r);
  m2.append(AsView(KeyedBlake2b256(NetworkCapability(network), mac_input)));
  return m2;
}

TEST_F(HandshakeTest, AnotherNetworkIsRefusedAtMessageTwo) {
  // A real ephemeral public key to answer with, from a responder of the
  // other network.
  Handshake other_i(Handshake::Role::kInitiator, b_, kOtherNetwork);
  Handshake other_r(Handshake::Role::kResponder, b_, kOtherNetwork);
  ASSERT_TRUE(other_r.Receive(other_i.Next()).ok());
  Bytes e_r = other_r.Next().substr(0, 32);

  Handshake i(Handshake::Role::kInitiator, a_, kNetwork);
  Bytes m1 = i.Next();
  Status s = i.Receive(Hello2(kOtherNetwork, m1, e_r));
  EXPECT_EQ(Status::Code::kPermissionDenied, s.code());
  EXPECT_EQ("not a node of this network", s.message());
  EXPECT_TRUE(i.failed());
  EXPECT_TRUE(i.Next().empty()) << "the initiator reveals nothing";

  // The same message under this network's capability passes: the refusal
  // above was for the network alone.
  Handshake i2(Handshake::Role::kInitiator, a_, kNetwork);
  Bytes m1b = i2.Next();
  EXPECT_TRUE(i2.Receive(Hello2(kNetwork, m1b, e_r)).ok());
}

TEST_F(HandshakeTest, DegenerateEphemeralKeysAreRefused) {
  // Low-order X25519 points (u = 0 and u = 1): the shared secret would be
  // all zeros, known to anyone.
  for (std::uint8_t u : {0, 1}) {
    Bytes e(32, '\0');
    e[0] = static_cast<char>(u);
    Bytes m1 = e;
    m1.append(AsView(KeyedBlake2b256(NetworkCapability(kNetwork), "mrc-hs-1" + e)));
    Handshake r(Handshake::Role::kResponder, b_, kNetwork);
    Status s = r.Receive(m1);
    EXPECT_EQ(Status::Code::kCorruption, s.code()) << "u=" << int{u} << " " << s.ToString();
    EXPECT_TRUE(r.failed());
    EXPECT_TRUE(r.Next().empty());

    Handshake i(Handshake::Role::kInitiator, a_, kNetwork);
    Bytes m1i = i.Next();
    EXPECT_EQ(Status::Code::kCorruption, i.Receive(Hello2(kNetwork, m1i, e)).code())
        << "u=" << int{u};
  }
}

TEST_F(HandshakeTest, AFlippedBitInAnyByteOfAnyMessageIsRefused) {
  const std::size_t sizes[] = {64, 64, 112, 112};
  for (int target = 1; target <= 4; ++target) {
    for (std::size_t byte = 0; byte < sizes[target - 1]; ++byte) {
      Handshake i(Handshake::Role::kInitiator, a_, kNetwork);
      Handshake r(Handshake::Role::kResponder, b_, kNetwork);
      std::string got = RunHandshake(i, r, [&](int n, Bytes* m) {
        if (n == target) (*m)[byte] ^= static_cast<char>(1 << (byte % 8));
      });
      // Hellos fail their network MAC; boxes fail Poly1305.
      std::string want = target <= 2 ? "PERMISSION_DENIED: not a node of this network"
                                     : "CORRUPTION: handshake message " + std::to_string(target) +
                                           " does not decrypt";
      ASSERT_EQ(want, got) << "message " << target << " byte " << byte;
      EXPECT_FALSE(i.done() && r.done());
    }
  }
}

TEST_F(HandshakeTest, AForgedIdentitySignatureIsRefused) {
  // A node claiming b's identity without b's secret key: its boxes are
  // well formed, but it can only sign with its own key.
  KeyPair impostor = a_;
  impostor.public_key = b_.public_key;
  KeyPair c = GenerateKeyPair();
  {
    Handshake i(Handshake::Role::kInitiator, impostor, kNetwork);
    Handshake r(Handshake::Role::kResponder, c, kNetwork);
    EXPECT_EQ("CORRUPTION: peer " + ToHex(b_.public_key) + ": identity signature does not verify",
              RunHandshake(i, r));
    EXPECT_TRUE(r.failed());
  }
  {
    Handshake i(Handshake::Role::kInitiator, c, kNetwork);
    Handshake r(Handshake::Role::kResponder, impostor, kNetwork);
    EXPECT_EQ("CORRUPTION: peer " + ToHex(b_.public_key) + ": identity signature does not verify",
              RunHandshake(i, r));
    EXPECT_TRUE(i.failed());
    EXPECT_TRUE(r.done()) << "the responder cannot know its last message was refused";
  }
}

TEST_F(HandshakeTest, AMessageFromAnotherHandshakeIsRefused) {
  // Record message 3 of one handshake, replay it into another between the
  // same nodes: its box key came from other ephemeral keys.
  Bytes recorded;
  Handshake i1(Handshake::Role::kInitiator, a_, kNetwork);
  Handshake r1(Handshake::Role::kResponder, b_, kNetwork);
  ASSERT_EQ("OK", RunHandshake(i1, r1, [&](int n, Bytes* m) {
              if (n == 3) recorded = *m;
            }));
  Handshake i2(Handshake::Role::kInitiator, a_, kNetwork);
  Handshake r2(Handshake::Role::kResponder, b_, kNetwork);
  EXPECT_EQ("CORRUPTION: handshake message 3 does not decrypt",
            RunHandshake(i2, r2, [&](int n, Bytes* m) {
              if (n == 3) *m = recorded;
            }));
}

TEST_F(HandshakeTest, ConnectingToItselfIsRefused) {
  Handshake i(Handshake::Role::kInitiator, a_, kNetwork);
  Handshake r(Handshake::Role::kResponder, a_, kNetwork);
  EXPECT_EQ("PERMISSION_DENIED: connected to itself", RunHandshake(i, r));
  EXPECT_TRUE(r.failed());
  EXPECT_FALSE(i.done());
}

TEST_F(HandshakeTest, WrongSizesAndWrongTurnsAreRefused) {
  for (std::size_t size : {0, 63, 65, 112}) {
    Handshake r(Handshake::Role::kResponder, b_, kNetwork);
    Status s = r.Receive(Bytes(size, 'x'));
    EXPECT_EQ("handshake message of " + std::to_string(size) + " bytes where 64 were expected",
              s.message());
    EXPECT_EQ(Status::Code::kCorruption, s.code());
    EXPECT_TRUE(r.failed());
    EXPECT_TRUE(r.Next().empty());
    EXPECT_EQ(0u, r.expected());
    EXPECT_EQ("handshake message after a failure", r.Receive(Bytes(64, 'x')).message());
  }
  // A full-size hello where a box is expected.
  Handshake i(Handshake::Role::kInitiator, a_, kNetwork);
  Handshake r(Handshake::Role::kResponder, b_, kNetwork);
  ASSERT_TRUE(r.Receive(i.Next()).ok());
  ASSERT_TRUE(i.Receive(r.Next()).ok());
  EXPECT_EQ(Status::Code::kCorruption, r.Receive(Bytes(64, 'x')).code());
  // An initiator that has not spoken yet expects nothing.
  Handshake i2(Handshake::Role::kInitiator, a_, kNetwork);
  EXPECT_EQ("handshake message out of turn", i2.Receive(Bytes(64, 'x')).message());
  EXPECT_TRUE(i2.failed());
}

TEST_F(HandshakeTest, NetworkCapabilityIsDerivedFromTheNetworkId) {
  EXPECT_EQ(NetworkCapability(kNetwork), NetworkCapability(Network(7)));
  EXPECT_NE(NetworkCapability(kNetwork), NetworkCapability(kOtherNetwork));
  EXPECT_EQ(Blake2b256(Bytes("mrc-network-cap-v1") + Bytes(32, '\x07')),
            NetworkCapability(kNetwork));
}

}  // namespace
}  // namespace mrc::sync
