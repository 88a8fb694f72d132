#include "sync/content/translation.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sync/content/content.h"
#include "sync/content/doc_service.h"
#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using nlohmann::json;

class TranslationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    node_ = std::make_unique<testing::Node>(tmp_.Sub("db"));
    docs_ = std::make_unique<DocService>(node_->log.get());
  }

  static json Faq(const std::string& answer, const std::string& lang) {
    return {{"question", "Q " + lang}, {"answer", answer}, {"language", lang}};
  }
  std::string Create(const json& content) {
    auto saved = docs_->Create({"faq", content.dump()});
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return saved.ok() ? saved->version : "";
  }
  std::string Update(const std::string& id, const json& content,
                     std::vector<std::string> base = {}) {
    auto saved = docs_->Update(id, UpdateDocRequest{content.dump(), std::move(base), {}, {}});
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return saved.ok() ? saved->version : "";
  }
  // A translation of `source` into French, completed as a write would be.
  json French(const std::string& source, const std::string& answer = "Réponse") {
    json t = Faq(answer, "fr");
    t["translation_of"] = source;
    Status s = CompleteTranslation(*node_->log, Kind::kFaq, nullptr, &t);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return t;
  }
  TranslationState State(const json& translation) {
    auto t = TranslationOf(*node_->log, Kind::kFaq, translation);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() && *t ? **t : TranslationState{};
  }

  testing::TempDir tmp_;
  std::unique_ptr<testing::Node> node_;
  std::unique_ptr<DocService> docs_;
};

TEST_F(TranslationTest, BothFieldsOrNeither) {
  std::string id(64, 'a');
  json t = Faq("x", "fr");
  t["translation_of"] = id;
  EXPECT_FALSE(ValidateContent(Kind::kFaq, t).ok());
  EXPECT_FALSE(QuickAccept(Kind::kFaq, t.dump()));
  t["source_version"] = id;
  EXPECT_TRUE(ValidateContent(Kind::kFaq, t).ok());
  EXPECT_TRUE(QuickAccept(Kind::kFaq, t.dump()));
  t.erase("translation_of");
  EXPECT_FALSE(ValidateContent(Kind::kFaq, t).ok());
  EXPECT_FALSE(QuickAccept(Kind::kFaq, t.dump()));
  t["translation_of"] = "ABC";
  EXPECT_FALSE(ValidateContent(Kind::kFaq, t).ok());
  EXPECT_EQ(std::nullopt, *TranslationOf(*node_->log, Kind::kFaq, Faq("x", "en")));
}

TEST_F(TranslationTest, CurrentThenStaleThenCurrentAgain) {
  std::string source = Create(Faq("Answer one", "en"));
  json fr = French(source);
  EXPECT_EQ(source, fr["source_version"]);  // filled with the source's current version
  std::string fr_id = Create(fr);
  TranslationState s = State(fr);
  EXPECT_FALSE(s.stale);
  EXPECT_EQ("en", s.source_language);
  EXPECT_EQ(source, s.source_current);

  std::string v2 = Update(source, Faq("Answer two", "en"));
  s = State(fr);
  EXPECT_TRUE(s.stale);
  EXPECT_EQ(v2, s.source_current);
  ASSERT_TRUE(s.source_then && s.source_now);
  EXPECT_EQ("Answer one", json::parse(*s.source_then)["answer"]);
  EXPECT_EQ("Answer two", json::parse(*s.source_now)["answer"]);

  // Updating the translation to the source's version makes it current.
  fr["source_version"] = v2;
  ASSERT_TRUE(CompleteTranslation(*node_->log, Kind::kFaq, nullptr, &fr).ok());
  Update(fr_id, fr);
  EXPECT_FALSE(State(fr).stale);
}

TEST_F(TranslationTest, ASourceInConflictMakesItsTranslationsStale) {
  std::string source = Create(Faq("Answer one", "en"));
  json fr = French(source);
  testing::Node other(tmp_.Sub("other"));
  ASSERT_TRUE(other.log->Ingest(node_->AllEntries()).ok());
  DocService remote(other.log.get());
  ASSERT_TRUE(remote.Update(source, {Faq("remote", "en").dump(), {}, {}, {}}).ok());
  std::string local = Update(source, Faq("local", "en"));
  ASSERT_TRUE(node_->log->Ingest(other.AllEntries()).ok());
  TranslationState s = State(fr);
  EXPECT_TRUE(s.source_conflict);
  EXPECT_TRUE(s.stale);

  // Named after one head of the conflict: still stale, the other head's
  // change is not in it.
  fr["source_version"] = local;
  EXPECT_TRUE(State(fr).stale);
  auto doc = docs_->Get(source);
  ASSERT_TRUE(doc.ok());
  std::string merged = Update(source, Faq("merged", "en"), doc->heads);
  fr["source_version"] = merged;
  EXPECT_FALSE(State(fr).stale);
}

TEST_F(TranslationTest, MissingDeletedAndWrongSourcesAreRefusedOrShown) {
  std::string source = Create(Faq("Answer", "en"));
  json fr = Faq("Réponse", "fr");
  fr["translation_of"] = std::string(64, 'b');
  EXPECT_FALSE(CompleteTranslation(*node_->log, Kind::kFaq, nullptr, &fr).ok());
  fr["translation_of"] = source;
  fr["source_version"] = std::string(64, 'c');
  EXPECT_FALSE(CompleteTranslation(*node_->log, Kind::kFaq, nullptr, &fr).ok());
  // Not of the same kind.
  fr.erase("source_version");
  EXPECT_FALSE(CompleteTranslation(*node_->log, Kind::kGuide, nullptr, &fr).ok());
  // Not itself.
  Hash32 self = *ParseHexId(source, "id");
  EXPECT_FALSE(CompleteTranslation(*node_->log, Kind::kFaq, &self, &fr).ok());

  // A translation whose source is not held here (yet) shows as such.
  json orphan = Faq("Réponse", "fr");
  orphan["translation_of"] = std::string(64, 'd');
  orphan["source_version"] = std::string(64, 'e');
  TranslationState s = State(orphan);
  EXPECT_TRUE(s.source_missing);
  EXPECT_TRUE(s.stale);

  json ok = French(source);
  ASSERT_TRUE(docs_->Delete(source, {}).ok());
  s = State(ok);
  EXPECT_TRUE(s.source_deleted);
  EXPECT_TRUE(s.stale);
  EXPECT_EQ("", s.source_current);
  json late = Faq("Réponse", "fr");
  late["translation_of"] = source;
  EXPECT_FALSE(CompleteTranslation(*node_->log, Kind::kFaq, nullptr, &late).ok());
}

}  // namespace
}  // namespace mrc::sync
