// Last news from headquarters, with real processes: a centre linked to
// headquarters shows no warning; stopped, cut off and restarted with its
// clock nine days ahead (MRC_CLOCK_OFFSET_MS, docs/testing.md) it warns on
// every page; a bundle from headquarters imported ends the warning.
#include <string>

#include "tests/e2e/cluster.h"
#include "tests/e2e/loopback_client.h"

namespace mrc::e2e {
namespace {

using HqNewsTest = Cluster;

constexpr char kPassword[] = "correct horse battery";
constexpr long long kDayMillis = 24LL * 3600 * 1000;
constexpr char kWarning[] = "Last news from headquarters: 9 days ago";

// The search page's HTML for ana at the node serving `http` ("127.0.0.1:PORT").
std::string SearchPage(const std::string& http) {
  auto port = static_cast<std::uint16_t>(std::stoi(http.substr(http.rfind(':') + 1)));
  RawResponse login =
      RawCall("127.0.0.1", port, "POST", "/api/v1/login", "Content-Type: application/json\r\n",
              nlohmann::json{{"name", "ana"}, {"password", kPassword}}.dump());
  if (login.status != 200) return "login: " + std::to_string(login.status) + " " + login.body;
  std::string cookie = login.Header("set-cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  RawResponse page = RawCall("127.0.0.1", port, "GET", "/", "Cookie: " + cookie + "\r\n");
  return page.status == 200 ? page.body : "page: " + std::to_string(page.status);
}

TEST_F(HqNewsTest, ACentreCutOffFromHeadquartersWarnsUntilABundleFromItArrives) {
  Init("hq");
  Init("a", "hq");
  Output o = Mrc({"user", "add", "--data", Dir("a"), "ana", "--role", "admin", "--password-stdin"},
                 std::string(kPassword) + "\n");
  ASSERT_EQ(0, o.status) << o.err;
  Start("hq");
  AddPeer("a", PeerAddress("hq"));
  std::string http = Start("a");

  // Linked and reconciled: news noted, the peer's version known, no warning.
  ASSERT_TRUE(Eventually([&] { return Get("a", "/api/v1/status")["hq_last_news"].is_string(); }))
      << Get("a", "/api/v1/status").dump();
  json status = Get("a", "/api/v1/status");
  EXPECT_FALSE(status["headquarters"].get<bool>());
  ASSERT_EQ(1u, status["peers"].size()) << status.dump();
  EXPECT_EQ(1, status["peers"][0]["protocol"]) << status.dump();
  EXPECT_NE(std::string::npos, status["peers"][0]["software"].get<std::string>().find("mrcnode"));
  std::string last_news = status["hq_last_news"];
  std::string page = SearchPage(http);
  EXPECT_NE(std::string::npos, page.find("<main")) << page;
  EXPECT_EQ(std::string::npos, page.find("news from headquarters")) << page;
  EXPECT_TRUE(Get("hq", "/api/v1/status")["headquarters"].get<bool>());

  // Both stopped; the centre comes back alone, nine days later by its clock.
  ASSERT_EQ(0, nodes_["a"]->Stop());
  ASSERT_EQ(0, nodes_["hq"]->Stop());
  http = Start("a", {"MRC_CLOCK_OFFSET_MS=" + std::to_string(9 * kDayMillis + 60'000)});
  EXPECT_EQ(last_news, Get("a", "/api/v1/status")["hq_last_news"]) << "kept across the restart";
  page = SearchPage(http);
  EXPECT_NE(std::string::npos, page.find(kWarning)) << page;

  // A bundle from headquarters, imported through the running node.
  ASSERT_EQ(0, Mrc({"bundle", "export", "--data", Dir("hq"), "--out", Dir("hq.bundle")}).status);
  o = Mrc({"bundle", "import", "--data", Dir("a"), Dir("hq.bundle")});
  ASSERT_EQ(0, o.status) << o.err;
  status = Get("a", "/api/v1/status");
  EXPECT_NE(last_news, status["hq_last_news"]) << status.dump();
  ASSERT_FALSE(status["bundle_centres"].empty()) << status.dump();
  page = SearchPage(http);
  EXPECT_NE(std::string::npos, page.find("<main")) << page;
  EXPECT_EQ(std::string::npos, page.find("news from headquarters")) << page;
}

}  // namespace
}  // namespace mrc::e2e
