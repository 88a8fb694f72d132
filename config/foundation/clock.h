// Clock: where code that stamps times reads the wall clock, so that a test
// (or a test node, see docs/testing.md) can run with a clock that is wrong.
//
// The hybrid logical clock (sync/log/entry.h) reads one of these; a node reads
// the system clock unless it is started with a test offset.
#pragma once

#include <atomic>
#include <cstdint>

namespace mrc {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch. Thread-safe.
  virtual std::uint64_t NowMillis() const = 0;
};

// The system's wall clock. Never null; lives as long as the process.
const Clock* SystemClock();

// Another clock shifted by a fixed offset: a node whose clock runs
// `offset_millis` ahead (negative: behind). Reads before the epoch read 0.
// `base` must outlive this clock.
class OffsetClock final : public Clock {
 public:
  OffsetClock(const Clock* base, std::int64_t offset_millis)
      : base_(base), offset_millis_(offset_millis) {}
  std::uint64_t NowMillis() const override;

 private:
  const Clock* base_;
  std::int64_t offset_millis_;
};

// A clock that moves only when told: deterministic times for tests.
// Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::uint64_t now_millis) : now_millis_(now_millis) {}
  std::uint64_t NowMillis() const override { return now_millis_.load(); }
  void Set(std::uint64_t now_millis) { now_millis_.store(now_millis); }
  void Advance(std::uint64_t millis) { now_millis_.fetch_add(millis); }

 private:
  std::atomic<std::uint64_t> now_millis_;
};

}  // namespace mrc
