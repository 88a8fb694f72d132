// The status JSON (web/api/status_json.h): a NodeStatus written in the
// shape GET /api/v1/status and `mrcnode status` answer, byte for byte.
#include "web/api/status_json.h"

#include <gtest/gtest.h>

#include <string>

namespace mrc::web::api {
namespace {

Hash32 Filled(std::uint8_t byte) {
  Hash32 h;
  h.fill(byte);
  return h;
}

TEST(StatusJsonTest, ANodeWithAPeerAForkAndARejectionIsWrittenInTheApiShape) {
  NodeStatus s;
  s.node = Filled(0x01);
  s.encryption_key = Filled(0x02);
  s.name = "MRC Tirana";
  s.network = "WB";
  s.network_id = Filled(0x03);
  s.digest = {Filled(0x04), 5, 6, 2, 1, 0, 3, 4, 0};
  sync::PeerLinkStatus peer;
  peer.address = "127.0.0.1:7401";
  peer.direction = "out";
  peer.peer = Filled(0x05);
  peer.connected = true;
  peer.last_contact_ms = 1'700'000'000'000;
  peer.stats.entries_sent = 7;
  peer.stats.entries_received = 8;
  peer.stats.peer_lacks = 1;
  peer.stats.we_lack = 2;
  peer.stats.entries_per_second = 12.6;
  peer.bytes_sent = 900;
  peer.bytes_received = 1000;
  peer.protocol = 1;
  peer.software = "mrcnode 0.1.0";
  s.peers.push_back(peer);
  sync::PeerLinkStatus never;
  never.address = "10.0.0.9:7400";
  never.direction = "out";
  never.last_error = "connect: refused";
  s.peers.push_back(never);
  s.trust.self.role = SelfStanding::Role::kCentreMember;
  s.trust.members = 3;
  s.trust.revoked.push_back({Filled(0x06), "MRC Old", 12});
  s.trust.forked_feeds.push_back({Filled(0x07), "MRC Fork", 4});
  s.trust.rejected = 9;
  s.trust.rejections.push_back({Filled(0x08), "not a member"});
  s.memory = {10, 20, 30};
  s.search = SearchProgress{40, 41, 5, true, 3, 6};
  s.hq_news.last_ms = 1'700'000'000'000;
  s.bundle_centres.push_back({Filled(0x09), "MRC Shkoder", 1'700'000'000'000});

  auto text = NodeStatusJson(s);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  // Keys in order; "@N" stands for 64 hex digits of the byte 0N.
  std::string expected =
      R"j({"authors":2,"awaiting_upgrade":3,)j"
      R"j("bundle_centres":[{"key":"@9","last_bundle":"2023-11-14T22:13:20.000Z",)j"
      R"j("name":"MRC Shkoder"}],"digest":"@4","documents":5,)j"
      R"j("encryption_key":"@2","entries":6,"forks":0,"headquarters":false,)j"
      R"j("hq_last_news":"2023-11-14T22:13:20.000Z",)j"
      R"j("memory":{"rocksdb_block_cache_bytes":20,"rocksdb_memtables_bytes":10,)j"
      R"j("rocksdb_table_readers_bytes":30},"name":"MRC Tirana","network":"WB",)j"
      R"j("network_id":"@3","node":"@1","own_feed_held":false,)j"
      R"j("peers":[{"address":"127.0.0.1:7401","bytes_received":1000,"bytes_sent":900,)j"
      R"j("connected":true,"direction":"out","entries_per_second":13,"entries_received":8,)j"
      R"j("entries_sent":7,)j"
      R"j("last_contact":"2023-11-14T22:13:20.000Z","last_error":"","peer":"@5","peer_lacks":1,)j"
      R"j("protocol":1,"software":"mrcnode 0.1.0","we_lack":2},)j"
      R"j({"address":"10.0.0.9:7400","bytes_received":0,"bytes_sent":0,"connected":false,)j"
      R"j("direction":"out","entries_per_second":0,"entries_received":0,"entries_sent":0,)j"
      R"j("last_contact":null,)j"
      R"j("last_error":"connect: refused","peer":null,"peer_lacks":0,"protocol":null,)j"
      R"j("software":"","we_lack":0}],)j"
      R"j("pending":1,)j"
      R"j("search":{"complete":false,"documents":5,"indexed_through":40,"log_change":41,)j"
      R"j("rebuild_total":6,"rebuilding":true,"rebuilt":3},)j"
      R"j("trust":{"forked_feeds":[{"advice":"the key signed two histories: revoke it )j"
      R"j((mrcnode member revoke) and re-admit the centre with a new key","author":"@7",)j"
      R"j("fork_seq":4,"name":"MRC Fork"}],"members":3,"rejected":9,)j"
      R"j("rejections":[{"entry":"@8","reason":"not a member"}],)j"
      R"j("revoked":[{"from_seq":12,"key":"@6","name":"MRC Old"}],"self":"member (centre)"},)j"
      R"j("unapproved_refused":4})j";
  for (char n = '1'; n <= '9'; n++) {
    std::string mark = std::string("@") + n;
    std::string digits;
    for (int i = 0; i < 32; i++) digits += std::string("0") + n;
    for (auto at = expected.find(mark); at != std::string::npos; at = expected.find(mark))
      expected.replace(at, 2, digits);
  }
  EXPECT_EQ(expected, *text);
}

TEST(StatusJsonTest, TheNodesStandingIsSaidInWords) {
  using Role = SelfStanding::Role;
  EXPECT_EQ("root (headquarters)", SelfStandingText({Role::kRoot, 0, ""}));
  EXPECT_EQ("member (hq)", SelfStandingText({Role::kHqMember, 0, ""}));
  EXPECT_EQ("revoked from seq 7: lost laptop",
            SelfStandingText({Role::kRevoked, 7, "lost laptop"}));
  EXPECT_EQ("awaiting approval by headquarters (mrcnode member request)", SelfStandingText({}));
}

}  // namespace
}  // namespace mrc::web::api
