// Sync health in plain words: the banner every page shows when headquarters
// has been silent too long, what the sync page says of peers' versions and
// of centres known only through bundles, and the record the banner reads
// (sync/log/hq_news.h) over a real store.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "sync/log/hq_news.h"
#include "tests/support/node_parts.h"
#include "web/app/app.h"

namespace mrc::web {
namespace {

using json = nlohmann::json;
constexpr std::uint64_t kDay = 86'400'000;
constexpr std::uint64_t kNow = 1'800'000'000'000;
constexpr const char* kBanner =
    "Last news from headquarters: 9 days ago: bulletins may be out of date";

class SyncHealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto node = mrc::testing::NodeParts::OpenScratch("health");
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(node).value();
    ASSERT_TRUE(node_->users->Add("counsellor", Role::kCounsellor, "counsellor-password").ok());
    ASSERT_TRUE(node_->users->Add("admin", Role::kAdmin, "admin-password").ok());
  }
  void TearDown() override {
    app_.reset();
    node_.reset();
  }

  // An App whose node last heard from headquarters at `last_ms` (0: never).
  void MakeApp(HqNews news, std::uint64_t warn_after_ms = 7 * kDay) {
    news_ = news;
    AppParts parts = node_->Parts();
    parts.hq_news = [this] { return news_; };
    parts.hq_silence_warning_ms = warn_after_ms;
    parts.status = [this]() -> Result<NodeStatus> {
      NodeStatus s;
      s.hq_news = news_;
      sync::PeerLinkStatus link;
      link.address = "10.0.0.2:7400";
      link.direction = "out";
      link.connected = true;
      link.protocol = 1;
      link.software = "mrcnode 0.1.0";
      s.peers.push_back(link);
      s.bundle_centres.push_back({Hash32{}, "MRC Shkoder", kNow - 3 * kDay});
      return s;
    };
    app_ = std::make_unique<App>(parts);
  }

  // The body of GET `target` for `user` (logged in through the JSON API),
  // in the browser's `language`.
  std::string Get(const std::string& user, const std::string& target,
                  const std::string& language = "en") {
    HttpResponse page = mrc::testing::GetAs(*app_, user, user + "-password", target, language);
    EXPECT_EQ(200, page.status) << target;
    return page.body;
  }

  std::unique_ptr<mrc::testing::NodeParts> node_;
  std::unique_ptr<App> app_;
  HqNews news_;
};

TEST_F(SyncHealthTest, EveryPageWarnsOnceHeadquartersIsSilentLongerThanConfigured) {
  MakeApp({false, kNow - 9 * kDay - 1000, kNow});
  for (const char* page : {"/", "/faq", "/bulletins", "/settings"})
    EXPECT_NE(std::string::npos, Get("counsellor", page).find(kBanner)) << page;
  EXPECT_NE(std::string::npos, Get("admin", "/sync").find(kBanner));
}

TEST_F(SyncHealthTest, NoBannerWithinTheTimeOnHeadquartersOrWhenSwitchedOff) {
  MakeApp({false, kNow - 6 * kDay, kNow});
  EXPECT_EQ(std::string::npos, Get("counsellor", "/").find("news from headquarters"));
  MakeApp({true, 0, kNow});
  EXPECT_EQ(std::string::npos, Get("counsellor", "/").find("news from headquarters"));
  MakeApp({false, kNow - 30 * kDay, kNow}, 0);
  EXPECT_EQ(std::string::npos, Get("counsellor", "/").find("news from headquarters"));
  MakeApp({false, 0, kNow});
  EXPECT_NE(std::string::npos, Get("counsellor", "/").find("No news from headquarters yet"));
}

TEST_F(SyncHealthTest, TheBannerIsInTheReadersLanguage) {
  MakeApp({false, kNow - 9 * kDay - 1000, kNow});
  EXPECT_NE(std::string::npos, Get("counsellor", "/", "fr").find("il y a 9 jours")) << "fr";
}

TEST_F(SyncHealthTest, TheSyncPageSaysPeersVersionsAndCentresKnownOnlyByBundle) {
  MakeApp({false, kNow - kDay, kNow});
  std::string page = Get("admin", "/sync");
  EXPECT_NE(std::string::npos, page.find("<td>1 (mrcnode 0.1.0)</td>")) << page;
  EXPECT_NE(std::string::npos, page.find("Centres known only through bundles")) << page;
  EXPECT_NE(std::string::npos, page.find("<td>MRC Shkoder</td>")) << page;
  EXPECT_NE(std::string::npos, page.find("Last news from headquarters: ")) << page;
  EXPECT_EQ(std::string::npos, page.find(kBanner)) << page;
}

TEST_F(SyncHealthTest, TheNewsRecordKeepsTheLatestTimeAndBundlesFromHeadquartersCount) {
  sync::Log* log = node_->log.get();
  EXPECT_EQ(0u, sync::LastHqNews(log).value());
  ASSERT_TRUE(sync::NoteHqNews(log, kNow).ok());
  ASSERT_TRUE(sync::NoteHqNews(log, kNow - kDay).ok());
  EXPECT_EQ(kNow, sync::LastHqNews(log).value());
  // This node holds the root key: a bundle carrying its feed is news.
  Hash32 other;
  other.fill(3);
  ASSERT_TRUE(sync::NoteBundleFeeds(log, {other}, kNow + kDay).ok());
  EXPECT_EQ(kNow, sync::LastHqNews(log).value());
  ASSERT_TRUE(sync::NoteBundleFeeds(log, {log->self(), other}, kNow + 2 * kDay).ok());
  EXPECT_EQ(kNow + 2 * kDay, sync::LastHqNews(log).value());
  // Only members' feeds are kept: `other` was never approved.
  auto feeds = sync::BundleFeeds(log).value();
  ASSERT_EQ(1u, feeds.size());
  EXPECT_EQ(kNow + 2 * kDay, feeds[log->self()]);
}

}  // namespace
}  // namespace mrc::web
