// Problem reports as every node applies them: any member reports, only the
// document's owner or headquarters replies, a reply that arrives first
// waits for its report, a later edit closes a report, and the state is the
// same after a rebuild and in any arrival order. The multi-process version,
// through a relay over TCP, is in tests/e2e/report_test.cc.
#include "sync/reports/report.h"

#include <gtest/gtest.h>

#include "sync/reports/report_service.h"
#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using testing::Forge;
using testing::Node;
using testing::TempDir;
using testing::TestRoot;

// Everything `from` holds, ingested by `to`.
void Sync(Node& from, Node& to) { ASSERT_TRUE(to.log->Ingest(from.AllEntries()).ok()); }

std::string Payload(std::string_view category, std::string_view note, std::string_view by) {
  return reports::ReportPayload(reports::ReportBody{[&] {
                                                      reports::Category c{};
                                                      EXPECT_TRUE(
                                                          reports::ParseCategory(category, &c));
                                                      return c;
                                                    }(),
                                                    std::string(note), std::string(by)})
      .value();
}

class ReportTest : public ::testing::Test {
 protected:
  // A owns an FAQ entry; B and C are other centres; all hold it.
  void SetUp() override {
    a = Node::Centre(tmp.Sub("a"));
    b = Node::Centre(tmp.Sub("b"));
    c = Node::Centre(tmp.Sub("c"));
    doc = a->log->Append({testing::NewFaq("How do I renew a permit?")}).value().front();
    Sync(*a, *b);
    Sync(*a, *c);
  }
  std::string Doc() const { return ToHex(doc); }
  // B reports; its id.
  Hash32 ReportAtB(std::string_view category = "outdated") {
    ReportService s(b->log.get());
    auto r = s.Report(Doc(), "", category, "The fee changed in March.", "Amira Haddad");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return *Hash32FromHex(r->id);
  }
  ReportView View(Node& n, const Hash32& report) {
    auto v = ReportService(n.log.get()).Get(ToHex(report));
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : ReportView{};
  }

  TempDir tmp;
  std::unique_ptr<Node> a, b, c;
  Hash32 doc{};
};

TEST(ReportPayloadTest, ChecksEveryField) {
  EXPECT_TRUE(reports::ParseReport(R"({"category":"wrong","note":"","by":"Ana"})").ok());
  EXPECT_TRUE(reports::ParseReport(R"({"category":"broken-link","by":"Ana"})").ok());
  auto bad = [](std::string_view payload) { return reports::ParseReport(payload).status(); };
  EXPECT_EQ("category: must be outdated, wrong, unclear or broken-link",
            bad(R"({"category":"rude","by":"Ana"})").message());
  EXPECT_EQ("by: is required", bad(R"({"category":"wrong"})").message());
  EXPECT_EQ("by: is required", bad(R"({"category":"wrong","by":""})").message());
  EXPECT_EQ("x: unknown field in a report",
            bad(R"({"category":"wrong","by":"A","x":1})").message());
  EXPECT_EQ("a report is not a JSON object", bad("[1]").message());
  EXPECT_EQ("note: must be a string", bad(R"({"category":"wrong","by":"A","note":3})").message());
  std::string long_note(reports::kMaxNoteBytes + 1, 'x');
  EXPECT_EQ("note: must be at most 2000 bytes",
            bad(R"({"category":"wrong","by":"A","note":")" + long_note + "\"}").message());
  EXPECT_FALSE(bad(R"({"category":"wrong","by":"A","note":"bell \u0007"})").ok());
  EXPECT_TRUE(reports::ParseReport(R"({"category":"wrong","by":"A","note":"a\tb\nc"})").ok());
  EXPECT_FALSE(
      reports::ParseReport(R"({"category":"wrong","by":")" + std::string(101, 'n') + "\"}").ok());

  EXPECT_TRUE(reports::ParseReply(R"({"reply":"","close":true,"by":"Ana"})").ok());
  EXPECT_EQ("reply: is required",
            reports::ParseReply(R"({"reply":"","close":false,"by":"Ana"})").status().message());
  EXPECT_EQ("close: is required (true or false)",
            reports::ParseReply(R"({"reply":"ok","by":"Ana"})").status().message());
  EXPECT_EQ("close: is required (true or false)",
            reports::ParseReply(R"({"reply":"ok","close":"yes","by":"Ana"})").status().message());
}

TEST_F(ReportTest, ReachesTheOwnerWhoClosesItByAReply) {
  Hash32 report = ReportAtB("wrong");
  Sync(*b, *a);
  ReportService at_a(a->log.get());
  auto list = at_a.ListForOwner(ReportQuery{}).value();
  ASSERT_EQ(1u, list.reports.size());
  EXPECT_EQ(ToHex(report), list.reports[0].id);
  EXPECT_EQ("open", list.reports[0].status);
  EXPECT_EQ("wrong", list.reports[0].category);
  EXPECT_EQ("Amira Haddad", list.reports[0].by);
  EXPECT_EQ(ToHex(b->log->self()), list.reports[0].centre.key);
  EXPECT_TRUE(list.reports[0].can_reply);
  EXPECT_EQ(1u, list.categories["wrong"]);
  ASSERT_EQ(1u, list.documents.size());
  EXPECT_EQ(1u, list.documents[0].open);
  // B owns nothing: its list is empty, but the document's list has it.
  EXPECT_EQ(0u, ReportService(b->log.get()).ListForOwner(ReportQuery{}).value().total);
  EXPECT_EQ(1u, ReportService(b->log.get()).ListForDocument(Doc(), ReportQuery{}).value().total);

  auto replied = at_a.Reply(ToHex(report), "Fixed, thank you.", true, "Lena Owner");
  ASSERT_TRUE(replied.ok()) << replied.status().ToString();
  EXPECT_EQ("closed", replied->status);
  EXPECT_EQ("reply", replied->closed_by.value_or(""));
  Sync(*a, *b);
  ReportView at_b = View(*b, report);
  EXPECT_EQ("closed", at_b.status);
  ASSERT_EQ(1u, at_b.replies.size());
  EXPECT_EQ("Lena Owner", at_b.replies[0].by);
  EXPECT_EQ("Fixed, thank you.", at_b.replies[0].text);
  EXPECT_FALSE(at_b.can_reply);
  ReportQuery closed;
  closed.status = "closed";
  EXPECT_EQ(1u, at_a.ListForOwner(closed).value().total);
  EXPECT_EQ(0u, at_a.ListForOwner(ReportQuery{}).value().total);
  EXPECT_EQ(a->DigestHex(), b->DigestHex());
}

TEST_F(ReportTest, OnlyTheOwnerOrHeadquartersReplies) {
  Hash32 report = ReportAtB();
  Sync(*b, *c);
  Sync(*b, *a);
  // C's own service refuses to sign it.
  auto refused = ReportService(c->log.get()).Reply(ToHex(report), "Not mine.", true, "Carl");
  EXPECT_EQ(Status::Code::kPermissionDenied, refused.status().code());
  // A modified node signs it anyway: every node rejects it, with the reason.
  Hash32 forged;
  Forge(*c, Kind::kReport, Op::kPut, doc, {report},
        reports::ReplyPayload({"Closing it.", true, "Carl"}).value(), &forged);
  Sync(*c, *a);
  Sync(*c, *b);
  for (Node* n : {a.get(), b.get(), c.get()}) {
    auto why = n->log->RejectReason(forged);
    ASSERT_TRUE(why.ok());
    EXPECT_NE(std::string::npos, why->find("not-authorised")) << *why;
    EXPECT_NE(std::string::npos, why->find("only the document's owner")) << *why;
    EXPECT_EQ("open", View(*n, report).status);
  }
  // Headquarters may.
  Node hq(tmp.Sub("hq"));
  Sync(*a, hq);
  Sync(*b, hq);
  auto by_hq = ReportService(hq.log.get()).Reply(ToHex(report), "Checked.", false, "Head Office");
  ASSERT_TRUE(by_hq.ok()) << by_hq.status().ToString();
  EXPECT_EQ("open", by_hq->status);
  EXPECT_EQ(1u, by_hq->replies.size());
}

TEST_F(ReportTest, AReplyArrivingFirstWaitsForItsReport) {
  Hash32 report = ReportAtB();
  Sync(*b, *a);
  ASSERT_TRUE(ReportService(a->log.get()).Reply(ToHex(report), "Done.", true, "Lena").ok());
  // D hears A's feed (the document and the reply) before B's report.
  auto d = Node::Observe(tmp.Sub("d"));
  ASSERT_TRUE(d->log->Ingest(TestRoot::Get().feed()).ok());
  ASSERT_TRUE(d->log->Ingest(a->log->ReadFeed(a->log->self(), 1, SIZE_MAX).value()).ok());
  EXPECT_EQ(1u, d->log->Digest().value().pending);
  EXPECT_EQ(Status::Code::kNotFound,
            ReportService(d->log.get()).Get(ToHex(report)).status().code());
  ASSERT_TRUE(d->log->Ingest(b->log->ReadFeed(b->log->self(), 1, SIZE_MAX).value()).ok());
  EXPECT_EQ(0u, d->log->Digest().value().pending);
  EXPECT_EQ("closed", View(*d, report).status);
  EXPECT_EQ(a->DigestHex(), d->DigestHex());
}

TEST_F(ReportTest, ALaterEditClosesIt) {
  // A report made on an old version after the edit stays open; one made
  // before the edit is closed by it.
  Hash32 report = ReportAtB("unclear");
  Sync(*b, *a);
  auto edit =
      a->log->Append({testing::EditFaq(doc, {doc}, "How do I renew a residence permit?")}).value();
  ReportView v = View(*a, report);
  EXPECT_EQ("closed", v.status);
  EXPECT_EQ("edit", v.closed_by.value_or(""));
  EXPECT_EQ(ToHex(edit.front()), v.closed_with.value_or(""));
  Sync(*a, *b);
  EXPECT_EQ("closed", View(*b, report).status);
  auto late = ReportService(b->log.get()).Report(Doc(), ToHex(doc), "outdated", "", "Amira");
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  EXPECT_EQ("open", late->status);
  // An edit by another centre is not the owner's: it is refused, and
  // closes nothing.
  EXPECT_FALSE(c->log->Append({testing::EditFaq(doc, {doc}, "Hijacked")}).ok());
}

TEST_F(ReportTest, RefusesBadRequestsAndBadEntries) {
  ReportService s(b->log.get());
  EXPECT_EQ(Status::Code::kInvalidArgument,
            s.Report(Doc(), "", "rude", "", "Amira").status().code());
  EXPECT_EQ(Status::Code::kInvalidArgument, s.Report(Doc(), "", "wrong", "", "").status().code());
  EXPECT_EQ(Status::Code::kNotFound,
            s.Report(std::string(64, 'a'), "", "wrong", "", "Amira").status().code());
  EXPECT_EQ(Status::Code::kInvalidArgument,
            s.Report(Doc(), std::string(64, 'b'), "wrong", "", "Amira").status().code());
  EXPECT_EQ(Status::Code::kInvalidArgument, s.Report("xyz", "", "wrong", "", "A").status().code());
  ReportQuery q;
  q.status = "maybe";
  EXPECT_EQ(Status::Code::kInvalidArgument, s.ListForOwner(q).status().code());
  q.status = "all";
  q.limit = 0;
  EXPECT_EQ(Status::Code::kInvalidArgument, s.ListForOwner(q).status().code());

  // A report naming a version of another document, or a reply naming a
  // version instead of a report, is rejected on every node.
  Hash32 other = a->log->Append({testing::NewFaq("Another one")}).value().front();
  Sync(*a, *c);
  Hash32 cross, stray;
  Forge(*c, Kind::kReport, Op::kPut, doc, {other}, Payload("wrong", "", "Carl"), &cross);
  Forge(*c, Kind::kReport, Op::kPut, other, {other},
        reports::ReplyPayload({"x", true, "Carl"}).value(), &stray);
  EXPECT_NE(std::string::npos, c->log->RejectReason(cross).value().find("bad-parent"));
  EXPECT_NE(std::string::npos, c->log->RejectReason(stray).value().find("bad-parent"));
  // An invalid payload is rejected on every node, the reason kept.
  Hash32 bad;
  Forge(*c, Kind::kReport, Op::kPut, doc, {doc}, R"({"category":"nonsense","by":"x"})", &bad);
  std::string why = c->log->RejectReason(bad).value();
  EXPECT_EQ(0u, why.find("invalid-content")) << why;
  EXPECT_NE(std::string::npos, why.find("category: must be outdated")) << why;
}

TEST_F(ReportTest, SameStateAfterARebuildAndInAnyOrder) {
  Hash32 r1 = ReportAtB("outdated");
  Hash32 r2 = ReportAtB("broken-link");
  Sync(*b, *a);
  ASSERT_TRUE(ReportService(a->log.get()).Reply(ToHex(r1), "Done.", true, "Lena").ok());
  Sync(*b, *c);
  Forge(*c, Kind::kReport, Op::kPut, doc, {r2}, reports::ReplyPayload({"No.", true, "C"}).value());
  Sync(*a, *c);
  Sync(*b, *c);
  Sync(*c, *a);
  auto before = ReportService(a->log.get()).ListForDocument(Doc(), ReportQuery{"all"}).value();
  std::string digest = a->DigestHex();
  // Approving B again (it has entries) makes every node recompute every effect.
  TestRoot::Get().Approve(b->log->self(), {"centre"});
  TestRoot::Get().Broadcast();
  auto after = ReportService(a->log.get()).ListForDocument(Doc(), ReportQuery{"all"}).value();
  ASSERT_EQ(2u, after.total);
  EXPECT_EQ(1u, after.open);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(before.reports[i].id, after.reports[i].id);
    EXPECT_EQ(before.reports[i].status, after.reports[i].status);
    EXPECT_EQ(before.reports[i].replies.size(), after.reports[i].replies.size());
  }
  EXPECT_NE(digest, a->DigestHex()) << "the approval is a new entry";
  // A node receiving everything in reverse order ends in the same state.
  auto d = Node::Observe(tmp.Sub("d"));
  ASSERT_TRUE(d->log->Ingest(TestRoot::Get().feed()).ok());
  auto all = a->AllEntries();
  std::reverse(all.begin(), all.end());
  for (const auto& in : all) ASSERT_TRUE(d->log->Ingest({in}).ok());
  EXPECT_EQ(a->DigestHex(), d->DigestHex());
  auto at_d = ReportService(d->log.get()).ListForDocument(Doc(), ReportQuery{"all"}).value();
  ASSERT_EQ(2u, at_d.total);
  EXPECT_EQ(before.reports[0].id, at_d.reports[0].id);
  EXPECT_EQ(before.reports[0].status, at_d.reports[0].status);
}

}  // namespace
}  // namespace mrc::sync
