// Referrals across real mrcnode processes on 127.0.0.1: centre "a" refers a
// client to centre "c"; they never link to each other, every entry travels
// through centre "r" (a relay that is neither), which also links to
// headquarters. The links a-r and c-r pass through proxies that record
// every byte, as someone on the wire would.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/e2e/cluster.h"
#include "tests/e2e/proxy.h"

namespace mrc::e2e {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr std::string_view kCanary = "Canary-Qwertz-80417";

bool FileContains(const std::filesystem::path& file, std::string_view needle) {
  std::ifstream in(file, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return data.find(needle) != std::string::npos;
}

// Whether the file, or any file under the directory, contains `needle`.
bool DirContains(const std::string& path, std::string_view needle) {
  if (!std::filesystem::is_directory(path)) return FileContains(path, needle);
  for (const auto& f : std::filesystem::recursive_directory_iterator(path)) {
    if (f.is_regular_file() && FileContains(f.path(), needle)) return true;
  }
  return false;
}

std::uint16_t PortOf(const std::string& address) {
  return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

class ReferralE2eTest : public Cluster {
 protected:
  // hq <- r <- a, r <- c (through capturing proxies); `o` also dials r
  // when `with_offline` (and is stopped by the test when it likes).
  void Network(bool with_offline = false) {
    Init("hq");
    for (const char* n : {"r", "a", "c"}) Init(n, "hq");
    if (with_offline) Init("o", "hq");
    Start("hq");
    AddPeer("r", PeerAddress("hq"));
    Start("r");
    proxy_a_ = std::make_unique<Proxy>(PortOf(PeerAddress("r")));
    proxy_c_ = std::make_unique<Proxy>(PortOf(PeerAddress("r")));
    AddPeer("a", proxy_a_->address());
    AddPeer("c", proxy_c_->address());
    Start("a");
    Start("c");
    if (with_offline) {
      AddPeer("o", PeerAddress("r"));
      Start("o");
    }
  }
  std::vector<std::string> All(bool with_offline = false) {
    std::vector<std::string> n{"hq", "r", "a", "c"};
    if (with_offline) n.push_back("o");
    return n;
  }
  std::string Key(const std::string& node) { return Get(node, "/api/v1/status")["node"]; }
  std::pair<int, json> Send(const std::string& node, const std::string& method,
                            const std::string& target, const json& body = json()) {
    auto r = Cluster::Call(node, method, target, body.is_null() ? "" : body.dump());
    if (!r.ok()) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  std::string Refer() {
    // Every centre's encryption key must have reached a first.
    std::string to = Key("c");
    EXPECT_TRUE(Eventually([&] {
      json targets = Get("a", "/api/v1/referrals/targets");
      for (const auto& c : targets["centres"])
        if (c["key"] == to) return true;
      return false;
    })) << to
        << " not in " << Get("a", "/api/v1/referrals/targets").dump();
    json req{{"to", to},
             {"service", "legal advice"},
             {"reason", "Work permit refused"},
             {"urgency", "urgent"},
             {"client", {{"name", std::string(kCanary)}, {"contact", "+995 555 000 000"}}},
             {"consent", {{"given", true}, {"scope", "name and contact to the receiving centre"}}}};
    auto [status, out] = Send("a", "POST", "/api/v1/referrals", req);
    EXPECT_EQ(201, status) << out.dump();
    return out.value("id", "");
  }
  std::string StatusAt(const std::string& node, const std::string& id) {
    json r = Get(node, "/api/v1/referrals/" + id);
    return r.is_object() ? r.value("status", "") : "";
  }

  std::unique_ptr<Proxy> proxy_a_, proxy_c_;
};

TEST_F(ReferralE2eTest, ThroughARelayOnlyTheReceivingCentreReadsIt) {
  Network();
  std::string id = Refer();
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(Eventually([&] { return StatusAt("a", id) == "received"; }))
      << Get("a", "/api/v1/referrals/" + id).dump();
  json in = Get("c", "/api/v1/referrals/" + id);
  ASSERT_TRUE(in["readable"].get<bool>()) << in.dump();
  EXPECT_EQ(kCanary, in["details"]["client"]["name"]);
  EXPECT_EQ("in", in["direction"]);
  for (const std::string n : {"r", "hq"}) {
    json seen = Get(n, "/api/v1/referrals/" + id);
    EXPECT_EQ("relayed", seen["direction"]) << n;
    EXPECT_FALSE(seen["readable"].get<bool>()) << n;
    EXPECT_FALSE(seen.contains("details")) << n;
    // Nor may it set the receiver's statuses.
    EXPECT_EQ(
        403, Send(n, "POST", "/api/v1/referrals/" + id + "/status", {{"status", "accepted"}}).first)
        << n;
  }
  // The receiving centre accepts and completes; the sender follows.
  ASSERT_EQ(200, Send("c", "POST", "/api/v1/referrals/" + id + "/status",
                      {{"status", "accepted"}, {"note", "Seen on Monday"}})
                     .first);
  ASSERT_EQ(200, Send("c", "POST", "/api/v1/referrals/" + id + "/status",
                      {{"status", "completed"}, {"note", "Permit granted"}})
                     .first);
  ASSERT_TRUE(Eventually([&] { return StatusAt("a", id) == "completed"; }));
  json out = Get("a", "/api/v1/referrals/" + id);
  EXPECT_EQ("Permit granted", out["trail"].back()["note"]) << out.dump();
  ASSERT_TRUE(Converge(All()));
  // Nowhere in clear: not on the wire, not in the relay's or headquarters'
  // data directories (store, logs, search index), not even at the two
  // centres (only ciphertext is stored).
  EXPECT_EQ(std::string::npos, proxy_a_->Captured().find(kCanary));
  EXPECT_EQ(std::string::npos, proxy_c_->Captured().find(kCanary));
  EXPECT_GT(proxy_a_->Captured().size(), 1000u) << "the proxies did carry the traffic";
  for (const std::string n : {"r", "hq", "a", "c"}) EXPECT_FALSE(DirContains(Dir(n), kCanary)) << n;
  // Who looked at it, at the receiving centre.
  json audit = Get("c", "/api/v1/referrals/audit");
  ASSERT_TRUE(audit.is_object());
  EXPECT_GE(audit["events"].size(), 3u) << audit.dump();
}

TEST_F(ReferralE2eTest, ErasureReachesEveryNodeAndAnOfflineNodeCannotBringItBack) {
  Network(/*with_offline=*/true);
  std::string id = Refer();
  ASSERT_TRUE(Eventually([&] { return StatusAt("a", id) == "received"; }));
  ASSERT_TRUE(Converge(All(true)));
  // A backup of the receiving centre before the erasure; "o" goes offline.
  ASSERT_EQ(0, nodes_["c"]->Stop());
  ASSERT_EQ(0, Mrc({"backup", "--data", Dir("c"), Dir("c-before")}).status);
  Start("c");
  ASSERT_EQ(0, nodes_["o"]->Stop());
  ASSERT_TRUE(Get("c", "/api/v1/referrals/" + id)["readable"].get<bool>());

  auto [status, erased] = Send("a", "POST", "/api/v1/referrals/" + id + "/erase");
  ASSERT_EQ(200, status) << erased.dump();
  EXPECT_EQ("erased", erased["status"]);
  ASSERT_TRUE(Converge(All()));
  for (const std::string n : {"hq", "r", "a", "c"}) {
    json seen = Get(n, "/api/v1/referrals/" + id);
    EXPECT_EQ("erased", seen["status"]) << n;
    EXPECT_FALSE(seen["readable"].get<bool>()) << n;
  }
  // The offline node comes back with everything and offers it; nobody
  // takes the erased details back, and it erases its own copy.
  Start("o");
  ASSERT_TRUE(Converge(All(true)));
  EXPECT_EQ("erased", StatusAt("o", id));
  EXPECT_FALSE(Get("c", "/api/v1/referrals/" + id)["readable"].get<bool>());
  // Backups and bundles after the erasure, and every node's log still
  // verifies.
  for (const std::string n : {"hq", "r", "a", "c", "o"}) {
    ASSERT_EQ(0, nodes_[n]->Stop()) << n;
    Output v = Mrc({"verify", "--data", Dir(n)});
    EXPECT_EQ(0, v.status) << n << ": " << v.out << v.err;
    ASSERT_EQ(0, Mrc({"bundle", "export", "--data", Dir(n), "--out", Dir(n + ".bundle")}).status);
  }
  ASSERT_EQ(0, Mrc({"backup", "--data", Dir("c"), Dir("c-after")}).status);
  for (const std::string path : {"hq", "r", "a", "c", "o", "c-before", "c-after", "hq.bundle",
                                 "r.bundle", "a.bundle", "c.bundle"}) {
    EXPECT_FALSE(DirContains(Dir(path), kCanary)) << path;
  }
  // The backup from before holds the ciphertext only: without the centre's
  // encryption key (kept outside the store) it reads as nothing.
  EXPECT_FALSE(std::filesystem::exists(Dir("c-before") + "/encryption.key"));
}

TEST_F(ReferralE2eTest, AfterAnEncryptionKeyRotationOldAndNewReferralsAreReadable) {
  Network();
  std::string old_id = Refer();
  ASSERT_TRUE(Eventually([&] { return StatusAt("a", old_id) == "received"; }));
  std::string c_key = Key("c");
  ASSERT_EQ(0, nodes_["c"]->Stop());
  EXPECT_NE(0, Mrc({"key", "rotate-encryption", "--data", Dir("hq")}).status)
      << "refused while the node runs";
  Output o = Mrc({"key", "rotate-encryption", "--data", Dir("c")});
  ASSERT_EQ(0, o.status) << o.err;
  json rotated = json::parse(o.out);
  std::string new_key = rotated["encryption_key"];
  ASSERT_NE(new_key, rotated["retired_key"]);
  EXPECT_TRUE(std::filesystem::exists(rotated["retired_file"].get<std::string>()));
  Start("c");
  // The new key reaches the sender; what was sealed to the old one still opens.
  ASSERT_TRUE(Eventually(
      [&] { return Get("a", "/api/v1/members/" + c_key).value("encryption_key", "") == new_key; }));
  EXPECT_TRUE(Get("c", "/api/v1/referrals/" + old_id)["readable"].get<bool>());
  std::string new_id = Refer();
  ASSERT_TRUE(Eventually([&] { return StatusAt("a", new_id) == "received"; }));
  json fresh = Get("c", "/api/v1/referrals/" + new_id);
  EXPECT_TRUE(fresh["readable"].get<bool>()) << fresh.dump();
  EXPECT_TRUE(fresh["trail"][1]["opened"].get<bool>());
}

}  // namespace
}  // namespace mrc::e2e
