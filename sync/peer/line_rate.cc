#include "sync/peer/line_rate.h"

#include <algorithm>

namespace mrc::sync {

void LineRate::Sent(std::uint64_t batch, std::size_t bytes, bool full, Clock::time_point now) {
  unacked_[batch] = Batch{bytes, full, now};
}

bool LineRate::Acked(std::uint64_t batch, Clock::time_point now) {
  auto it = unacked_.find(batch);
  if (it == unacked_.end()) return false;
  auto since = std::max(it->second.queued, last_ack_);
  last_ack_ = std::max(last_ack_, now);
  if (it->second.full) {
    double seconds = std::chrono::duration<double>(now - since).count();
    samples_.push_back({it->second.bytes, std::max(0.0, seconds)});
    if (samples_.size() > kWindow) samples_.pop_front();
  }
  unacked_.erase(it);
  return true;
}

double LineRate::bytes_per_second() const {
  double bytes = 0, seconds = 0;
  for (const auto& s : samples_) {
    bytes += static_cast<double>(s.bytes);
    seconds += s.seconds;
  }
  if (bytes == 0) return 0;
  return bytes / std::max(seconds, 1e-3);
}

std::size_t LineRate::BatchBytes(std::size_t current) const {
  double rate = bytes_per_second();
  if (rate == 0) return current;
  double target = std::min(rate * kBatchSeconds, 2.0 * static_cast<double>(current));
  return static_cast<std::size_t>(std::min(target, 1e12));
}

}  // namespace mrc::sync
