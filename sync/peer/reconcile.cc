#include "sync/peer/reconcile.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "sync/crypto/crypto.h"

namespace mrc::sync::reconcile {
namespace {

int Digit(const Hash32& key, int i) { return i % 2 == 0 ? key[i / 2] >> 4 : key[i / 2] & 0x0f; }

std::array<std::uint8_t, 16> HeadHash(const Head& h) {
  Bytes b = "mrc-reconcile-head-v1";
  b.append(AsView(h.author));
  PutU64(&b, h.seq);
  b.append(AsView(h.id));
  Hash32 full = Blake2b256(b);
  std::array<std::uint8_t, 16> out;
  std::memcpy(out.data(), full.data(), out.size());
  return out;
}

}  // namespace

bool Range::Contains(const Hash32& author) const {
  for (int i = 0; i < depth; ++i)
    if (Digit(author, i) != Digit(prefix, i)) return false;
  return true;
}

Range Range::Child(int digit) const {
  // Callers split only ranges where one side holds more than a few feeds,
  // which no range of the deepest level does; a real check all the same,
  // as an out-of-range digit would write past the prefix.
  if (depth >= kMaxDepth || digit < 0 || digit >= 16) std::abort();
  Range c = *this;
  c.prefix[depth / 2] |= static_cast<std::uint8_t>(depth % 2 == 0 ? digit << 4 : digit);
  c.depth = static_cast<std::uint8_t>(depth + 1);
  return c;
}

bool Range::Canonical() const {
  if (depth > kMaxDepth) return false;
  for (int i = depth; i < kMaxDepth; ++i)
    if (Digit(prefix, i) != 0) return false;
  return true;
}

Snapshot::Snapshot(std::vector<Head> heads) : heads_(std::move(heads)) {
  std::sort(heads_.begin(), heads_.end(),
            [](const Head& a, const Head& b) { return a.author < b.author; });
  hashes_.reserve(heads_.size());
  for (const auto& h : heads_) hashes_.push_back(HeadHash(h));
}

std::span<const Head> Snapshot::In(const Range& r) const {
  // Keys in a range are contiguous in key order: from the prefix with
  // zeros after it to the prefix with all digits after it at f.
  Hash32 last = r.prefix;
  for (int i = r.depth; i < kMaxDepth; ++i) last[i / 2] |= i % 2 == 0 ? 0xf0 : 0x0f;
  auto lo = std::lower_bound(heads_.begin(), heads_.end(), r.prefix,
                             [](const Head& h, const Hash32& k) { return h.author < k; });
  auto hi = std::upper_bound(lo, heads_.end(), last,
                             [](const Hash32& k, const Head& h) { return k < h.author; });
  return {lo, hi};
}

// The hash covers the heads in key order, which both sides share. (A sum
// of per-head hashes, order-free, would have let the authors of a few
// feeds forge equal sums for two different sets of forked heads with a
// generalized birthday search, and so keep a fork from being found.)
static Fingerprint Summarize(std::span<const Head> heads,
                             const std::array<std::uint8_t, 16>* const hashes) {
  Fingerprint f;  // of no feed: all zero
  if (heads.empty()) return f;
  f.count = static_cast<std::uint32_t>(heads.size());
  Bytes hashed = "mrc-reconcile-range-v2";
  hashed.reserve(hashed.size() + 16 * heads.size());
  for (std::size_t i = 0; i < heads.size(); ++i) {
    f.entries += heads[i].seq;
    auto h = hashes ? hashes[i] : HeadHash(heads[i]);
    hashed.append(reinterpret_cast<const char*>(h.data()), h.size());
  }
  Hash32 full = Blake2b256(hashed);
  std::memcpy(f.hash.data(), full.data(), f.hash.size());
  return f;
}

Fingerprint FingerprintOf(std::span<const Head> heads) { return Summarize(heads, nullptr); }

Fingerprint Snapshot::FingerprintOf(const Range& r) const {
  auto in = In(r);
  return Summarize(in, hashes_.data() + (in.data() - heads_.data()));
}

const Head* Snapshot::Find(const Hash32& author) const {
  auto it = std::lower_bound(heads_.begin(), heads_.end(), author,
                             [](const Head& h, const Hash32& k) { return h.author < k; });
  return it != heads_.end() && it->author == author ? &*it : nullptr;
}

}  // namespace mrc::sync::reconcile
