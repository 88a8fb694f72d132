// LineRate on made-up timelines: batches pipelined over a slow line, a fast
// line, a batch that waited behind another, acknowledgements of nothing.
#include "sync/line_rate.h"

#include <gtest/gtest.h>

#include "sync/peer_session.h"

namespace mrc::sync {
namespace {

using Clock = LineRate::Clock;
using std::chrono::milliseconds;

TEST(LineRateTest, BatchesLastAboutTwoSecondsOfTheMeasuredRate) {
  LineRate line;
  Clock::time_point t0{};
  EXPECT_EQ(16384u, line.BatchBytes(16384));  // until an acknowledgement
  // Four 16 KB batches queued at once on a 10 KB/s line: each is
  // acknowledged 1.6 s after the one before.
  for (std::uint64_t b = 1; b <= 4; ++b) line.Sent(b, 16000, t0);
  for (std::uint64_t b = 1; b <= 4; ++b)
    ASSERT_TRUE(line.Acked(b, t0 + milliseconds(1600 * static_cast<int>(b))));
  EXPECT_NEAR(10000, line.bytes_per_second(), 1);
  EXPECT_NEAR(20000, static_cast<double>(line.BatchBytes(16384)), 2);
}

TEST(LineRateTest, AFastLineGetsTheLargestBatchesAndASlowOneTheSmallest) {
  Clock::time_point t0{};
  LineRate fast;
  fast.Sent(1, 16000, t0);
  ASSERT_TRUE(fast.Acked(1, t0 + milliseconds(2)));
  EXPECT_GT(fast.BatchBytes(0), PeerSession::kBatchBytes);  // the session caps it

  LineRate slow;
  slow.Sent(1, 16000, t0);
  ASSERT_TRUE(slow.Acked(1, t0 + milliseconds(16000)));  // 1 KB/s
  EXPECT_EQ(2000u, slow.BatchBytes(0));                  // the session raises it
}

TEST(LineRateTest, ABatchThatWaitedIsTimedFromThePreviousAcknowledgement) {
  LineRate line;
  Clock::time_point t0{};
  line.Sent(1, 10000, t0);
  line.Sent(2, 10000, t0);
  ASSERT_TRUE(line.Acked(1, t0 + milliseconds(1000)));  // 10 KB/s
  ASSERT_TRUE(line.Acked(2, t0 + milliseconds(2000)));  // 10 KB/s, not 5
  EXPECT_NEAR(10000, line.bytes_per_second(), 1);
  // After a quiet spell, a new batch is timed from when it was queued.
  line.Sent(3, 10000, t0 + milliseconds(60000));
  ASSERT_TRUE(line.Acked(3, t0 + milliseconds(60500)));  // 20 KB/s
  EXPECT_NEAR(15000, line.bytes_per_second(), 1);
}

TEST(LineRateTest, AnAcknowledgementOfNothingChangesNothing) {
  LineRate line;
  Clock::time_point t0{};
  EXPECT_FALSE(line.Acked(7, t0));
  line.Sent(1, 1000, t0);
  ASSERT_TRUE(line.Acked(1, t0 + milliseconds(100)));
  EXPECT_FALSE(line.Acked(1, t0 + milliseconds(200)));  // twice
  EXPECT_NEAR(10000, line.bytes_per_second(), 1);
}

}  // namespace
}  // namespace mrc::sync
