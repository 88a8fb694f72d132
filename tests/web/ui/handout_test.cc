// Handouts for clients: a document, or chosen topics of a guide, as a page
// to print, in the document's language, with this centre's details, the
// verification and the date to check for changes after.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/node_parts.h"

namespace mrc::web {
namespace {

using json = nlohmann::json;

class HandoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto node = mrc::testing::NodeParts::OpenScratch("handout");
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(node).value();
    ASSERT_TRUE(node_->users->Add("counsellor", Role::kCounsellor, "counsellor-password").ok());
    Create("centre", {{"name", "MRC Tirana"},
                      {"location",
                       {{"address", "Rruga e Durresit 12"}, {"city", "Tirana"}, {"country", "AL"}}},
                      {"contact", {{"phone", "+355 4 222 333"}}},
                      {"hours", "Mon-Fri 9:00-16:00"}});
  }

  std::string Create(const std::string& kind, const json& content) {
    auto saved = node_->docs->Create({kind, content.dump()});
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return saved.ok() ? saved->id : "";
  }
  HttpResponse Get(const std::string& target) {
    return mrc::testing::GetAs(*node_->app, "counsellor", "counsellor-password", target);
  }
  static std::size_t Count(const std::string& body, const std::string& what) {
    std::size_t n = 0;
    for (auto at = body.find(what); at != std::string::npos; at = body.find(what, at + 1)) ++n;
    return n;
  }

  std::unique_ptr<mrc::testing::NodeParts> node_;
};

TEST_F(HandoutTest, AFaqInArabicIsAnArabicPageWithTheCentreAndTheDates) {
  std::string id = Create("faq", {{"question", "كيف أجدد تصريح الإقامة؟"},
                                  {"answer", "قدّم الطلب قبل انتهاء التصريح بشهرين."},
                                  {"language", "ar"},
                                  {"verified_on", "2099-01-10"},
                                  {"verified_by", "Amal Haddad"},
                                  {"review_due", "2099-04-10"}});
  HttpResponse page = Get("/docs/" + id + "/handout");
  ASSERT_EQ(200, page.status) << page.body;
  EXPECT_NE(std::string::npos, page.body.find("<html lang=\"ar\" dir=\"rtl\""));
  EXPECT_NE(std::string::npos, page.body.find("كيف أجدد تصريح الإقامة؟"));
  EXPECT_NE(std::string::npos, page.body.find("MRC Tirana"));
  EXPECT_NE(std::string::npos, page.body.find("Rruga e Durresit 12"));
  EXPECT_NE(std::string::npos, page.body.find("Mon-Fri 9:00-16:00"));
  EXPECT_NE(std::string::npos, page.body.find("تحقق منه Amal Haddad في 2099-01-10"));
  // Checked again by its own review date.
  EXPECT_NE(std::string::npos, page.body.find("تحقق من التغييرات بعد 2099-04-10"));
  EXPECT_NE(std::string::npos, page.body.find("data-print"));
}

TEST_F(HandoutTest, AGuideHandoutHoldsTheChosenTopicsInTheChosenLanguage) {
  auto section = [&](const char* topic, const char* lang, const char* body) {
    Create("guide", {{"country", "DE"}, {"topic", topic}, {"language", lang}, {"body", body}});
  };
  section("study", "en", "Universities charge no tuition.");
  section("visas-and-embassy", "en", "Apply at the embassy.");
  section("study", "fr", "Les universités sont gratuites.");
  ASSERT_TRUE(node_->search->CatchUp().ok());

  HttpResponse page = Get("/guides/DE/handout?language=en&topic.study=on");
  ASSERT_EQ(200, page.status) << page.body;
  EXPECT_NE(std::string::npos, page.body.find("Universities charge no tuition."));
  EXPECT_EQ(std::string::npos, page.body.find("Apply at the embassy."));
  EXPECT_EQ(std::string::npos, page.body.find("Les universités"));
  EXPECT_NE(std::string::npos, page.body.find("name=\"topic.study\" checked"));

  page = Get("/guides/de/handout?language=fr");
  ASSERT_EQ(200, page.status);
  EXPECT_NE(std::string::npos, page.body.find("<html lang=\"fr\""));
  EXPECT_NE(std::string::npos, page.body.find("Les universités sont gratuites."));
  EXPECT_EQ(1u, Count(page.body, "<section"));
  EXPECT_NE(std::string::npos, page.body.find("du nouveau après le"));
}

TEST_F(HandoutTest, BadRequestsAreClearErrors) {
  EXPECT_EQ(400, Get("/guides/DE/handout?topic.nonsense=on").status);
  EXPECT_EQ(404, Get("/guides/XX/handout").status);
  EXPECT_EQ(404, Get("/docs/" + std::string(64, 'a') + "/handout").status);
  EXPECT_EQ(404, Get("/docs/not-an-id/handout").status);
  auto centres = node_->docs->List({"centre", "", 10, false, false});
  ASSERT_TRUE(centres.ok());
  ASSERT_EQ(1u, centres->docs.size());
  EXPECT_EQ(404, Get("/docs/" + centres->docs[0].id + "/handout").status);
}

}  // namespace
}  // namespace mrc::web
