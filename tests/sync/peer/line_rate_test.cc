// LineRate on made-up timelines: batches pipelined over a slow line,
// acknowledgements held up and arriving bunched, lone entries whose trip is
// the line's latency, a fast line, acknowledgements of nothing.
#include "sync/peer/line_rate.h"

#include <gtest/gtest.h>

namespace mrc::sync {
namespace {

using Clock = LineRate::Clock;
using std::chrono::milliseconds;

Clock::time_point At(int ms) { return Clock::time_point{} + milliseconds(ms); }

TEST(LineRateTest, BatchesLastAboutTwoSecondsOfTheMeasuredRate) {
  LineRate line;
  EXPECT_EQ(16384u, line.BatchBytes(16384));  // nothing measured yet
  // Four full 16 KB batches queued at once on a 10 KB/s line: each is
  // acknowledged 1.6 s after the one before.
  for (std::uint64_t b = 1; b <= 4; ++b) line.Sent(b, 16000, true, At(0));
  for (std::uint64_t b = 1; b <= 4; ++b) ASSERT_TRUE(line.Acked(b, At(1600 * static_cast<int>(b))));
  EXPECT_NEAR(10000, line.bytes_per_second(), 1);
  EXPECT_EQ(20000u, line.BatchBytes(16384));
}

TEST(LineRateTest, AcknowledgementsHeldUpAndArrivingTogetherAreNoBurstOfSpeed) {
  // A 10 KB/s line; the peer, busy sending its own batches, holds the
  // first two acknowledgements and sends them together.
  LineRate line;
  line.Sent(1, 16000, true, At(0));
  line.Sent(2, 16000, true, At(0));
  ASSERT_TRUE(line.Acked(1, At(3200)));
  ASSERT_TRUE(line.Acked(2, At(3201)));
  EXPECT_NEAR(10000, line.bytes_per_second(), 5);
  // And four at once, after 6.4 s.
  LineRate four;
  for (std::uint64_t b = 1; b <= 4; ++b) four.Sent(b, 16000, true, At(0));
  for (std::uint64_t b = 1; b <= 4; ++b) ASSERT_TRUE(four.Acked(b, At(6400 + static_cast<int>(b))));
  EXPECT_NEAR(10000, four.bytes_per_second(), 10);
}

TEST(LineRateTest, LoneEntriesAreNotMeasured) {
  // Single entries on a line with 300 ms of latency: their trips say
  // nothing of its speed.
  LineRate line;
  for (std::uint64_t b = 1; b <= 10; ++b) {
    line.Sent(b, 1200, false, At(1000 * static_cast<int>(b)));
    ASSERT_TRUE(line.Acked(b, At(1000 * static_cast<int>(b) + 300)));
  }
  EXPECT_EQ(0, line.bytes_per_second());
  EXPECT_EQ(16384u, line.BatchBytes(16384));
}

TEST(LineRateTest, AFastLineGrowsTheBatchesStepByStepAndASlowOneShrinksThem) {
  LineRate fast;
  std::size_t size = 16384;
  for (std::uint64_t b = 1; b <= 10; ++b) {
    fast.Sent(b, size, true, At(static_cast<int>(b)));
    ASSERT_TRUE(fast.Acked(b, At(static_cast<int>(b) + 1)));
    std::size_t next = fast.BatchBytes(size);
    EXPECT_EQ(2 * size, next) << "batch " << b;  // at most twice, each time
    size = next;
  }
  LineRate slow;
  slow.Sent(1, 16000, true, At(0));
  ASSERT_TRUE(slow.Acked(1, At(16000)));     // 1 KB/s
  EXPECT_EQ(2000u, slow.BatchBytes(16384));  // the session raises it to its least
}

TEST(LineRateTest, AnAcknowledgementOfNothingChangesNothing) {
  LineRate line;
  EXPECT_FALSE(line.Acked(7, At(0)));
  line.Sent(1, 1000, true, At(0));
  ASSERT_TRUE(line.Acked(1, At(100)));
  EXPECT_FALSE(line.Acked(1, At(200)));  // twice
  EXPECT_NEAR(10000, line.bytes_per_second(), 1);
}

}  // namespace
}  // namespace mrc::sync
