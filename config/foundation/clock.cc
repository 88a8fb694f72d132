#include "config/foundation/clock.h"

#include "config/foundation/time.h"

namespace mrc {
namespace {

class WallClock final : public Clock {
 public:
  std::uint64_t NowMillis() const override { return WallMillis(); }
};

}  // namespace

const Clock* SystemClock() {
  static const WallClock clock;
  return &clock;
}

std::uint64_t OffsetClock::NowMillis() const {
  std::uint64_t base = base_->NowMillis();
  if (offset_millis_ >= 0) return base + static_cast<std::uint64_t>(offset_millis_);
  // The magnitude of a negative int64 as unsigned, without overflow at INT64_MIN.
  std::uint64_t back = static_cast<std::uint64_t>(-(offset_millis_ + 1)) + 1;
  return base > back ? base - back : 0;
}

}  // namespace mrc
