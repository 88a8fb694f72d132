// The trust rules across real mrcnode processes: headquarters, centre c1
// dialling it, and centre c2 reaching headquarters only through c1 (a relay
// in the path), plus a bundle to a node that never links.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/e2e/cluster.h"

namespace mrc::e2e {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class TrustE2eTest : public Cluster {
 protected:
  // hq <- c1 <- c2, all running; c2 enrolled only if `enrol_c2`.
  void Chain(bool enrol_c2) {
    Init("hq");
    Init("c1", "hq");
    Init("c2", "hq", enrol_c2);
    Start("hq");
    AddPeer("c1", PeerAddress("hq"));
    Start("c1");
    AddPeer("c2", PeerAddress("c1"));
    Start("c2");
  }
  std::pair<int, json> Call(const std::string& node, const std::string& method,
                            const std::string& target, const std::string& body = "") {
    auto r = Cluster::Call(node, method, target, body);
    if (!r.ok()) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  std::string Key(const std::string& node) { return Get(node, "/api/v1/status")["node"]; }
  static std::string Guide(bool authoritative) {
    json c{{"country", "IT"}, {"topic", "study"}, {"language", "en"}, {"body", "Universities."}};
    if (authoritative) c["authoritative"] = true;
    return json{{"kind", "guide"}, {"content", c}}.dump();
  }
};

TEST_F(TrustE2eTest, ANewCentresEntriesWaitEverywhereUntilHeadquartersApproves) {
  Chain(/*enrol_c2=*/false);
  json doc = Post("c2", Faq("asked before enrolment"));
  ASSERT_TRUE(doc.contains("waiting")) << doc.dump();
  std::string id = doc["id"];
  // It reaches hq through c1, and waits there.
  ASSERT_TRUE(Eventually([&] { return Get("hq", "/api/v1/digest").value("pending", 0) >= 1; }));
  EXPECT_EQ(404, Call("hq", "GET", "/api/v1/docs/" + id).first);
  EXPECT_EQ(404, Call("c1", "GET", "/api/v1/docs/" + id).first);
  // Headquarters approves the request while running.
  Output o = Mrc(
      {"member", "request", "--data", Dir("c2"), "--name", "Centre two", "--out", Dir("c2.req")});
  ASSERT_EQ(0, o.status) << o.err;
  o = Mrc({"member", "approve", "--data", Dir("hq"), Dir("c2.req")});
  ASSERT_EQ(0, o.status) << o.err;
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
  for (const std::string n : {"hq", "c1", "c2"})
    EXPECT_EQ(200, Call(n, "GET", "/api/v1/docs/" + id).first) << n;
  json members = Get("c1", "/api/v1/members")["members"];
  EXPECT_EQ(3u, members.size()) << members.dump();
}

TEST_F(TrustE2eTest, AuthoritativeContentAndOwnershipHoldOnEveryNode) {
  Chain(/*enrol_c2=*/true);
  std::string guide = Post("hq", Guide(true))["id"];
  std::string own = Post("c2", Faq("c2's own entry"))["id"];
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
  // c2 cannot edit headquarters' authoritative guide, nor c1's entries.
  json edit{{"content",
             {{"country", "IT"}, {"topic", "study"}, {"language", "en"}, {"body", "Changed."}}}};
  auto [status, body] = Call("c2", "PUT", "/api/v1/docs/" + guide, edit.dump());
  EXPECT_EQ(403, status) << body.dump();
  EXPECT_NE(std::string::npos, body["error"]["message"].get<std::string>().find("authoritative"))
      << body.dump();
  std::string c1_doc = Post("c1", Faq("c1's entry"))["id"];
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
  json faq_edit{{"content", {{"question", "taken over"}, {"answer", "A"}, {"language", "en"}}}};
  EXPECT_EQ(403, Call("c2", "PUT", "/api/v1/docs/" + c1_doc, faq_edit.dump()).first);
  // ...nor publish a bulletin; but it edits its own entry, and hq edits all.
  json bulletin{{"kind", "bulletin"},
                {"content",
                 {{"title", "T"},
                  {"body", "B"},
                  {"effective_date", "2027-01-01"},
                  {"urgency", "high"},
                  {"language", "en"}}}};
  EXPECT_EQ(403, Call("c2", "POST", "/api/v1/docs", bulletin.dump()).first);
  EXPECT_EQ(200, Call("c2", "PUT", "/api/v1/docs/" + own, faq_edit.dump()).first);
  EXPECT_EQ(200, Call("hq", "PUT", "/api/v1/docs/" + c1_doc, faq_edit.dump()).first);
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
  EXPECT_EQ("taken over", Get("c2", "/api/v1/docs/" + c1_doc)["content"]["question"]);
}

TEST_F(TrustE2eTest, AProposalTravelsToTheOwnerWhoAcceptsOrDeclinesIt) {
  Chain(/*enrol_c2=*/true);
  std::string doc = Post("c1", Faq("c1's entry"))["id"];
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
  // c2 proposes (CLI through its running node); it reaches c1 through hq.
  json change{
      {"content", {{"question", "c1's entry"}, {"answer", "Clearer."}, {"language", "en"}}}};
  Output o = Mrc({"doc", "propose", doc, "--data", Dir("c2")}, change.dump());
  ASSERT_EQ(0, o.status) << o.err;
  std::string p1 = json::parse(o.out)["proposal"];
  o = Mrc({"doc", "propose", doc, "--data", Dir("c2")}, change.dump());
  ASSERT_EQ(0, o.status) << o.err;
  std::string p2 = json::parse(o.out)["proposal"];
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
  json listed = json::parse(Mrc({"doc", "proposals", doc, "--data", Dir("c1")}).out);
  ASSERT_EQ(2u, listed["proposals"].size()) << listed.dump();
  // Only the owner (or hq) decides: c2 cannot accept its own proposal.
  o = Mrc({"doc", "accept", doc, p1, "--data", Dir("c2")});
  EXPECT_EQ(1, o.status);
  EXPECT_NE(std::string::npos, o.err.find("not-authorised")) << o.err;
  ASSERT_EQ(0, Mrc({"doc", "accept", doc, p1, "--data", Dir("c1")}).status);
  ASSERT_EQ(0,
            Mrc({"doc", "decline", doc, p2, "--reason", "duplicate", "--data", Dir("c1")}).status);
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
  EXPECT_EQ("Clearer.", Get("c2", "/api/v1/docs/" + doc)["content"]["answer"]);
  json seen = Get("c2", "/api/v1/docs/" + doc + "/proposals")["proposals"];
  for (const auto& p : seen) {
    EXPECT_EQ(p["proposal"] == p1 ? "accepted" : "declined", p["status"]) << p.dump();
  }
}

TEST_F(TrustE2eTest, ARevokedKeysLaterEntriesAreRejectedEverywhereAndOnAFreshNode) {
  Chain(/*enrol_c2=*/true);
  std::string before = Post("c2", Faq("written before the revocation"))["id"];
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
  // c2 goes offline and writes on; headquarters revokes it from then on.
  std::string c2_key = Key("c2");
  ASSERT_EQ(0, nodes_["c2"]->Stop());
  json late = json::parse(Mrc({"doc", "put", "--data", Dir("c2")}, Faq("written after")).out);
  std::string after = late["id"];
  Output o = Mrc({"member", "revoke", c2_key, "--data", Dir("hq")});
  EXPECT_EQ(2, o.status) << "a reason is required";
  o = Mrc({"member", "revoke", c2_key, "--reason", "laptop stolen", "--data", Dir("hq")});
  ASSERT_EQ(0, o.status) << o.err;
  // c2 holds its encryption key statement (seq 1) and "before" (seq 2).
  EXPECT_EQ(3u, json::parse(o.out)["revoked_from"].get<std::uint64_t>()) << o.out;
  ASSERT_TRUE(Converge({"hq", "c1"}));
  // c2's links would now be refused, but its entries also travel by
  // bundle: c1 gets them and rejects the late one like hq does.
  ASSERT_EQ(0, Mrc({"bundle", "export", "--data", Dir("c2"), "--out", Dir("c2.bundle")}).status);
  ASSERT_EQ(0, nodes_["c1"]->Stop());
  o = Mrc({"bundle", "import", "--data", Dir("c1"), Dir("c2.bundle")});
  ASSERT_EQ(0, o.status) << o.err;
  Start("c1");
  ASSERT_TRUE(Converge({"hq", "c1"}));
  for (const std::string n : {"hq", "c1"}) {
    EXPECT_EQ(200, Call(n, "GET", "/api/v1/docs/" + before).first) << n;
    EXPECT_EQ(404, Call(n, "GET", "/api/v1/docs/" + after).first) << n;
    json trust = Get(n, "/api/v1/status")["trust"];
    EXPECT_EQ(1u, trust["revoked"].size()) << trust.dump();
    EXPECT_GE(trust["rejected"].get<int>(), 1) << trust.dump();
  }
  // A node that never linked, given headquarters' bundle, agrees.
  ASSERT_EQ(0, Mrc({"init", "--data", Dir("fresh"), "--genesis", Dir("hq") + "/genesis.txt",
                    "--http", "127.0.0.1:0", "--listen", "none"})
                   .status);
  ASSERT_EQ(0, nodes_["hq"]->Stop());
  ASSERT_EQ(0, Mrc({"bundle", "export", "--data", Dir("hq"), "--out", Dir("hq.bundle")}).status);
  ASSERT_EQ(0, Mrc({"bundle", "import", "--data", Dir("fresh"), Dir("hq.bundle")}).status);
  ASSERT_EQ(0, Mrc({"bundle", "import", "--data", Dir("fresh"), Dir("c2.bundle")}).status);
  EXPECT_EQ(Mrc({"digest", "--data", Dir("hq")}).out, Mrc({"digest", "--data", Dir("fresh")}).out);
  EXPECT_EQ(0, Mrc({"doc", "get", before, "--data", Dir("fresh")}).status);
  EXPECT_NE(0, Mrc({"doc", "get", after, "--data", Dir("fresh")}).status);
}

TEST_F(TrustE2eTest, ARotatedKeyKeepsItsDocuments) {
  Chain(/*enrol_c2=*/true);
  std::string own = Post("c2", Faq("c2's entry"))["id"];
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
  std::string old_key = Key("c2");
  ASSERT_EQ(0, nodes_["c2"]->Stop());
  Output o = Mrc({"key", "rotate", "--data", Dir("c2"), "--out", Dir("rotation.req")});
  ASSERT_EQ(0, o.status) << o.err;
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  std::string new_pub = read(Dir("c2") + "/identity.pub");
  // A rotation cut short after its announcement (the new key not yet
  // installed) is completed by running it again, with the same new key.
  namespace fs = std::filesystem;
  std::string key = Dir("c2") + "/identity.key";
  fs::rename(key, key + ".next");
  fs::rename(key + ".retired-" + old_key.substr(0, 16), key);
  o = Mrc({"key", "rotate", "--data", Dir("c2"), "--out", Dir("rotation.req")});
  ASSERT_EQ(0, o.status) << o.err;
  EXPECT_EQ(new_pub, read(Dir("c2") + "/identity.pub"));
  o = Mrc({"member", "approve", "--data", Dir("hq"), Dir("rotation.req")});
  ASSERT_EQ(0, o.status) << o.err;
  // The rotate statement is still only at c2: the approval waits for it.
  EXPECT_FALSE(json::parse(o.out)["member"].get<bool>()) << o.out;
  Start("c2");
  std::string new_key = Key("c2");
  ASSERT_NE(old_key, new_key);
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
  json m = Get("hq", "/api/v1/members/" + new_key);
  EXPECT_EQ(json::array({old_key}), m["replaces"]) << m.dump();
  // The old key published its encryption key (seq 1), wrote its entry
  // (seq 2) and the rotate statement (seq 3).
  EXPECT_EQ(4u, Get("hq", "/api/v1/members/" + old_key)["revoked_from"].get<std::uint64_t>());
  json edit{
      {"content", {{"question", "edited with the new key"}, {"answer", "A"}, {"language", "en"}}}};
  ASSERT_EQ(200, Call("c2", "PUT", "/api/v1/docs/" + own, edit.dump()).first);
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
  EXPECT_EQ("edited with the new key", Get("hq", "/api/v1/docs/" + own)["content"]["question"]);
}

TEST_F(TrustE2eTest, HeadquartersSeesWhoReceivedAndAcknowledgedABulletin) {
  Chain(/*enrol_c2=*/true);
  json bulletin{{"kind", "bulletin"},
                {"content",
                 {{"title", "New seasonal quota"},
                  {"body", "Details."},
                  {"effective_date", "2027-01-01"},
                  {"urgency", "high"},
                  {"language", "en"}}}};
  std::string id = Post("hq", bulletin.dump())["id"];
  std::string target = "/api/v1/bulletins/" + id + "/receipts";
  ASSERT_TRUE(Eventually([&] { return Get("hq", target)["not_received"] == json::array(); }))
      << Get("hq", target).dump();
  EXPECT_EQ(2u, Get("hq", target)["not_acknowledged"].size());
  // A counsellor at c2 marks it read (CLI through the running node).
  Output o = Mrc({"bulletin", "ack", id, "--by", "Ana", "--data", Dir("c2")});
  ASSERT_EQ(0, o.status) << o.err;
  std::string c1 = Key("c1");
  ASSERT_TRUE(Eventually([&] {
    return Get("hq", target)["not_acknowledged"] == json::array({c1});
  })) << Get("hq", target).dump();
  o = Mrc({"bulletin", "receipts", id, "--data", Dir("hq")});
  ASSERT_EQ(0, o.status) << o.err;
  EXPECT_NE(std::string::npos, o.out.find("\"Ana\"")) << o.out;
  ASSERT_TRUE(Converge({"hq", "c1", "c2"}));
}

// A centre's data directory copied to a second machine: one key, two
// histories. Headquarters and both copies freeze the feed at the fork point;
// headquarters sees it in status, revokes the key and re-admits the centre
// under a new key that keeps its documents.
TEST_F(TrustE2eTest, AForkFreezesTheFeedEverywhereAndHeadquartersReadmitsTheCentre) {
  Init("hq");
  Init("c1", "hq");
  Start("hq");
  AddPeer("c1", PeerAddress("hq"));
  Start("c1");
  std::string d0 = Post("c1", Faq("before the copy"))["id"];
  ASSERT_TRUE(Converge({"hq", "c1"}));
  std::string key = Key("c1");
  ASSERT_EQ(0, nodes_["c1"]->Stop());
  std::filesystem::copy(Dir("c1"), Dir("clone"), std::filesystem::copy_options::recursive);
  std::string d1 = json::parse(
      Mrc({"doc", "put", "--data", Dir("c1")}, Faq("written at the original")).out)["id"];
  std::string d2 = json::parse(
      Mrc({"doc", "put", "--data", Dir("clone")}, Faq("written at the copy")).out)["id"];
  Start("c1");
  ASSERT_TRUE(Converge({"hq", "c1"}));
  ASSERT_EQ(200, Call("hq", "GET", "/api/v1/docs/" + d1).first);
  ASSERT_EQ(0, nodes_["c1"]->Stop());
  Start("clone");
  auto forked_at_hq = [&] {
    json f = Get("hq", "/api/v1/status")["trust"]["forked_feeds"];
    return f.is_array() && f.size() == 1 && f[0]["author"] == key && f[0]["fork_seq"] == 3;
  };
  ASSERT_TRUE(Eventually(forked_at_hq)) << Get("hq", "/api/v1/status").dump();
  ASSERT_TRUE(Converge({"hq", "clone"}));
  // One key has one link at a time (a new link from it replaces the open
  // one): the original comes back after the copy has gone.
  ASSERT_EQ(0, nodes_["clone"]->Stop());
  Start("c1");
  ASSERT_TRUE(Converge({"hq", "c1"}));
  Start("clone");  // serves its API; it already holds what hq holds
  EXPECT_EQ(Digest("hq"), Digest("clone"));
  for (const std::string n : {"hq", "c1", "clone"}) {
    EXPECT_EQ(200, Call(n, "GET", "/api/v1/docs/" + d0).first) << n;
    EXPECT_EQ(404, Call(n, "GET", "/api/v1/docs/" + d1).first) << n;
    EXPECT_EQ(404, Call(n, "GET", "/api/v1/docs/" + d2).first) << n;
    EXPECT_EQ(1u, Get(n, "/api/v1/status")["trust"]["forked_feeds"].size()) << n;
  }
  // Headquarters revokes the key from the fork on and re-admits the centre.
  // (Seq 1 is its encryption key statement, 2 its first document.)
  Output o = Mrc({"member", "revoke", key, "--from-seq", "3", "--reason", "data directory copied",
                  "--data", Dir("hq")});
  ASSERT_EQ(0, o.status) << o.err;
  ASSERT_EQ(0, Mrc({"init", "--data", Dir("c1new"), "--genesis", Dir("hq") + "/genesis.txt",
                    "--http", "127.0.0.1:0", "--listen", "none"})
                   .status);
  ASSERT_EQ(0, Mrc({"member", "request", "--data", Dir("c1new"), "--name", "Centre c1", "--out",
                    Dir("c1new.req")})
                   .status);
  o = Mrc({"member", "approve", Dir("c1new.req"), "--replaces", key, "--data", Dir("hq")});
  ASSERT_EQ(0, o.status) << o.err;
  AddPeer("c1new", PeerAddress("hq"));
  Start("c1new");
  ASSERT_TRUE(Converge({"hq", "c1new"}));
  json edit{{"content", {{"question", "still ours"}, {"answer", "A"}, {"language", "en"}}}};
  ASSERT_EQ(200, Call("c1new", "PUT", "/api/v1/docs/" + d0, edit.dump()).first);
  ASSERT_TRUE(Converge({"hq", "c1new"}));
  EXPECT_EQ("still ours", Get("hq", "/api/v1/docs/" + d0)["content"]["question"]);
}

}  // namespace
}  // namespace mrc::e2e
