// Problem reports across real mrcnode processes on 127.0.0.1: a counsellor
// at centre "b" reports a problem with a document of centre "a". The two
// never link: everything travels through centre "c" (b - c - a), which also
// links to headquarters. The owner sees it on its list, replies and closes
// it, and "b" sees it closed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/cluster.h"
#include "web/http/client.h"

namespace mrc::e2e {
namespace {

using nlohmann::json;

class ReportE2eTest : public Cluster {
 protected:
  // A user of `node` with `role`, and an API token for them.
  std::string UserToken(const std::string& node, const std::string& name, const std::string& role) {
    auto added =
        Call(node, "POST", "/api/v1/users",
             json{{"name", name}, {"role", role}, {"password", "a long password 1"}}.dump());
    EXPECT_TRUE(added.ok() && added->status == 201) << (added.ok() ? added->body : "");
    auto token =
        Call(node, "POST", "/api/v1/users/" + name + "/tokens", json{{"label", "e2e"}}.dump());
    EXPECT_TRUE(token.ok() && token->status == 201) << (token.ok() ? token->body : "");
    return token.ok() ? json::parse(token->body, nullptr, false).value("token", "") : "";
  }
  std::pair<int, json> As(const std::string& node, const std::string& token,
                          const std::string& method, const std::string& target,
                          const json& body = json()) {
    auto r = web::HttpCallWithToken(http_[node], token, method, target,
                                    body.is_null() ? "" : body.dump());
    if (!r.ok()) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
};

TEST_F(ReportE2eTest, AReportReachesTheOwnerThroughARelayAndComesBackClosed) {
  Init("hq");
  for (const char* n : {"c", "a", "b"}) Init(n, "hq");
  Start("hq");
  AddPeer("c", PeerAddress("hq"));
  Start("c");
  AddPeer("a", PeerAddress("c"));
  AddPeer("b", PeerAddress("c"));
  Start("a");
  Start("b");
  std::string counsellor = UserToken("b", "amira", "counsellor");
  std::string editor = UserToken("a", "lena", "editor");

  std::string doc = Post("a", Faq("What does a work permit cost?")).value("id", "");
  ASSERT_FALSE(doc.empty());
  ASSERT_TRUE(Eventually([&] { return Get("b", "/api/v1/docs/" + doc).is_object(); }));

  auto [made, report] = As("b", counsellor, "POST", "/api/v1/docs/" + doc + "/reports",
                           {{"category", "outdated"}, {"note", "The fee changed in March."}});
  ASSERT_EQ(201, made) << report.dump();
  std::string id = report["id"];
  EXPECT_EQ("amira", report["by"]);

  // It reaches the owner, through c.
  json list;
  ASSERT_TRUE(Eventually([&] {
    list = As("a", editor, "GET", "/api/v1/reports").second;
    return list.is_object() && list.value("total", 0) == 1;
  })) << list.dump();
  EXPECT_EQ(id, list["reports"][0]["id"]);
  EXPECT_EQ("open", list["reports"][0]["status"]);
  EXPECT_EQ(1, list["categories"]["outdated"]);
  EXPECT_TRUE(list["reports"][0]["can_reply"].get<bool>());
  // The relay may not answer for the owner.
  auto relay = Call("c", "POST", "/api/v1/reports/" + id + "/reply",
                    json{{"reply", "Not ours."}, {"close", true}}.dump());
  ASSERT_TRUE(relay.ok());
  EXPECT_EQ(403, relay->status) << relay->body;

  auto [replied, closed] = As("a", editor, "POST", "/api/v1/reports/" + id + "/reply",
                              {{"reply", "Updated to the new fee."}, {"close", true}});
  ASSERT_EQ(200, replied) << closed.dump();
  EXPECT_EQ("closed", closed["status"]);

  json at_b;
  ASSERT_TRUE(Eventually([&] {
    at_b = As("b", counsellor, "GET", "/api/v1/docs/" + doc + "/reports?status=all").second;
    return at_b.is_object() && !at_b["reports"].empty() &&
           at_b["reports"][0].value("status", "") == "closed";
  })) << at_b.dump();
  EXPECT_EQ("lena", at_b["reports"][0]["replies"][0]["by"]);
  EXPECT_EQ("reply", at_b["reports"][0]["closed_by"]);
  ASSERT_TRUE(Converge({"hq", "c", "a", "b"}));
}

}  // namespace
}  // namespace mrc::e2e
