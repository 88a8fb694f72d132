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

  template <typename T>
  T Ok(const Result<T>& r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : T();
  }
  // The error code name of a failed call, or "OK".
  template <typename T>
  std::string Code(const Result<T>& r) {
    return std::string(r.status().CodeName());
  }
  std::uint64_t Entries() { return node_->Entries(); }
  static json Content(const DocView& d) { return d.content ? json::parse(*d.content) : json(); }
  static UpdateDocRequest Edit(std::string content, std::vector<std::string> base = {}) {
    return UpdateDocRequest{std::move(content), std::move(base), {}, {}};
  }

  static constexpr const char* kFaqContent =
      R"({"question":"How do I get a work permit?","answer":"Ask us.","language":"en"})";
  static CreateDocRequest Faq() { return {"faq", kFaqContent}; }

  testing::TempDir tmp_;
  std::unique_ptr<testing::Node> node_;
  std::unique_ptr<DocService> service_;
};

TEST_F(DocServiceTest, CreateGetUpdateDeleteHistory) {
  DocView doc = *Ok(service_->Create(Faq())).doc;
  std::string id = doc.id;
  EXPECT_EQ("faq", doc.kind);
  EXPECT_EQ(id, doc.version);
  EXPECT_EQ("Ask us.", Content(doc)["answer"]);
  DocView got = Ok(service_->Get(id));
  EXPECT_EQ(doc.content, got.content);
  EXPECT_EQ(doc.heads, got.heads);
  EXPECT_EQ(doc.updated_at, got.updated_at);

  DocView updated =
      *Ok(service_->Update(
              id,
              Edit(
                  R"({"question":"How do I get a work permit?","answer":"Visit a centre.","language":"en"})")))
           .doc;
  EXPECT_EQ("Visit a centre.", Content(updated)["answer"]);
  EXPECT_EQ(2u, updated.versions);

  DocView deleted = Ok(service_->Delete(id, {}));
  EXPECT_TRUE(deleted.deleted);
  EXPECT_FALSE(deleted.content.has_value());

  HistoryView history = Ok(service_->History(id));
  ASSERT_EQ(3u, history.versions.size());
  EXPECT_EQ("put", history.versions[0].op);
  EXPECT_EQ("delete", history.versions[2].op);
  EXPECT_TRUE(history.versions[2].head);
  EXPECT_EQ(3u, Entries());
}

TEST_F(DocServiceTest, BadRequestsWriteNothing) {
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Create({"faq", "{not json"})));
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Create({"faq", "[1,2]"})));
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Create({"poem", "{}"})));
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Create({"faq", std::nullopt})));
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Create({std::nullopt, kFaqContent})));
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Create({"faq", R"({"question":"Q"})"})));
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Create({"faq", "{\"question\":\"\xff\"}"})));
  EXPECT_EQ(0u, Entries());
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Get("xyz")));
  EXPECT_EQ("NOT_FOUND", Code(service_->Get(std::string(64, 'a'))));
}

TEST_F(DocServiceTest, StaleBaseIsAConflict) {
  DocView doc = *Ok(service_->Create(Faq())).doc;
  std::string id = doc.id, v1 = doc.version;
  auto edit = Edit(R"({"question":"Q2","answer":"A","language":"en"})", {v1});
  Ok(service_->Update(id, edit));
  EXPECT_EQ("CONFLICT", Code(service_->Update(id, edit)));
  UpdateDocRequest other_kind = Edit(R"({"question":"Q","answer":"A","language":"en"})");
  other_kind.kind = "guide";
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->Update(id, other_kind)));
  EXPECT_EQ(2u, Entries());
}

TEST_F(DocServiceTest, ConflictNeedsAnExplicitMerge) {
  std::string id = Ok(service_->Create(Faq())).id;
  // A second node edits the same version concurrently.
  testing::Node other(tmp_.Sub("other"));
  other.log->Ingest(node_->AllEntries()).value();
  DocService remote(other.log.get());
  Ok(remote.Update(id, Edit(R"({"question":"remote","answer":"A","language":"en"})")));
  Ok(service_->Update(id, Edit(R"({"question":"local","answer":"A","language":"en"})")));
  node_->log->Ingest(other.AllEntries()).value();
  DocView now = Ok(service_->Get(id));
  EXPECT_TRUE(now.conflict);
  EXPECT_EQ("CONFLICT",
            Code(service_->Update(id, Edit(R"({"question":"x","answer":"A","language":"en"})"))));
  DocList listed = Ok(service_->List(ListQuery{"", "", 100, false, true}));
  ASSERT_EQ(1u, listed.docs.size());
  DocView merged =
      *Ok(service_->Update(
              id, Edit(R"({"question":"merged","answer":"A","language":"en"})", now.heads)))
           .doc;
  EXPECT_FALSE(merged.conflict);
  EXPECT_EQ("merged", Content(merged)["question"]);
}

TEST_F(DocServiceTest, ListPagesAndFilters) {
  for (int i = 0; i < 5; ++i) Ok(service_->Create(Faq()));
  Ok(service_->Create({"centre", R"({"name":"MRC","location":{"city":"Tirana","country":"AL"}})"}));
  DocList page = Ok(service_->List(ListQuery{"faq", "", 3, false, false}));
  ASSERT_EQ(3u, page.docs.size());
  ASSERT_TRUE(page.next.has_value());
  DocList rest = Ok(service_->List(ListQuery{"faq", *page.next, 3, false, false}));
  EXPECT_EQ(2u, rest.docs.size());
  EXPECT_FALSE(rest.next.has_value());
  EXPECT_EQ(1u, Ok(service_->List(ListQuery{"centre", "", 10, false, false})).docs.size());
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->List(ListQuery{"", "", 0, false, false})));
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->List(ListQuery{"nope", "", 10, false, false})));
  DigestInfo digest = Ok(service_->Digest());
  EXPECT_EQ(6u, digest.documents);
  EXPECT_EQ(64u, ToHex(digest.digest).size());
}

}  // namespace
}  // namespace mrc::sync
