// Wall-clock time in milliseconds and its RFC 3339 form, shared by logging,
// the hybrid clock and every JSON timestamp.
#pragma once

#include <cstdint>
#include <string>

namespace mrc {

// Milliseconds since the Unix epoch, from the system clock.
std::uint64_t WallMillis();
// "2026-11-23T10:00:00.123Z".
std::string FormatUtcMillis(std::uint64_t unix_millis);

}  // namespace mrc
