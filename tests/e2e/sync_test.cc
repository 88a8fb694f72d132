// Peer sync between real mrcnode processes over TCP on 127.0.0.1.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "sync/crypto/identity.h"
#include "sync/log/entry.h"
#include "sync/peer/peer_session.h"
#include "sync/peer/wire.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/process.h"
#include "tests/e2e/proxy.h"
#include "tests/e2e/raw_peer.h"
#include "web/http/client.h"

namespace mrc::e2e {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using std::chrono::seconds;
using SyncTest = Cluster;

TEST_F(SyncTest, AWriteCrossesAChainOfThreeNodes) {
  Init("hq");
  Init("c1", "hq");
  Init("c2", "hq");
  Start("hq");
  AddPeer("c1", PeerAddress("hq"));
  Start("c1");
  AddPeer("c2", PeerAddress("c1"));  // c2 reaches hq only through c1
  Start("c2");
  Post("hq", Faq("written at headquarters"));
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
  EXPECT_EQ(1u, Get("c2", "/api/v1/docs")["docs"].size());
  Post("c2", Faq("written at the far centre"));
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
  EXPECT_EQ(2u, Get("hq", "/api/v1/docs")["docs"].size());
  json status = Get("c1", "/api/v1/status");
  ASSERT_EQ(2u, status["peers"].size()) << status.dump();
  EXPECT_GT(status["memory"]["rocksdb_memtables_bytes"].get<std::uint64_t>(), 0u) << status.dump();
  for (const auto& p : status["peers"]) EXPECT_TRUE(p["connected"].get<bool>()) << p.dump();
}

TEST_F(SyncTest, OfflineEditsOfOneDocumentConflictEverywhere) {
  Init("hq");
  Init("c1", "hq");
  Start("hq");
  AddPeer("c1", PeerAddress("hq"));
  Start("c1");
  // A centre's own document: it and headquarters may both edit it.
  json doc = Post("c1", Faq("original"));
  ASSERT_TRUE(Converge({"hq", "c1"}));
  ASSERT_EQ(0, nodes_["c1"]->Stop());
  // Headquarters still lists the centre that dialled it, as disconnected.
  json peers;
  ASSERT_TRUE(Eventually([&] {
    peers = Get("hq", "/api/v1/status")["peers"];
    return peers.size() == 1 && !peers[0]["connected"].get<bool>();
  })) << peers.dump();
  EXPECT_EQ("in", peers[0]["direction"]);
  EXPECT_FALSE(peers[0]["last_contact"].get<std::string>().empty()) << peers.dump();
  std::string id = doc["id"];
  // Both edit the same version while apart.
  json edit{{"content", {{"question", "edited at hq"}, {"answer", "A"}, {"language", "en"}}}};
  auto r = Cluster::Call("hq", "PUT", "/api/v1/docs/" + id, edit.dump());
  ASSERT_TRUE(r.ok() && r->status == 200);
  json local = {{"id", id},
                {"content", {{"question", "edited at c1"}, {"answer", "A"}, {"language", "en"}}}};
  ASSERT_EQ(0, Mrc({"doc", "put", "--data", Dir("c1")}, local.dump()).status);
  Start("c1");
  ASSERT_TRUE(Converge({"hq", "c1"}));
  for (const std::string n : {"hq", "c1"}) {
    json d = Get(n, "/api/v1/docs/" + id);
    EXPECT_TRUE(d["conflict"].get<bool>()) << n;
    EXPECT_EQ(2u, d["heads"].size()) << n;
  }
  EXPECT_EQ(Get("hq", "/api/v1/docs/" + id)["content"], Get("c1", "/api/v1/docs/" + id)["content"]);
}

TEST_F(SyncTest, ANodeOfAnotherNetworkIsRefused) {
  Init("hq");
  Start("hq");
  ASSERT_EQ(0, Mrc({"init", "--data", Dir("stranger"), "--hq", "--network", "Other", "--http",
                    "127.0.0.1:0", "--listen", "none"})
                   .status);
  AddPeer("stranger", PeerAddress("hq"));
  Start("stranger");
  Post("stranger", Faq("must not cross"));
  Post("hq", Faq("must not leak"));
  std::this_thread::sleep_for(seconds(2));
  EXPECT_EQ(1u, Get("hq", "/api/v1/docs")["docs"].size());
  EXPECT_EQ(1u, Get("stranger", "/api/v1/docs")["docs"].size());
  json status = Get("stranger", "/api/v1/status");
  ASSERT_EQ(1u, status["peers"].size());
  EXPECT_FALSE(status["peers"][0]["connected"].get<bool>());
  EXPECT_FALSE(status["peers"][0]["last_error"].get<std::string>().empty());
}

TEST_F(SyncTest, KilledDuringCatchUpResumesWithoutLoss) {
  Init("hq");
  Init("c1", "hq");
  // A large backlog at headquarters, imported before the link exists.
  ImportFaqs("hq", 6000, 600);
  Start("hq");
  AddPeer("c1", PeerAddress("hq"));
  Start("c1");
  // Kill the receiver part-way (bounded wait for the first entries).
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    json d = Get("c1", "/api/v1/digest");
    if (d.is_object() && d.value("entries", 0) > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  nodes_["c1"]->Kill();
  Output v = Mrc({"verify", "--data", Dir("c1")});
  EXPECT_EQ(0, v.status) << v.err;
  Start("c1");
  ASSERT_TRUE(Converge({"hq", "c1"}, seconds(60)));
  ASSERT_EQ(0, nodes_["c1"]->Stop());
  v = Mrc({"verify", "--data", Dir("c1")});
  EXPECT_EQ(0, v.status) << v.err;
  // 6000 documents, the approval of c1 and both centres' encryption keys.
  EXPECT_NE(std::string::npos, v.out.find("6003 entries")) << v.out;
}

TEST_F(SyncTest, ATamperedFrameClosesTheLink) {
  Init("hq");
  Init("c1", "hq");
  Start("hq");
  Proxy proxy(PortOf(PeerAddress("hq")));
  // The dialler sends 64 + 112 handshake bytes and a 24-byte stream header;
  // byte 210 lies inside its first encrypted frame.
  proxy.CorruptAt(210);
  AddPeer("c1", proxy.address());
  Start("c1");
  Post("c1", Faq("crosses only on a clean link"));
  // The first link dies on the flipped bit; the redial is clean and syncs.
  ASSERT_TRUE(Converge({"hq", "c1"}));
  EXPECT_NE(std::string::npos, nodes_["hq"]->Stderr().find("frame refused"))
      << nodes_["hq"]->Stderr();
}

// A line so slow that one batch takes longer than the idle timeout: the
// link stays up while bytes arrive, and the batch gets through (a timeout
// counted from the last whole message cut it every time, and the batch
// was sent again from its start, for ever).
TEST_F(SyncTest, ASlowLineCarriesBatchesLongerThanTheIdleTimeout) {
  Init("hq");
  Init("c1", "hq");
  for (const auto* name : {"hq", "c1"}) {
    EditConfig(name, {{"keepalive_seconds = 15", "keepalive_seconds = 1"},
                      {"idle_timeout_seconds = 60", "idle_timeout_seconds = 2"}});
  }
  // About 55 KB of entries; at 5 KB/s even the smallest batch a link
  // sends (16 KiB) takes over 3 s.
  ImportFaqs("hq", 40, 1200);
  Start("hq");
  Proxy proxy(PortOf(PeerAddress("hq")));
  proxy.Rate(5000);
  AddPeer("c1", proxy.address());
  Start("c1");
  ASSERT_TRUE(Converge({"hq", "c1"}, seconds(40))) << nodes_["c1"]->Stderr();
  EXPECT_EQ(std::string::npos, nodes_["c1"]->Stderr().find("timed out")) << nodes_["c1"]->Stderr();
  EXPECT_EQ(std::string::npos, nodes_["hq"]->Stderr().find("timed out")) << nodes_["hq"]->Stderr();
  // Nor is a frame cut for its rate: the line carries 5 KB/s, twenty
  // times what the rule asks (docs/protocol.md, "Limits").
  for (const auto* name : {"hq", "c1"}) {
    EXPECT_EQ(std::string::npos, nodes_[name]->Stderr().find("frame too slow"))
        << nodes_[name]->Stderr();
  }
}

// A line that drops after every 64 KB: a batch is resent whole after a
// drop, so a link starts with small batches, and the backlog (three times
// what crosses between two drops) arrives bit by bit. (With a first batch
// of the whole backlog it never did.)
TEST_F(SyncTest, ALineThatDropsOftenStillDeliversABacklogLargerThanOneDropsWorth) {
  Init("hq");
  Init("c1", "hq");
  ImportFaqs("hq", 150, 1200);
  Start("hq");
  Proxy proxy(PortOf(PeerAddress("hq")));
  proxy.CutAfter(64 << 10);
  AddPeer("c1", proxy.address());
  Start("c1");
  ASSERT_TRUE(Converge({"hq", "c1"}, seconds(60))) << nodes_["c1"]->Stderr();
}

// Several nodes whose links are cut, refused and delayed at random while they
// write; once healed, every digest agrees. Seeded and bounded in time.
TEST_F(SyncTest, ChaosThenHealConverges) {
  const std::vector<std::string> names = {"hq", "c1", "c2", "c3"};
  Init("hq");
  for (std::size_t i = 1; i < names.size(); ++i) Init(names[i], "hq");
  // One proxy in front of each node; a ring of dials plus one chord.
  std::map<std::string, std::unique_ptr<Proxy>> proxies;
  for (const auto& n : names) proxies[n] = std::make_unique<Proxy>();
  for (std::size_t i = 0; i < names.size(); ++i) {
    AddPeer(names[(i + 1) % names.size()], proxies[names[i]]->address());
  }
  AddPeer("c2", proxies["hq"]->address());
  for (const auto& n : names) {
    Start(n);
    proxies[n]->SetUpstream(PortOf(PeerAddress(n)));
  }
  std::mt19937 rng(20261123);
  int written = 0;
  auto until = std::chrono::steady_clock::now() + seconds(12);
  for (int step = 0; step < 200 && std::chrono::steady_clock::now() < until; ++step) {
    const std::string& n = names[rng() % names.size()];
    switch (rng() % 5) {
      case 0:
        proxies[n]->Cut();
        break;
      case 1:
        proxies[n]->Refuse(rng() % 2 == 0);
        break;
      case 2:
        proxies[n]->Delay(std::chrono::milliseconds(rng() % 30));
        break;
      default:
        Post(n, Faq("chaos " + std::to_string(step) + " at " + n));
        ++written;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 100));
  }
  for (auto& [n, p] : proxies) {
    p->Refuse(false);
    p->Delay(std::chrono::milliseconds(0));
  }
  ASSERT_TRUE(Converge(names, seconds(60)));
  EXPECT_EQ(static_cast<std::size_t>(written),
            Get("c3", "/api/v1/digest")["documents"].get<std::size_t>());
  for (const auto& n : names) EXPECT_EQ(0, nodes_[n]->Stop()) << n;
  for (const auto& n : names) EXPECT_EQ(0, Mrc({"verify", "--data", Dir(n)}).status) << n;
}

TEST_F(SyncTest, APeerSendingAForgedEntryIsCutOffAndNothingChanges) {
  ASSERT_TRUE(sync::InitCrypto().ok());
  Init("hq");
  Start("hq");
  Post("hq", Faq("genuine"));
  Hash32 network = NetworkOf(Dir("hq"));
  std::string before = Digest("hq");

  RawPeer peer(PeerAddress("hq"), network);
  ASSERT_TRUE(peer.Handshake());
  ASSERT_TRUE(peer.SendHoldingNothing());
  // A correctly signed entry whose payload was swapped afterwards.
  sync::Entry e;
  e.seq = 1;
  e.hlc = sync::HybridClock().Now();
  std::string payload = R"({"answer":"A","language":"en","question":"honest?"})";
  e.payload_hash = sync::Blake2b256(payload);
  e.payload_size = static_cast<std::uint32_t>(payload.size());
  Hash32 id;
  Bytes signed_form = sync::SignEntry(peer.key(), network, &e, &id);
  std::string forged = R"({"answer":"B","language":"en","question":"honest?"})";
  ASSERT_TRUE(
      peer.SendMessage(sync::wire::Message(std::in_place_type<sync::wire::EntriesMsg>,
                                           sync::wire::EntriesMsg{1, {{signed_form, forged}}})));
  // The node answers with its ranges and entries, then closes the link.
  bool closed = false;
  for (int i = 0; i < 100; ++i) {
    if (!peer.ReadMessage()) {
      closed = true;
      break;
    }
  }
  EXPECT_TRUE(closed);
  EXPECT_EQ(before, Digest("hq"));
  EXPECT_NE(std::string::npos, nodes_["hq"]->Stderr().find("invalid entry"))
      << nodes_["hq"]->Stderr();
}

// Received batches are written on their own thread while the link reads
// the next ones; a peer that ignores the window (sends batch after batch
// without waiting for acknowledgements) is held back by TCP, not queued
// without limit, and loses nothing: every batch is acknowledged in turn.
TEST_F(SyncTest, APeerIgnoringTheWindowIsHeldBackAndLosesNothing) {
  ASSERT_TRUE(sync::InitCrypto().ok());
  Init("hq");
  Start("hq");
  Hash32 network = NetworkOf(Dir("hq"));
  auto entries_before = Get("hq", "/api/v1/digest")["entries"].get<std::uint64_t>();

  RawPeer peer(PeerAddress("hq"), network);
  ASSERT_TRUE(peer.Handshake());
  ASSERT_TRUE(peer.SendHoldingNothing());
  constexpr std::uint64_t kBatches = 3 * sync::PeerSession::kWindow;
  Hash32 prev{};
  for (std::uint64_t b = 1; b <= kBatches; ++b) {
    sync::Entry e;
    e.seq = b;
    e.prev = prev;
    e.hlc = sync::HybridClock().Now();
    std::string payload =
        R"({"answer":"A","language":"en","question":"batch )" + std::to_string(b) + R"(?"})";
    e.payload_hash = sync::Blake2b256(payload);
    e.payload_size = static_cast<std::uint32_t>(payload.size());
    Bytes signed_form = sync::SignEntry(peer.key(), network, &e, &prev);
    ASSERT_TRUE(
        peer.SendMessage(sync::wire::Message(std::in_place_type<sync::wire::EntriesMsg>,
                                             sync::wire::EntriesMsg{b, {{signed_form, payload}}})));
  }
  std::set<std::uint64_t> acked;
  for (int i = 0; i < 200 && acked.size() < kBatches; ++i) {
    auto m = peer.ReadMessage();
    if (!m) break;
    if (auto* ack = std::get_if<sync::wire::AckMsg>(&*m)) acked.insert(ack->batch);
  }
  EXPECT_EQ(kBatches, acked.size());
  // The link is still up, and the node holds every entry (waiting for the
  // unknown author's approval).
  ASSERT_TRUE(peer.SendMessage(
      sync::wire::Message(std::in_place_type<sync::wire::PingMsg>, sync::wire::PingMsg{7, false})));
  bool pong = false;
  for (int i = 0; i < 200 && !pong; ++i) {
    auto m = peer.ReadMessage();
    if (!m) break;
    if (auto* p = std::get_if<sync::wire::PingMsg>(&*m)) pong = p->pong && p->nonce == 7;
  }
  EXPECT_TRUE(pong);
  EXPECT_EQ(entries_before + kBatches, Get("hq", "/api/v1/digest")["entries"].get<std::uint64_t>());
}

}  // namespace
}  // namespace mrc::e2e
