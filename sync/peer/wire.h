// Replication messages, carried one per secure frame (see docs/protocol.md,
// "Replication"). Encoding is strict; decoding refuses anything malformed
// with Corruption, which ends the link.
//   'R' ranges:   u32 n, n x range item                     reconciliation (below)
//   'E' entries:  u64 batch, u32 n, n x (u32 len, signed form, u32 len, payload)
//   'A' ack:      u64 batch                                 one entries batch applied
//   'P' ping, 'Q' pong: u64 nonce                           keepalive
//   'V' version:  u16 lowest, u16 highest, u8 n, software(n) the first message
// A range item: u8 depth, (depth + 1) / 2 prefix bytes, u8 kind, then
//   kind 0 fingerprint: u32 count, u64 entries, 16-byte sum
//   kind 1 heads, 2 answer: u32 n, n x (author(32) seq(8) head id(32)),
//   authors in increasing order and inside the range.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"
#include "sync/log/log.h"
#include "sync/peer/reconcile.h"

namespace mrc::sync::wire {

inline constexpr std::size_t kMaxRangeItems = 1 << 16;
inline constexpr std::size_t kMaxRangeHeads = 256;
inline constexpr std::size_t kMaxBatchEntries = 1000;

struct RangeItem {
  enum class Kind : std::uint8_t {
    kFingerprint = 0,  // what the sender holds in the range, summed
    kHeads = 1,        // every head the sender holds in the range
    kAnswer = 2,       // the sender's heads for the authors the peer listed
  };
  reconcile::Range range;
  Kind kind = Kind::kFingerprint;
  reconcile::Fingerprint fingerprint;  // kFingerprint
  std::vector<reconcile::Head> heads;  // kHeads, kAnswer
};
struct ReconcileMsg {
  std::vector<RangeItem> items;
};
struct EntriesMsg {
  std::uint64_t batch = 0;
  std::vector<Incoming> entries;
};
struct AckMsg {
  std::uint64_t batch = 0;
};
struct PingMsg {
  std::uint64_t nonce = 0;
  bool pong = false;
};
// The protocol versions the sender speaks, and its software ("mrcnode
// 0.1.0") for messages: each side's first message (docs/protocol.md,
// "Versions").
struct VersionMsg {
  std::uint16_t lowest = 0;
  std::uint16_t highest = 0;
  std::string software;  // at most kMaxSoftwareBytes
};
inline constexpr std::size_t kMaxSoftwareBytes = 64;
using Message = std::variant<ReconcileMsg, EntriesMsg, AckMsg, PingMsg, VersionMsg>;

Bytes Encode(const Message& m);
Result<Message> Decode(std::string_view frame);

}  // namespace mrc::sync::wire
