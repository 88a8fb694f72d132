// RequestMetrics: how many requests each route answered, by status class,
// and how long they took, as a histogram (GET /metrics). One slot per route
// of the route table and one for requests no route matched, so the number
// of series is fixed whatever clients send. Observe is lock-free.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace mrc::web {

class RequestMetrics {
 public:
  // Upper bounds of the latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   10};
  // Status classes counted: 1xx..5xx.
  static constexpr std::size_t kClasses = 5;

  struct Route {
    std::string method;   // "GET"; "" for the unmatched slot
    std::string pattern;  // "/docs/{id}"; "" for the unmatched slot
  };
  // `routes` in the order their indexes are given to Observe; the slot
  // after them is for requests no route matched.
  explicit RequestMetrics(std::vector<Route> routes);

  std::size_t unmatched() const { return routes_.size(); }
  // `route` past the end counts as unmatched.
  void Observe(std::size_t route, int status, double seconds);

  struct Series {
    Route route;
    std::array<std::uint64_t, kClasses> by_class{};        // [0] = 1xx
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // not cumulative
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };
  // The routes that answered at least one request.
  std::vector<Series> Snapshot() const;

 private:
  struct Slot {
    std::array<std::atomic<std::uint64_t>, kClasses> by_class{};
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};  // the last: +Inf
    std::atomic<std::uint64_t> sum_micros{0};
  };
  std::vector<Route> routes_;
  std::vector<Slot> slots_;  // routes_.size() + 1
};

}  // namespace mrc::web
