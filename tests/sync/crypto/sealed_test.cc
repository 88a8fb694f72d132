// Sealed envelopes: only the recipients open them, nothing in them can be
// changed unnoticed, and the sender is proven by the signature inside.
#include "sync/crypto/sealed.h"

#include <gtest/gtest.h>

#include <string>

namespace mrc::sync {
namespace {

class SealedTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
  KeyPair sender_ = GenerateKeyPair();
  BoxKeyPair to_ = GenerateBoxKeyPair();    // the receiving centre
  BoxKeyPair from_ = GenerateBoxKeyPair();  // the sending centre keeps a readable copy
  BoxKeyPair relay_ = GenerateBoxKeyPair();
  const std::string canary_ = "client CANARY-7731 Jane Doe, +355 69 000 0000";
};

TEST_F(SealedTest, EachRecipientOpensItAndLearnsTheSender) {
  auto e = Seal(sender_, "referral:1", canary_, {to_.public_key, from_.public_key});
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  for (const BoxKeyPair* k : {&to_, &from_}) {
    auto o = Open(*k, "referral:1", *e);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_EQ(canary_, o->payload);
    EXPECT_EQ(sender_.public_key, o->sender);
  }
  auto recipients = Recipients(*e);
  ASSERT_TRUE(recipients.ok());
  EXPECT_EQ((std::vector<Hash32>{to_.public_key, from_.public_key}), *recipients);
}

TEST_F(SealedTest, NoOneElseCanOpenItAndNoPlaintextShows) {
  auto e = Seal(sender_, "referral:1", canary_, {to_.public_key});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(std::string::npos, e->find("CANARY"));
  EXPECT_EQ(std::string::npos, e->find("Jane"));
  EXPECT_EQ(Status::Code::kNotFound, Open(relay_, "referral:1", *e).status().code());
  // Claiming to be a recipient (its public key with another secret) fails.
  BoxKeyPair impostor = relay_;
  impostor.public_key = to_.public_key;
  EXPECT_EQ(Status::Code::kCorruption, Open(impostor, "referral:1", *e).status().code());
}

TEST_F(SealedTest, AnyChangedByteOrAnotherContextIsDetected) {
  auto e = Seal(sender_, "referral:1", canary_, {to_.public_key, from_.public_key});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(Status::Code::kCorruption, Open(to_, "referral:2", *e).status().code());
  int detected = 0;
  for (std::size_t i = 0; i < e->size(); ++i) {
    std::string bad = *e;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto o = Open(to_, "referral:1", bad);
    // Flipping a byte of the other recipient's entry may only make this
    // recipient's copy unreadable or leave it not found, never readable.
    EXPECT_FALSE(o.ok()) << "byte " << i;
    detected += !o.ok();
  }
  EXPECT_EQ(static_cast<int>(e->size()), detected);
  EXPECT_FALSE(Open(to_, "referral:1", e->substr(0, e->size() - 1)).ok());
  EXPECT_FALSE(Open(to_, "referral:1", "").ok());
}

TEST_F(SealedTest, ARecipientCannotResealItAsSentToSomeoneElse) {
  // The receiving centre has read it and seals the same payload to a third
  // party in the sender's name: without the sender's secret key it cannot
  // sign the new recipient list, so the third party sees a forgery.
  auto e = Seal(sender_, "referral:1", canary_, {to_.public_key});
  ASSERT_TRUE(e.ok());
  KeyPair forger = GenerateKeyPair();
  forger.public_key = sender_.public_key;  // claims to be the sender, cannot sign as it
  auto forged = Seal(forger, "referral:1", canary_, {relay_.public_key});
  ASSERT_TRUE(forged.ok());
  auto o = Open(relay_, "referral:1", *forged);
  EXPECT_EQ(Status::Code::kCorruption, o.status().code());
  EXPECT_NE(std::string::npos, o.status().message().find("signature"));
}

TEST_F(SealedTest, BadRecipientListsAreRefused) {
  EXPECT_EQ(Status::Code::kInvalidArgument, Seal(sender_, "c", "p", {}).status().code());
  EXPECT_EQ(Status::Code::kInvalidArgument,
            Seal(sender_, "c", "p", {to_.public_key, to_.public_key}).status().code());
  std::vector<Hash32> nine;
  for (int i = 0; i < 9; ++i) nine.push_back(GenerateBoxKeyPair().public_key);
  EXPECT_EQ(Status::Code::kInvalidArgument, Seal(sender_, "c", "p", nine).status().code());
}

TEST_F(SealedTest, AKeyPairIsRebuiltFromItsSecret) {
  auto again = BoxKeyPairFromSecret(AsView(to_.secret_key));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(to_.public_key, again->public_key);
  EXPECT_FALSE(BoxKeyPairFromSecret("short").ok());
}

}  // namespace
}  // namespace mrc::sync
