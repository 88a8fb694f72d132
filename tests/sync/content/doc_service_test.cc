#include "sync/content/doc_service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/foundation/clock.h"
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
// Who signed a version is the server's to say: a client's edited_by gives
// way to the name the request was made under, or to none.
TEST_F(DocServiceTest, EditedByIsSetByTheServerNeverByTheClient) {
  CreateDocRequest create{
      "faq", R"({"question":"Q?","answer":"A.","language":"en","edited_by":"Mallory"})",
      "Amina Haddad"};
  DocView doc = *Ok(service_->Create(create)).doc;
  EXPECT_EQ("Amina Haddad", Content(doc)["edited_by"]);
  UpdateDocRequest anonymous =
      Edit(R"({"question":"Q?","answer":"B.","language":"en","edited_by":"Mallory"})");
  DocView updated = *Ok(service_->Update(doc.id, anonymous)).doc;
  EXPECT_FALSE(Content(updated).contains("edited_by"));
  UpdateDocRequest named = Edit(R"({"question":"Q?","answer":"C.","language":"en"})");
  named.edited_by = "Oleg";
  EXPECT_EQ("Oleg", Content(*Ok(service_->Update(doc.id, named)).doc)["edited_by"]);

  // A proposal records its proposer; accepting records the accepter.
  ProposedChange proposed =
      Ok(service_->Propose(doc.id, R"({"question":"Q?","answer":"D.","language":"en"})", "Fatima"));
  ProposalList proposals = Ok(service_->Proposals(doc.id));
  ASSERT_EQ(1u, proposals.proposals.size());
  EXPECT_EQ("Fatima", json::parse(proposals.proposals[0].content)["edited_by"]);
  DocView accepted = Ok(service_->Accept(doc.id, proposed.proposal, std::nullopt, "Oleg"));
  EXPECT_EQ("D.", Content(accepted)["answer"]);
  EXPECT_EQ("Oleg", Content(accepted)["edited_by"]);

  // The field is checked as any text is.
  EXPECT_EQ("INVALID_ARGUMENT",
            Code(service_->Create({"faq", kFaqContent, std::string(501, 'x')})));
}

// "Reviewed, still correct" on 2027-03-01: today and the reviewer are
// recorded, and an own review date that has come is cleared.
TEST_F(DocServiceTest, MarkReviewedSignsTodayAndTheReviewer) {
  ManualClock clock(1803902400000);  // 2027-03-01T12:00:00Z
  service_->SetClock(&clock);
  DocView doc =
      *Ok(service_->Create({"faq", R"({"question":"Q?","answer":"A.","language":"en",)"
                                   R"("verified_on":"2025-01-01","review_due":"2027-02-01"})"}))
           .doc;
  ASSERT_TRUE(doc.review.has_value());
  EXPECT_TRUE(doc.review->overdue);
  EXPECT_EQ("2027-02-01", doc.review->due);
  EXPECT_TRUE(doc.review->own_due);

  SavedDoc saved = Ok(service_->MarkReviewed(doc.id, "Amina Haddad"));
  ASSERT_TRUE(saved.doc.has_value());
  json c = Content(*saved.doc);
  EXPECT_EQ("2027-03-01", c["verified_on"]);
  EXPECT_EQ("Amina Haddad", c["verified_by"]);
  EXPECT_EQ("Amina Haddad", c["edited_by"]);
  EXPECT_FALSE(c.contains("review_due"));
  EXPECT_EQ("A.", c["answer"]);
  EXPECT_EQ(2u, saved.doc->versions);
  ASSERT_TRUE(saved.doc->review.has_value());
  EXPECT_EQ("2028-03-01", saved.doc->review->due);  // a year, the FAQ interval
  EXPECT_FALSE(saved.doc->review->overdue);

  // A date of its own still ahead stays.
  DocView later = *Ok(service_->Create({"faq", R"({"question":"R?","answer":"A.","language":"en",)"
                                               R"("review_due":"2027-06-01"})"}))
                       .doc;
  json kept = Content(*Ok(service_->MarkReviewed(later.id, "Oleg")).doc);
  EXPECT_EQ("2027-06-01", kept["review_due"]);
}

TEST_F(DocServiceTest, MarkReviewedRefusesWhatItCannotRecord) {
  DocView doc = *Ok(service_->Create(Faq())).doc;
  std::uint64_t before = Entries();
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->MarkReviewed(doc.id, "")));
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->MarkReviewed("nothex", "Oleg")));
  EXPECT_EQ("NOT_FOUND", Code(service_->MarkReviewed(std::string(64, 'a'), "Oleg")));
  DocView bulletin =
      *Ok(service_->Create({"bulletin", R"({"title":"T","body":"B","effective_date":"2027-01-01",)"
                                        R"("urgency":"normal","language":"en"})"}))
           .doc;
  EXPECT_EQ("INVALID_ARGUMENT", Code(service_->MarkReviewed(bulletin.id, "Oleg")));
  EXPECT_FALSE(bulletin.review.has_value());
  ASSERT_TRUE(service_->Delete(doc.id, {}).ok());
  EXPECT_EQ("NOT_FOUND", Code(service_->MarkReviewed(doc.id, "Oleg")));
  EXPECT_EQ(before + 2, Entries());  // the bulletin and the deletion
}

// The intervals come from the source the node sets (headquarters' setting).
TEST_F(DocServiceTest, ReviewDatesFollowTheIntervalsSource) {
  ManualClock clock(1803902400000);  // 2027-03-01T12:00:00Z
  service_->SetClock(&clock);
  service_->SetReviewIntervals([] {
    ReviewIntervals r;
    r.faq = 1;
    return r;
  });
  DocView doc = *Ok(service_->Create({"faq", R"({"question":"Q?","answer":"A.","language":"en",)"
                                             R"("verified_on":"2027-01-15"})"}))
                     .doc;
  ASSERT_TRUE(doc.review.has_value());
  EXPECT_EQ("2027-02-15", doc.review->due);
  EXPECT_TRUE(doc.review->overdue);
}

}  // namespace mrc::sync
