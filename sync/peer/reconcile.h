// Range-based reconciliation of feed heads: the parts of a link's opening
// exchange that find which feeds two nodes hold differently, at a cost that
// grows with the number of feeds that differ, not with the number held.
//
// Authors' keys are uniformly distributed, so ranges of keys sharing a
// prefix of `depth` hex digits split the feeds evenly. A range is summed
// up in a fingerprint (count, entries, and a 128-bit hash of its heads in
// key order); ranges whose fingerprints match hold the same heads, ranges that
// differ are split into 16 until one side holds few enough feeds to list
// them. See docs/protocol.md, "Replication".
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <vector>

#include "config/foundation/bytes.h"

namespace mrc::sync::reconcile {

inline constexpr std::uint8_t kMaxDepth = 64;  // hex digits in a key

// Authors whose key starts with the first `depth` hex digits of `prefix`.
struct Range {
  std::uint8_t depth = 0;
  Hash32 prefix{};  // digits past `depth` are zero

  bool Contains(const Hash32& author) const;
  // The sub-range whose next digit is `digit` (0-15); depth < kMaxDepth.
  Range Child(int digit) const;
  // Whether the digits past `depth` are zero, as every range must be.
  bool Canonical() const;
  auto operator<=>(const Range&) const = default;
};

// A feed as a reconciliation sees it: the latest seq held and its entry id.
struct Head {
  Hash32 author{};
  std::uint64_t seq = 0;
  Hash32 id{};
  bool operator==(const Head&) const = default;
};

struct Fingerprint {
  std::uint32_t count = 0;              // feeds
  std::uint64_t entries = 0;            // the sum of their seqs
  std::array<std::uint8_t, 16> hash{};  // of their heads' hashes in key order; none: zeros
  bool operator==(const Fingerprint&) const = default;
};

// The fingerprint of `heads` (in key order), as a snapshot holding just
// them would give for their range: to check a peer's list against the
// fingerprint it sent.
Fingerprint FingerprintOf(std::span<const Head> heads);

// One side's feed heads at the moment a link opened. Every fingerprint
// and list a session sends comes from it, so that both sides take their
// decisions on the same figures even while their logs move on.
class Snapshot {
 public:
  explicit Snapshot(std::vector<Head> heads);

  std::span<const Head> In(const Range& r) const;
  Fingerprint FingerprintOf(const Range& r) const;
  // Our head for `author`, or nullptr.
  const Head* Find(const Hash32& author) const;
  std::size_t size() const { return heads_.size(); }

 private:
  std::vector<Head> heads_;                           // by author
  std::vector<std::array<std::uint8_t, 16>> hashes_;  // of heads_[i]
};

}  // namespace mrc::sync::reconcile
