// LineRate: how fast a peer takes in the batches sent to it, from their
// acknowledgements, and so how large the next batches should be. A batch
// is the unit of progress of a link: on a slow line that drops now and
// then, a batch larger than what crosses between two drops would be sent
// again whole after every drop and never arrive. So a new link starts with
// small batches and sizes them to about kBatchSeconds of the measured rate.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>

namespace mrc::sync {

class LineRate {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr double kBatchSeconds = 2;

  // A batch of `bytes` (as framed) queued to be sent at `now`.
  void Sent(std::uint64_t batch, std::size_t bytes, Clock::time_point now);
  // Its acknowledgement arrived at `now`; false for a batch not sent (or
  // acknowledged before).
  bool Acked(std::uint64_t batch, Clock::time_point now);

  // Bytes a second the peer took in (0 until an acknowledgement came).
  double bytes_per_second() const { return rate_; }
  // The batch size for about kBatchSeconds of the rate; `until_known`
  // before the first acknowledgement.
  std::size_t BatchBytes(std::size_t until_known) const;

 private:
  struct Batch {
    std::size_t bytes = 0;
    Clock::time_point queued;
  };
  std::map<std::uint64_t, Batch> unacked_;
  Clock::time_point last_ack_{};
  double rate_ = 0;
};

}  // namespace mrc::sync
