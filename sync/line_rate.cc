#include "sync/line_rate.h"

#include <algorithm>

namespace mrc::sync {

void LineRate::Sent(std::uint64_t batch, std::size_t bytes, Clock::time_point now) {
  unacked_[batch] = Batch{bytes, now};
}

bool LineRate::Acked(std::uint64_t batch, Clock::time_point now) {
  auto it = unacked_.find(batch);
  if (it == unacked_.end()) return false;
  // The time the line spent on this batch: since it was queued, or since
  // the previous acknowledgement when it waited behind other batches.
  auto since = std::max(it->second.queued, last_ack_);
  double seconds = std::max(1e-3, std::chrono::duration<double>(now - since).count());
  double sample = static_cast<double>(it->second.bytes) / seconds;
  rate_ = rate_ == 0 ? sample : (rate_ + sample) / 2;
  last_ack_ = std::max(last_ack_, now);
  unacked_.erase(it);
  return true;
}

std::size_t LineRate::BatchBytes(std::size_t until_known) const {
  if (rate_ == 0) return until_known;
  return static_cast<std::size_t>(std::min(rate_ * kBatchSeconds, 1e12));
}

}  // namespace mrc::sync
