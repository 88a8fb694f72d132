// Replication messages, carried one per secure frame (see docs/protocol.md,
// "Replication"). Encoding is strict; decoding refuses anything malformed
// with Corruption, which ends the link.
//   'S' summary:  u32 n, n x (author(32) seq(8) head id(32))  what the sender holds
//   'E' entries:  u64 batch, u32 n, n x (u32 len, signed form, u32 len, payload)
//   'A' ack:      u64 batch                                 one entries batch applied
//   'P' ping, 'Q' pong: u64 nonce                           keepalive
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <variant>
#include <vector>

#include "config/base/bytes.h"
#include "config/base/status.h"
#include "sync/log.h"

namespace mrc::sync::wire {

inline constexpr std::size_t kMaxSummaryFeeds = 1 << 20;
inline constexpr std::size_t kMaxBatchEntries = 1000;

struct SummaryMsg {
  std::map<Hash32, std::uint64_t> feeds;
  std::map<Hash32, Hash32> heads;  // the id at that seq (zero if absent)
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
using Message = std::variant<SummaryMsg, EntriesMsg, AckMsg, PingMsg>;

Bytes Encode(const Message& m);
Result<Message> Decode(std::string_view frame);

}  // namespace mrc::sync::wire
