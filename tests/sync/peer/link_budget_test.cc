#include "sync/peer/link_budget.h"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <vector>

namespace mrc::sync {
namespace {

constexpr std::size_t kMiB = 1 << 20;

PeerLimits Small() {
  PeerLimits l;
  l.handshakes = 2;
  l.links_per_address = 2;
  l.links_per_key = 2;
  l.unapproved_links = 1;
  l.read_memory_bytes = 16 * kMiB;
  return l;
}

TEST(LinkBudgetTest, CountsAreGivenBackWhenAPlaceGoes) {
  LinkBudget b(Small());
  auto a1 = b.AdmitAddress("10.0.0.1");
  auto a2 = b.AdmitAddress("10.0.0.1");
  ASSERT_TRUE(a1.ok() && a2.ok());
  auto a3 = b.AdmitAddress("10.0.0.1");
  ASSERT_FALSE(a3.ok());
  EXPECT_EQ(Status::Code::kResourceExhausted, a3.status().code());
  EXPECT_NE(std::string::npos, a3.status().message().find("10.0.0.1")) << a3.status().message();
  EXPECT_NE(std::string::npos, a3.status().message().find("peer_links_per_address (2)"));
  EXPECT_TRUE(b.AdmitAddress("10.0.0.2").ok());  // another address has its own count
  { LinkBudget::Place gone = std::move(a1).value(); }
  EXPECT_TRUE(b.AdmitAddress("10.0.0.1").ok());

  auto u = b.AdmitUnapproved();
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(b.AdmitUnapproved().ok());
  LinkBudget::Place moved = std::move(u).value();
  LinkBudget::Place again = std::move(moved);  // moving hands the place on, once
  EXPECT_FALSE(b.AdmitUnapproved().ok());
  again = {};
  EXPECT_TRUE(b.AdmitUnapproved().ok());

  Hash32 key{};
  key[0] = 7;
  auto k1 = b.AdmitKey(key), k2 = b.AdmitKey(key);
  ASSERT_TRUE(k1.ok() && k2.ok());
  EXPECT_FALSE(b.AdmitKey(key).ok());
  auto h1 = b.AdmitHandshake(), h2 = b.AdmitHandshake();
  ASSERT_TRUE(h1.ok() && h2.ok());
  EXPECT_NE(std::string::npos, b.AdmitHandshake().status().message().find("peer_handshakes"));
}

TEST(LinkBudgetTest, NoLinksOfKeysNotApprovedWhenTheLimitIsZero) {
  PeerLimits l = Small();
  l.unapproved_links = 0;
  LinkBudget b(l);
  EXPECT_FALSE(b.AdmitUnapproved().ok());
  EXPECT_FALSE(b.AdmitUnapproved().ok());
}

TEST(LinkBudgetTest, ClaimsWaitTheirTurnInOrder) {
  LinkBudget b(Small());
  std::vector<int> granted;
  auto c1 = b.ClaimRead(6 * kMiB, true, [&] { granted.push_back(1); });
  auto c2 = b.ClaimRead(6 * kMiB, true, [&] { granted.push_back(2); });
  EXPECT_TRUE(c1.granted() && c2.granted());
  EXPECT_EQ(12 * kMiB, b.read_bytes());
  // 4 MiB fit but the 5 MiB claim came first: the later one waits behind it.
  auto c3 = b.ClaimRead(5 * kMiB, true, [&] { granted.push_back(3); });
  auto c4 = b.ClaimRead(1 * kMiB, true, [&] { granted.push_back(4); });
  EXPECT_FALSE(c3.granted());
  EXPECT_FALSE(c4.granted());
  EXPECT_EQ(2u, b.waiting());
  c1 = {};
  EXPECT_TRUE(c3.granted() && c4.granted());
  EXPECT_EQ((std::vector<int>{1, 2, 3, 4}), granted);
  EXPECT_EQ(12 * kMiB, b.read_bytes());
  c2 = {}, c3 = {}, c4 = {};
  EXPECT_EQ(0u, b.read_bytes());
}

TEST(LinkBudgetTest, AClaimThatGivesUpItsTurnLetsTheNextOneIn) {
  LinkBudget b(Small());
  auto big = b.ClaimRead(12 * kMiB, true, nullptr);
  std::optional<LinkBudget::Claim> first = b.ClaimRead(8 * kMiB, true, nullptr);
  bool second_granted = false;
  auto second = b.ClaimRead(4 * kMiB, true, [&] { second_granted = true; });
  EXPECT_FALSE(second.granted());
  first.reset();  // its link closed while it waited
  EXPECT_TRUE(second.granted());
  EXPECT_TRUE(second_granted);
  EXPECT_EQ(0u, b.waiting());
}

// Links of keys not approved take at most half the read memory, and one
// of them waiting for its half does not hold approved links back.
TEST(LinkBudgetTest, LinksNotApprovedHoldAtMostHalfAndNeverBlockMembers) {
  LinkBudget b(Small());
  auto s1 = b.ClaimRead(4 * kMiB, false, nullptr);
  auto s2 = b.ClaimRead(4 * kMiB, false, nullptr);
  EXPECT_TRUE(s1.granted() && s2.granted());
  bool s3_granted = false;
  auto s3 = b.ClaimRead(4 * kMiB, false, [&] { s3_granted = true; });
  EXPECT_FALSE(s3.granted());
  auto member = b.ClaimRead(8 * kMiB, true, nullptr);
  EXPECT_TRUE(member.granted());
  EXPECT_EQ(16 * kMiB, b.read_bytes());
  s1 = {};
  EXPECT_TRUE(s3.granted());
  EXPECT_TRUE(s3_granted);
}

TEST(LinkBudgetTest, NothingIsWokenOnceShutDown) {
  LinkBudget b(Small());
  auto held = b.ClaimRead(16 * kMiB, true, nullptr);
  bool woken = false;
  auto waiting = b.ClaimRead(1 * kMiB, true, [&] { woken = true; });
  b.Shutdown();
  held = {};
  EXPECT_FALSE(woken);
}

TEST(LinkBudgetTest, AddressesAreCountedByIPv4AddressOrIPv6Slash64) {
  std::array<std::uint8_t, 4> v4 = {192, 0, 2, 7};
  EXPECT_EQ("192.0.2.7", AddressKey(v4.data(), v4.size()));
  std::array<std::uint8_t, 16> mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7};
  EXPECT_EQ("192.0.2.7", AddressKey(mapped.data(), mapped.size()));
  std::array<std::uint8_t, 16> v6 = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 9, 9, 9, 9, 9, 9, 9, 9};
  std::array<std::uint8_t, 16> same = v6;
  same[15] = 1;
  EXPECT_EQ("2001:db8:1:2::/64", AddressKey(v6.data(), v6.size()));
  EXPECT_EQ(AddressKey(v6.data(), v6.size()), AddressKey(same.data(), same.size()));
}

}  // namespace
}  // namespace mrc::sync
