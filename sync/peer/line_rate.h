// LineRate: how fast a peer takes in the batches sent to it, from their
// acknowledgements, and so how large the next batches should be. A batch
// is the unit of progress of a link: on a slow line that drops now and
// then, a batch larger than what crosses between two drops would be sent
// again whole after every drop and never arrive. So a new link starts with
// small batches and sizes them to about kBatchSeconds of the measured rate.
//
// The rate is the bytes of the last kWindow full batches acknowledged over
// the time the line was busy with them: for each, from when it was queued
// or the acknowledgement before it, whichever came later. Acknowledgements
// arriving bunched (held up behind the peer's own sending) then count the
// time they were held, instead of reading as a burst of speed. Batches
// that were not full are not measured: a lone entry's trip is mostly the
// line's latency, not its speed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>

namespace mrc::sync {

class LineRate {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr double kBatchSeconds = 2;
  static constexpr std::size_t kWindow = 8;

  // A batch of `bytes` (as framed) queued at `now`; `full`: it held as much
  // as the batch size allowed (or the most entries a batch may hold).
  void Sent(std::uint64_t batch, std::size_t bytes, bool full, Clock::time_point now);
  // Its acknowledgement arrived at `now`; false for a batch not sent (or
  // acknowledged before).
  bool Acked(std::uint64_t batch, Clock::time_point now);

  // Bytes a second the peer took in (0 until a full batch was acknowledged).
  double bytes_per_second() const;
  // The batch size for about kBatchSeconds of the rate, at most twice
  // `current` (a size grows step by step as it is confirmed); `current`
  // while nothing is measured.
  std::size_t BatchBytes(std::size_t current) const;

 private:
  struct Batch {
    std::size_t bytes = 0;
    bool full = false;
    Clock::time_point queued;
  };
  struct Sample {
    std::size_t bytes = 0;
    double seconds = 0;
  };
  std::map<std::uint64_t, Batch> unacked_;
  std::deque<Sample> samples_;  // the last kWindow full batches
  Clock::time_point last_ack_{};
};

}  // namespace mrc::sync
