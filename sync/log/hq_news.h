// News from headquarters: when this node last heard from it, kept in the
// store (column kMeta) so that it survives restarts.
//
// "Heard from headquarters" means one of:
//   - a link to a headquarters node (the root key or an hq member) that has
//     reconciled: both sides know what the other lacks, so this node holds
//     every entry headquarters held; the link notes it again while it stays
//     up (at most once a minute);
//   - a bundle import that carried entries of a headquarters feed (new or
//     already held: either way the bundle shows what headquarters had).
// News relayed by a centre's link does not count: this node cannot tell
// whether that centre is itself current with headquarters.
//
// Bundles also leave, per author whose entries they carried, the time of
// the last import (the sync page lists centres known only through bundles).
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"

namespace mrc::sync {

class Log;

// Whether `key` is headquarters' (the root key or an hq member's, not revoked).
bool IsHeadquarters(Log* log, const Hash32& key);
// Notes news from headquarters at `now_ms` (Unix ms); an earlier time than
// the one kept changes nothing. Thread-safe.
Status NoteHqNews(Log* log, std::uint64_t now_ms);
// The latest time noted; 0 when never.
Result<std::uint64_t> LastHqNews(Log* log);
// Notes that a bundle imported at `now_ms` carried these authors' entries
// (members' only: keys never approved leave nothing), and news from
// headquarters when one of them is headquarters'.
Status NoteBundleFeeds(Log* log, const std::set<Hash32>& authors, std::uint64_t now_ms);
// Author -> the time of the last bundle that carried its entries.
Result<std::map<Hash32, std::uint64_t>> BundleFeeds(Log* log);

}  // namespace mrc::sync
