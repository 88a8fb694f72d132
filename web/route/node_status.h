// NodeStatus: what this node can say of itself — identity, counts, digest,
// peer links, trust standing, memory and the search index's progress. The
// node gathers it (node/context.h), GET /api/v1/status writes it as JSON
// (web/api/status_json.h) and the sync page shows it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/foundation/bytes.h"
#include "sync/log/log.h"
#include "sync/peer/peer_service.h"
#include "web/search/index.h"

namespace mrc::web {

// This node's own key as the trust rules see it.
struct SelfStanding {
  enum class Role { kAwaitingApproval, kRoot, kHqMember, kCentreMember, kRevoked };
  Role role = Role::kAwaitingApproval;
  std::uint64_t revoked_from = 0;  // with kRevoked
  std::string revoke_reason;
};

// What an administrator must see of the trust rules.
struct TrustStatus {
  struct Revoked {
    Hash32 key{};
    std::string name;
    std::uint64_t from_seq = 0;
  };
  // A key that signed two histories (its centre must be re-admitted).
  static constexpr const char* kForkAdvice =
      "the key signed two histories: revoke it (mrcnode member revoke) and re-admit the centre "
      "with a new key";
  struct Fork {
    Hash32 author{};
    std::string name;
    std::uint64_t fork_seq = 0;
  };
  SelfStanding self;
  std::uint64_t members = 0;  // approved and not revoked
  std::vector<Revoked> revoked;
  std::vector<Fork> forked_feeds;
  std::uint64_t rejected = 0;                    // entries the rules rejected, in all
  std::vector<sync::Log::Rejection> rejections;  // the latest of them
};

struct MemoryStatus {
  std::uint64_t rocksdb_memtables = 0;
  std::uint64_t rocksdb_block_cache = 0;
  std::uint64_t rocksdb_table_readers = 0;
};

// When this node last heard from headquarters (sync/log/hq_news.h): what
// every page's banner and the status API need, cheap enough to read per page.
struct HqNews {
  bool headquarters = false;  // this node is headquarters (root or hq member): never silent
  std::uint64_t last_ms = 0;  // Unix ms; 0: never
  std::uint64_t now_ms = 0;   // this node's clock when read
  // Headquarters silent for longer than `warn_after_ms` (0: never warn).
  bool Silent(std::uint64_t warn_after_ms) const {
    return !headquarters && warn_after_ms != 0 && now_ms > last_ms &&
           now_ms - last_ms > warn_after_ms;
  }
};

// A centre this node knows only from bundles: no link to it was made.
struct BundleCentre {
  Hash32 key{};
  std::string name;
  std::uint64_t last_bundle_ms = 0;  // the last import that carried its feed
};

struct NodeStatus {
  Hash32 node{};            // the identity key
  Hash32 encryption_key{};  // X25519, for referrals
  std::string name;
  std::string network;
  Hash32 network_id{};
  sync::DigestInfo digest;
  // Restored from a backup: this node signs nothing of its own until a
  // peer has brought its feed's newer entries (docs/operations.md).
  bool own_feed_held = false;
  std::vector<sync::PeerLinkStatus> peers;
  TrustStatus trust;
  MemoryStatus memory;
  std::optional<SearchProgress> search;  // none when the node is not running
  HqNews hq_news;
  std::vector<BundleCentre> bundle_centres;

  // The search index has followed the log to its newest change.
  static bool SearchComplete(const SearchProgress& p) {
    return p.indexed_through >= p.log_change && !p.rebuilding;
  }
};

}  // namespace mrc::web
