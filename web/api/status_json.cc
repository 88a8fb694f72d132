#include "web/api/status_json.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "sync/log/entry.h"
#include "web/api/request_json.h"

namespace mrc::web::api {

using json = nlohmann::json;

namespace {

json PeersJson(const std::vector<sync::PeerLinkStatus>& links) {
  json peers = json::array();
  for (const auto& st : links) {
    peers.push_back(
        {{"address", st.address},
         {"direction", st.direction},
         {"peer", IsZero(st.peer) ? json(nullptr) : json(ToHex(st.peer))},
         {"connected", st.connected},
         {"last_contact",
          st.last_contact_ms ? json(sync::FormatTime(st.last_contact_ms)) : json(nullptr)},
         {"protocol", st.protocol ? json(st.protocol) : json(nullptr)},
         {"software", st.software},
         {"entries_sent", st.stats.entries_sent},
         {"entries_received", st.stats.entries_received},
         // A closed link's last rate is not a rate.
         {"entries_per_second", st.connected ? std::llround(st.stats.entries_per_second) : 0},
         {"peer_lacks", st.stats.peer_lacks},
         {"we_lack", st.stats.we_lack},
         {"bytes_sent", st.bytes_sent},
         {"bytes_received", st.bytes_received},
         {"last_error", st.last_error}});
  }
  return peers;
}

json BundleCentresJson(const std::vector<BundleCentre>& centres) {
  json out = json::array();
  for (const auto& c : centres) {
    out.push_back({{"key", ToHex(c.key)},
                   {"name", c.name},
                   {"last_bundle", sync::FormatTime(c.last_bundle_ms)}});
  }
  return out;
}

json TrustJson(const TrustStatus& t) {
  json revoked = json::array();
  for (const auto& r : t.revoked)
    revoked.push_back({{"key", ToHex(r.key)}, {"name", r.name}, {"from_seq", r.from_seq}});
  json forked = json::array();
  for (const auto& f : t.forked_feeds) {
    forked.push_back({{"author", ToHex(f.author)},
                      {"name", f.name},
                      {"fork_seq", f.fork_seq},
                      {"advice", TrustStatus::kForkAdvice}});
  }
  json rejections = json::array();
  for (const auto& r : t.rejections)
    rejections.push_back({{"entry", ToHex(r.id)}, {"reason", r.reason}});
  return json{
      {"self", SelfStandingText(t.self)}, {"members", t.members},   {"revoked", revoked},
      {"forked_feeds", forked},           {"rejected", t.rejected}, {"rejections", rejections}};
}

}  // namespace

std::string SelfStandingText(const SelfStanding& self) {
  switch (self.role) {
    case SelfStanding::Role::kRoot:
      return "root (headquarters)";
    case SelfStanding::Role::kHqMember:
      return "member (hq)";
    case SelfStanding::Role::kCentreMember:
      return "member (centre)";
    case SelfStanding::Role::kRevoked:
      return "revoked from seq " + std::to_string(self.revoked_from) + ": " + self.revoke_reason;
    case SelfStanding::Role::kAwaitingApproval:
      break;
  }
  return "awaiting approval by headquarters (mrcnode member request)";
}

Result<std::string> NodeStatusJson(const NodeStatus& s) {
  const sync::DigestInfo& d = s.digest;
  json j{{"node", ToHex(s.node)},
         {"encryption_key", ToHex(s.encryption_key)},
         {"name", s.name},
         {"network", s.network},
         {"network_id", ToHex(s.network_id)},
         {"documents", d.documents},
         {"entries", d.entries},
         {"authors", d.authors},
         {"pending", d.pending},
         {"awaiting_upgrade", d.awaiting_upgrade},
         {"unapproved_refused", d.unapproved_refused},
         {"forks", d.forks},
         {"own_feed_held", s.own_feed_held},
         {"digest", ToHex(d.digest)},
         {"peers", PeersJson(s.peers)},
         {"trust", TrustJson(s.trust)},
         {"memory",
          {{"rocksdb_memtables_bytes", s.memory.rocksdb_memtables},
           {"rocksdb_block_cache_bytes", s.memory.rocksdb_block_cache},
           {"rocksdb_table_readers_bytes", s.memory.rocksdb_table_readers}}},
         {"hq_last_news",
          s.hq_news.last_ms ? json(sync::FormatTime(s.hq_news.last_ms)) : json(nullptr)},
         {"headquarters", s.hq_news.headquarters},
         {"bundle_centres", BundleCentresJson(s.bundle_centres)}};
  if (s.search) {
    const SearchProgress& p = *s.search;
    j["search"] = {{"documents", p.documents},
                   {"indexed_through", p.indexed_through},
                   {"log_change", p.log_change},
                   {"rebuilding", p.rebuilding},
                   {"rebuilt", p.rebuilt},
                   {"rebuild_total", p.rebuild_total},
                   {"complete", NodeStatus::SearchComplete(p)}};
  }
  return DumpResponse(j);
}

}  // namespace mrc::web::api
