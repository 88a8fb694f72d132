// Network settings with real processes over TCP: the review intervals
// headquarters sets reach a centre, which refuses to set its own
// (docs/settings.md).
#include <string>

#include "tests/e2e/cluster.h"

namespace mrc::e2e {
namespace {

using SettingsTest = Cluster;

constexpr char kPath[] = "/api/v1/settings/review-intervals";

TEST_F(SettingsTest, HeadquartersIntervalsReachACentreWhichCannotSetItsOwn) {
  Init("hq");
  Init("a", "hq");
  Start("hq");
  AddPeer("a", PeerAddress("hq"));
  Start("a");
  EXPECT_EQ("default", Get("a", kPath).value("source", ""));

  json value = {{"faq", 12},
                {"guide", 12},
                {"centre", 24},
                {"guide_topics", {{"visas-and-embassy", 3}, {"citizenship", 12}}}};
  auto put = Call("hq", "PUT", kPath, value.dump());
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  ASSERT_EQ(200, put->status) << put->body;

  ASSERT_TRUE(Eventually([&] { return Get("a", kPath).value("source", "") == "network"; }))
      << Get("a", kPath).dump();
  json at_a = Get("a", kPath);
  EXPECT_EQ(value, at_a["value"]);
  EXPECT_EQ(json::parse(put->body)["id"], at_a["id"]);

  // The centre's own admin is refused, with the reason, and nothing is
  // signed: headquarters' value stays in force on both.
  auto refused = Call("a", "PUT", kPath, json{{"faq", 1}, {"guide", 1}, {"centre", 1}}.dump());
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(403, refused->status) << refused->body;
  EXPECT_NE(std::string::npos, refused->body.find("only headquarters sets network settings"))
      << refused->body;
  ASSERT_TRUE(Converge({"hq", "a"}));
  EXPECT_EQ(value, Get("a", kPath)["value"]);
  EXPECT_EQ(value, Get("hq", kPath)["value"]);
  EXPECT_EQ(1u, Get("hq", kPath)["history"].size());
}

}  // namespace
}  // namespace mrc::e2e
