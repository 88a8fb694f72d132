// GET /metrics: the node's figures in the Prometheus text exposition format
// (version 0.0.4), for an admin's API token. docs/operations.md lists the
// metrics. Every series has a bounded number of label values: peer links
// (bounded by the peer limits) and routes (the route table's).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "web/route/node_status.h"
#include "web/route/request_metrics.h"

namespace mrc::web::api {

inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

struct ProcessFigures {
  std::uint64_t resident_bytes = 0;
  double start_time_seconds = 0;  // since the Unix epoch
};
// This process's, from /proc/self (zeros where it cannot be read).
ProcessFigures ReadProcessFigures();

std::string MetricsText(const NodeStatus& status,
                        const std::vector<RequestMetrics::Series>& requests,
                        const ProcessFigures& process);

}  // namespace mrc::web::api
