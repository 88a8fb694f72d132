#include "sync/content/doc_service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using nlohmann::json;

class DocServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    node_ = std::make_unique<testing::Node>(tmp_.Sub("db"));
    service_ = std::make_unique<DocService>(node_->log.get());
  }

  json Ok(const Result<std::string>& r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? json::parse(*r) : json();
  }
  // The error code name of a failed call, or "OK".
  std::string Code(const Result<std::string>& r) { return std::string(r.status().CodeName()); }
  std::uint64_t Entries() { return node_->Entries(); }

  static constexpr const char* kFaq =
      R"({"kind":"faq","content":{"question":"How do I get a work permit?","answer":"Ask us.","language":"en"}})";

  testing::TempDir tmp_;
  std::unique_ptr<testing::Node> node_;
  std::unique_ptr<DocService> service_;
};

TEST_F(DocServiceTest, CreateGetUpdateDeleteHistory) {
  json doc = Ok(service_->Create(kFaq));
  std::string id = doc["id"];
  EXPECT_EQ("faq", doc["kind"]);
  EXPECT_EQ(id, doc["version"]);
  EXPECT_EQ("Ask us.", doc["content"]["answer"]);
  EXPECT_EQ(json(Ok(service_->Get(id))), doc);

  json updated = Ok(service_->Update(
      id,
      R"({"content":{"question":"How do I get a work permit?","answer":"Visit a centre.","language":"en"}})"));
  EXPECT_EQ("Visit a centre.", updated["content"]["answer"]);
  EXPECT_EQ(2, updated["versions"]);

  json deleted = Ok(service_->Delete(id, {}));
  EXPECT_TRUE(deleted["deleted"].get<bool>());
  EXPECT_TRUE(deleted["content"].is_null());

  json history = Ok(service_->History(id));
  ASSERT_EQ(3u, history["versions"].size());
  EXPECT_EQ("put", history["versions"][0]["op"]);
  EXPECT_EQ("delete", history["versions"][2]["op"]);
  EXPECT_TRUE(history["versions"][2]["head"].get<bool>());
  EXPECT_EQ(3u, Entries());
}

TEST_F(DocServiceTest, BadRequestsWriteNothing) {
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Create("{not json")));
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Create("[1,2]")));
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Create(R"({"kind":"poem","content":{}})")));
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Create(R"({"kind":"faq"})")));
  EXPECT_EQ("INVALID_ARGUMENT",
            Code(service_->Create(R"({"kind":"faq","content":{"question":"Q"}})")));
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Create(R"({"kind":"faq","content":{},"extra":1})")));
  EXPECT_EQ("INVALID_ARGUMENT",
            Code(service_->Create("{\"kind\":\"faq\",\"content\":{\"question\":\"\xff\"}}")));
  EXPECT_EQ(0u, Entries());
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Get("xyz")));
  EXPECT_EQ("NOT_FOUND", Code(service_->Get(std::string(64, 'a'))));
}

TEST_F(DocServiceTest, StaleBaseIsAConflict) {
  json doc = Ok(service_->Create(kFaq));
  std::string id = doc["id"], v1 = doc["version"];
  std::string edit =
      R"({"content":{"question":"Q2","answer":"A","language":"en"},"base":[")" + v1 + "\"]}";
  Ok(service_->Update(id, edit));
  EXPECT_EQ("CONFLICT", Code(service_->Update(id, edit)));
  EXPECT_EQ(
      "INVALID_ARGUMENT",
      Code(service_->Update(
          id, R"({"kind":"guide","content":{"question":"Q","answer":"A","language":"en"}})")));
  EXPECT_EQ(2u, Entries());
}

TEST_F(DocServiceTest, ConflictNeedsAnExplicitMerge) {
  json doc = Ok(service_->Create(kFaq));
  std::string id = doc["id"];
  // A second node edits the same version concurrently.
  testing::Node other(tmp_.Sub("other"));
  other.log->Ingest(node_->AllEntries()).value();
  DocService remote(other.log.get());
  Ok(remote.Update(id, R"({"content":{"question":"remote","answer":"A","language":"en"}})"));
  Ok(service_->Update(id, R"({"content":{"question":"local","answer":"A","language":"en"}})"));
  node_->log->Ingest(other.AllEntries()).value();
  json now = Ok(service_->Get(id));
  EXPECT_TRUE(now["conflict"].get<bool>());
  EXPECT_EQ("CONFLICT", Code(service_->Update(
                            id, R"({"content":{"question":"x","answer":"A","language":"en"}})")));
  json listed = Ok(service_->List(ListQuery{"", "", 100, false, true}));
  ASSERT_EQ(1u, listed["docs"].size());
  json merge{{"content", {{"question", "merged"}, {"answer", "A"}, {"language", "en"}}},
             {"base", now["heads"]}};
  json merged = Ok(service_->Update(id, merge.dump()));
  EXPECT_FALSE(merged["conflict"].get<bool>());
  EXPECT_EQ("merged", merged["content"]["question"]);
}

TEST_F(DocServiceTest, ListPagesAndFilters) {
  for (int i = 0; i < 5; ++i) Ok(service_->Create(kFaq));
  Ok(service_->Create(
      R"({"kind":"centre","content":{"name":"MRC","location":{"city":"Tirana","country":"AL"}}})"));
  json page = Ok(service_->List(ListQuery{"faq", "", 3, false, false}));
  ASSERT_EQ(3u, page["docs"].size());
  ASSERT_TRUE(page["next"].is_string());
  json rest = Ok(service_->List(ListQuery{"faq", page["next"], 3, false, false}));
  EXPECT_EQ(2u, rest["docs"].size());
  EXPECT_TRUE(rest["next"].is_null());
  EXPECT_EQ(1u, Ok(service_->List(ListQuery{"centre", "", 10, false, false}))["docs"].size());
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->List(ListQuery{"", "", 0, false, false})));
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->List(ListQuery{"nope", "", 10, false, false})));
  json digest = Ok(service_->Digest());
  EXPECT_EQ(6, digest["documents"]);
  EXPECT_EQ(64u, digest["digest"].get<std::string>().size());
}

}  // namespace
}  // namespace mrc::sync
