// RequestMetrics (web/route/request_metrics.h): answers counted by route,
// status class and latency bucket; unknown routes share one slot.
#include "web/route/request_metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace mrc::web {
namespace {

RequestMetrics TwoRoutes() { return RequestMetrics({{"GET", "/a"}, {"POST", "/b/{id}"}}); }

TEST(RequestMetricsTest, AnswersAreCountedByStatusClassAndBucket) {
  RequestMetrics m = TwoRoutes();
  m.Observe(0, 200, 0.0005);  // the first bucket (<= 1 ms)
  m.Observe(0, 204, 0.001);   // a bound belongs to its bucket
  m.Observe(0, 404, 0.3);     // <= 0.5 s
  m.Observe(0, 503, 60);      // past every bound: +Inf only
  auto snap = m.Snapshot();
  ASSERT_EQ(1u, snap.size()) << "routes that answered nothing are left out";
  const auto& s = snap[0];
  EXPECT_EQ("GET", s.route.method);
  EXPECT_EQ("/a", s.route.pattern);
  EXPECT_EQ(4u, s.count);
  EXPECT_EQ((std::array<std::uint64_t, 5>{0, 2, 0, 1, 1}), s.by_class);
  EXPECT_EQ(2u, s.buckets[0]);
  EXPECT_EQ(1u, s.buckets[8]);  // 0.5
  std::uint64_t finite = 0;
  for (auto b : s.buckets) finite += b;
  EXPECT_EQ(3u, finite);
  EXPECT_NEAR(60.3015, s.sum_seconds, 1e-3);
}

TEST(RequestMetricsTest, UnknownRoutesAndOddStatusesShareBoundedSlots) {
  RequestMetrics m = TwoRoutes();
  m.Observe(m.unmatched(), 404, 0.01);
  m.Observe(99, 404, 0.01);  // past the table: unmatched too
  m.Observe(1, 999, -1);     // a status past 5xx counts as 5xx; no negative time
  auto snap = m.Snapshot();
  ASSERT_EQ(2u, snap.size());
  EXPECT_EQ("/b/{id}", snap[0].route.pattern);
  EXPECT_EQ(1u, snap[0].by_class[4]);
  EXPECT_EQ(0, snap[0].sum_seconds);
  EXPECT_EQ("", snap[1].route.pattern);
  EXPECT_EQ(2u, snap[1].count);
}

TEST(RequestMetricsTest, ObservingFromManyThreadsLosesNothing) {
  RequestMetrics m = TwoRoutes();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&m] {
      for (int i = 0; i < 10000; ++i) m.Observe(0, 200, 0.002);
    });
  for (auto& t : threads) t.join();
  auto snap = m.Snapshot();
  ASSERT_EQ(1u, snap.size());
  EXPECT_EQ(40000u, snap[0].count);
  EXPECT_EQ(40000u, snap[0].by_class[1]);
}

}  // namespace
}  // namespace mrc::web
