// ConnectionBudget's rules without sockets: the per-address share, idle
// connections making room (the longest idle first), and what is refused.
#include "web/http/connection_budget.h"

#include <gtest/gtest.h>

#include <vector>

namespace mrc::web {
namespace {

// Distinct ids for connections.
std::vector<char> ids(1000);
ConnectionBudget::Id C(int i) { return &ids[static_cast<std::size_t>(i)]; }

TEST(ConnectionBudgetTest, AnAddressAtItsShareMakesRoomFromItsOwnIdleConnections) {
  ConnectionBudget b(10, 3);
  for (int i = 0; i < 3; ++i) {
    auto a = b.Admit(C(i), "10.0.0.2", 100 + i);
    EXPECT_TRUE(a.admitted);
    EXPECT_EQ(nullptr, a.make_room);
  }
  // The fourth takes the place of the longest idle: the first.
  auto a = b.Admit(C(3), "10.0.0.2", 200);
  EXPECT_TRUE(a.admitted);
  EXPECT_EQ(C(0), a.make_room);
  EXPECT_EQ(3u, b.CountOf("10.0.0.2"));
  // Busy connections are never closed: with all three busy, a fourth is
  // refused, and the address never holds more than its share.
  for (int i = 1; i <= 3; ++i) b.SetIdle(C(i), false, 300);
  EXPECT_FALSE(b.Admit(C(4), "10.0.0.2", 301).admitted);
  EXPECT_EQ(3u, b.CountOf("10.0.0.2"));
  // Another address is not affected.
  EXPECT_TRUE(b.Admit(C(5), "10.0.0.3", 302).admitted);
  // Idle again: the one idle longest goes first.
  b.SetIdle(C(2), true, 400);
  b.SetIdle(C(1), true, 401);
  EXPECT_EQ(C(2), b.Admit(C(6), "10.0.0.2", 402).make_room);
  // A closed connection frees its place.
  b.Remove(C(3));
  EXPECT_EQ(nullptr, b.Admit(C(7), "10.0.0.2", 403).make_room);
  EXPECT_EQ(3u, b.CountOf("10.0.0.2"));
}

TEST(ConnectionBudgetTest, WhenAllAreOpenANewAddressTakesFromTheAddressHoldingTheMost) {
  ConnectionBudget b(6, 4);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(b.Admit(C(i), "10.0.0.2", 100 + i).admitted);
  for (int i = 4; i < 6; ++i) ASSERT_TRUE(b.Admit(C(i), "10.0.0.3", 100 + i).admitted);
  ASSERT_EQ(6u, b.Count());
  auto a = b.Admit(C(6), "10.0.0.4", 200);
  EXPECT_TRUE(a.admitted);
  EXPECT_EQ(C(0), a.make_room);  // 10.0.0.2 holds the most
  EXPECT_EQ(6u, b.Count());
  EXPECT_EQ(3u, b.CountOf("10.0.0.2"));
  // An address never takes from one holding no more than it would.
  ConnectionBudget even(4, 3);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(even.Admit(C(i), i < 2 ? "a" : "b", i).admitted);
  EXPECT_FALSE(even.Admit(C(4), "b", 10).admitted);
  EXPECT_TRUE(even.Admit(C(5), "c", 11).admitted);
  // With every connection busy, a newcomer is refused.
  ConnectionBudget busy(2, 2);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(busy.Admit(C(i), "a", i).admitted);
    busy.SetIdle(C(i), false, i);
  }
  EXPECT_FALSE(busy.Admit(C(2), "b", 10).admitted);
  EXPECT_EQ(0u, busy.CountOf("b"));
}

// 300 idle connections from one address leave every other address room.
TEST(ConnectionBudgetTest, OneAddressNeverHoldsTheLastFreeConnections) {
  ConnectionBudget b(256, 64);
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(b.Admit(C(i), "hog", i).admitted);
  EXPECT_EQ(64u, b.CountOf("hog"));
  for (int i = 300; i < 500; ++i)
    EXPECT_TRUE(b.Admit(C(i), "a" + std::to_string(i % 5), i).admitted);
  EXPECT_LE(b.Count(), 256u);
  EXPECT_TRUE(b.Admit(C(999), "late", 1000).admitted);
  // Removing unknown or already uncounted ids changes nothing.
  std::size_t before = b.Count();
  b.Remove(C(0));
  b.Remove(nullptr);
  EXPECT_EQ(before, b.Count());
}

}  // namespace
}  // namespace mrc::web
