// Bundles: entries carried on a file (a USB stick) between nodes that have
// no link. A bundle is self-verifying: a header names the network, every
// record is length-prefixed, and a trailer holds the record count and a
// BLAKE2b-256 hash of everything before it, so truncation or any changed bit
// rejects the whole bundle before anything is applied. Entries inside are
// still verified one by one on import, like entries from a peer.
//
// Format (integers big-endian), see docs/protocol.md "Bundles":
//   "MRCBNDL1" network-id(32)
//   records: 'E' u32 n signed-form(n) u32 m payload(m)
//   trailer: 'Z' u64 count hash(32)
//
// A summary says what a node holds: per author, the highest seq.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "config/foundation/bytes.h"
#include "config/foundation/clock.h"
#include "config/foundation/status.h"

namespace mrc {
class Progress;
}

namespace mrc::sync {

class Log;

struct Summary {
  Hash32 network{};
  std::map<Hash32, std::uint64_t> feeds;  // author -> highest seq held
  std::map<Hash32, Hash32> heads;         // author -> id of that entry (optional in the file)
};

Result<Summary> MakeSummary(Log* log);
std::string SummaryToJson(const Summary& s);
Result<Summary> SummaryFromJson(std::string_view text);

struct BundleStats {
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;
};

// Writes every entry `log` holds that `peer` lacks (all when peer is null)
// to `path` (atomically: a temporary file, fsync, rename).
// Counts each entry written on `progress` when given (and sets its total).
Result<BundleStats> ExportBundle(Log* log, const Summary* peer, const std::string& path,
                                 Progress* progress = nullptr);

struct BundleImport {
  std::uint64_t entries = 0;     // in the bundle
  std::uint64_t accepted = 0;    // new to this node
  std::uint64_t duplicates = 0;  // already held
  std::uint64_t pending = 0;     // waiting for a predecessor
  std::uint64_t refused = 0;     // failed verification (see first_refusal)
  std::string first_refusal;
};

struct ImportOptions {
  // About what an import holds of the bundle at once: half of it for the
  // batch read from the file, half for the log's checks of that batch.
  std::size_t memory_bytes = 32 << 20;
  // When given: its total set once the file is checked, then each entry
  // applied counted.
  Progress* progress = nullptr;
  // When the import happened, as this node records it (the feeds it
  // carried and news from headquarters, sync/log/hq_news.h).
  const mrc::Clock* clock = SystemClock();
};

// Checks the whole file first (network, structure, hash); InvalidArgument
// naming the problem if it fails (or NotFound when it cannot be read), and
// nothing is applied.
Result<BundleImport> ImportBundle(Log* log, const std::string& path,
                                  const ImportOptions& options = {});

}  // namespace mrc::sync
