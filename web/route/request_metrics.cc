#include "web/route/request_metrics.h"

#include <algorithm>
#include <cmath>

namespace mrc::web {

RequestMetrics::RequestMetrics(std::vector<Route> routes)
    : routes_(std::move(routes)), slots_(routes_.size() + 1) {}

void RequestMetrics::Observe(std::size_t route, int status, double seconds) {
  Slot& s = slots_[std::min(route, unmatched())];
  int cls = std::clamp(status / 100, 1, 5) - 1;
  s.by_class[static_cast<std::size_t>(cls)].fetch_add(1, std::memory_order_relaxed);
  std::size_t b = static_cast<std::size_t>(
      std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin());
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  double micros = std::isfinite(seconds) && seconds > 0 ? seconds * 1e6 : 0;
  s.sum_micros.fetch_add(static_cast<std::uint64_t>(micros), std::memory_order_relaxed);
}

std::vector<RequestMetrics::Series> RequestMetrics::Snapshot() const {
  std::vector<Series> out;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    Series series;
    series.route = i < routes_.size() ? routes_[i] : Route{};
    for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
      std::uint64_t n = s.buckets[b].load(std::memory_order_relaxed);
      if (b < kBuckets.size()) series.buckets[b] = n;
      series.count += n;
    }
    if (series.count == 0) continue;
    for (std::size_t c = 0; c < kClasses; ++c)
      series.by_class[c] = s.by_class[c].load(std::memory_order_relaxed);
    series.sum_seconds = static_cast<double>(s.sum_micros.load(std::memory_order_relaxed)) / 1e6;
    out.push_back(std::move(series));
  }
  return out;
}

}  // namespace mrc::web
