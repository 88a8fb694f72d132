// The JSON of GET /api/v1/status and of `mrcnode status`, written from a
// NodeStatus (web/route/node_status.h). Clients parse it; keep its shape:
//   {"node", "encryption_key", "name", "network", "network_id",
//    "documents", "entries", "authors", "pending", "awaiting_upgrade",
//    "unapproved_refused", "forks", "digest", "own_feed_held",
//    "peers": [{"address", "direction": "out"|"in", "peer": key|null,
//               "connected", "last_contact": time|null, "entries_sent",
//               "entries_received", "peer_lacks", "we_lack", "bytes_sent",
//               "bytes_received", "last_error"}],
//    "trust": {"self": text, "members", "revoked": [{"key", "name",
//              "from_seq"}], "forked_feeds": [{"author", "name",
//              "fork_seq", "advice"}], "rejected", "rejections": [{"entry",
//              "reason"}]},
//    "memory": {"rocksdb_memtables_bytes", "rocksdb_block_cache_bytes",
//               "rocksdb_table_readers_bytes"},
//    "search"?: {"documents", "indexed_through", "log_change",
//                "rebuilding", "complete"}}
// InvalidArgument only if the text cannot be encoded.
#pragma once

#include <string>

#include "config/foundation/status.h"
#include "web/route/node_status.h"

namespace mrc::web::api {

Result<std::string> NodeStatusJson(const NodeStatus& status);

// How the trust rules see this node's key, in words.
std::string SelfStandingText(const SelfStanding& self);

}  // namespace mrc::web::api
