// Translations as editors and readers see them: the grid of documents by
// language (GET /translations) and the notice on a translation whose
// source moved on, over a real store.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "sync/content/translation.h"
#include "tests/support/node_parts.h"

namespace mrc::web {
namespace {

using json = nlohmann::json;

class TranslationsPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto node = mrc::testing::NodeParts::OpenScratch("tr");
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(node).value();
    ASSERT_TRUE(node_->users->Add("editor", Role::kEditor, "editor-password").ok());
    ASSERT_TRUE(node_->users->Add("counsellor", Role::kCounsellor, "counsellor-password").ok());
  }

  static json Faq(const std::string& question, const std::string& answer, const std::string& lang) {
    return {{"question", question}, {"answer", answer}, {"language", lang}};
  }
  std::string Create(json content) {
    EXPECT_TRUE(sync::CompleteTranslation(*node_->log, sync::Kind::kFaq, nullptr, &content).ok());
    auto saved = node_->docs->Create({"faq", content.dump()});
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return saved.ok() ? saved->id : "";
  }
  HttpResponse Get(const std::string& user, const std::string& target) {
    return mrc::testing::GetAs(*node_->app, user, user + "-password", target);
  }

  std::unique_ptr<mrc::testing::NodeParts> node_;
};

TEST_F(TranslationsPageTest, TheGridShowsCurrentStaleAndMissing) {
  std::string source = Create(Faq("How do I renew my permit?", "At the office.", "en"));
  json fr = Faq("Comment renouveler mon titre ?", "Au bureau.", "fr");
  fr["translation_of"] = source;
  Create(fr);
  json ar = Faq("كيف أجدد تصريحي؟", "في المكتب.", "ar");
  ar["translation_of"] = source;
  Create(ar);
  Create(Faq("Où est le centre ?", "Rue de la Paix.", "fr"));  // a source of its own

  HttpResponse page = Get("editor", "/translations");
  ASSERT_EQ(200, page.status) << page.body;
  EXPECT_NE(std::string::npos, page.body.find("2 documents; 0 translations out of date, 2 missing"))
      << page.body;
  EXPECT_EQ(2u, [&] {
    std::size_t n = 0;
    for (auto at = page.body.find("tr-current"); at != std::string::npos;
         at = page.body.find("tr-current", at + 1))
      ++n;
    return n;
  }());

  // The source changes: both translations are out of date.
  ASSERT_TRUE(
      node_->docs
          ->Update(source,
                   {Faq("How do I renew my permit?", "Online now.", "en").dump(), {}, {}, {}})
          .ok());
  page = Get("editor", "/translations?kind=faq");
  EXPECT_NE(std::string::npos, page.body.find("2 documents; 2 translations out of date, 2 missing"))
      << page.body;
  EXPECT_NE(std::string::npos, page.body.find("tr-stale"));
}

TEST_F(TranslationsPageTest, ATranslationsPageSaysWhenItsSourceMovedOnAndWhatChanged) {
  std::string source = Create(Faq("How do I renew my permit?", "At the office.", "en"));
  json fr = Faq("Comment renouveler mon titre ?", "Au bureau.", "fr");
  fr["translation_of"] = source;
  std::string fr_id = Create(fr);
  HttpResponse page = Get("counsellor", "/docs/" + fr_id);
  ASSERT_EQ(200, page.status);
  EXPECT_NE(std::string::npos, page.body.find("translation current")) << page.body;
  EXPECT_NE(std::string::npos, page.body.find("/docs/" + fr_id + "/handout"));

  ASSERT_TRUE(
      node_->docs
          ->Update(source,
                   {Faq("How do I renew my permit?", "Online now.", "en").dump(), {}, {}, {}})
          .ok());
  page = Get("counsellor", "/docs/" + fr_id);
  EXPECT_NE(std::string::npos, page.body.find("translation stale")) << page.body;
  EXPECT_NE(std::string::npos, page.body.find("<del>- ")) << page.body;
  EXPECT_NE(std::string::npos, page.body.find("Online now.")) << page.body;

  HttpResponse api = Get("counsellor", "/api/v1/docs/" + fr_id);
  ASSERT_EQ(200, api.status) << api.body;
  json t = json::parse(api.body)["translation"];
  EXPECT_EQ(source, t["of"]);
  EXPECT_EQ(source, t["source_version"]);
  EXPECT_TRUE(t["stale"].get<bool>());
  EXPECT_EQ("en", t["source_language"]);
  EXPECT_FALSE(
      json::parse(Get("counsellor", "/api/v1/docs/" + source).body).contains("translation"));
}

TEST_F(TranslationsPageTest, EditorsOnlyAndKnownKindsOnly) {
  EXPECT_EQ(403, Get("counsellor", "/translations").status);
  EXPECT_EQ(400, Get("editor", "/translations?kind=centre").status);
  HttpResponse guides = Get("editor", "/translations?kind=guide&country=DE");
  EXPECT_EQ(200, guides.status);
  EXPECT_NE(std::string::npos, guides.body.find("No documents of this kind yet."));
}

}  // namespace
}  // namespace mrc::web
