// The trust rules as every node applies them: membership, roles, ownership,
// authoritative content, revocation (also when it arrives after what it
// revokes), rotation, and bulletin receipts. Multi-process versions of the
// main cases are in tests/e2e/trust_test.cc.
#include "sync/trust/trust.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "sync/content/doc_service.h"
#include "sync/crypto/sealed.h"
#include "sync/trust/trust_records.h"
#include "sync/trust/trust_service.h"
#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using nlohmann::json;
using testing::EditFaq;
using testing::Forge;
using testing::NewFaq;
using testing::Node;
using testing::TempDir;
using testing::TestRoot;

class TrustTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }

  static std::string RejectReason(Node& n, const Hash32& id) {
    auto r = n.log->RejectReason(id);
    return r.ok() ? *r : "not rejected";
  }
  static std::string Revoke(const Hash32& key, std::uint64_t from_seq) {
    Statement st;
    st.type = Statement::Type::kRevoke;
    st.key = key;
    st.from_seq = from_seq;
    st.reason = "laptop stolen";
    TestRoot::Get().Sign(st);
    TestRoot::Get().Broadcast();
    return "ok";
  }
  static std::string Guide(bool authoritative, const std::string& body = "Text.") {
    json j{{"country", "DE"}, {"topic", "study"}, {"language", "en"}, {"body", body}};
    if (authoritative) j["authoritative"] = true;
    return j.dump();
  }
  static std::string Bulletin() {
    return R"({"body":"B","effective_date":"2027-01-01","language":"en","title":"Quota","urgency":"high"})";
  }

  TempDir tmp_;
};

TEST_F(TrustTest, ANonMembersEntriesWaitEverywhereThenApplyOnApproval) {
  Node hq(tmp_.Sub("hq"));
  auto newcomer = Node::Observe(tmp_.Sub("new"));
  newcomer->log->Ingest(TestRoot::Get().feed()).value();
  Hash32 doc = newcomer->log->Append({NewFaq("from a centre not yet approved")}).value().front();
  // Kept, not applied: at the newcomer itself and at headquarters.
  EXPECT_TRUE(newcomer->log->GetDoc(doc).status().IsNotFound());
  auto r = hq.log->Ingest(newcomer->AllEntries()).value();
  EXPECT_TRUE(r.refused.empty());
  EXPECT_TRUE(hq.log->GetDoc(doc).status().IsNotFound());
  EXPECT_EQ(1u, hq.log->Digest().value().pending);
  EXPECT_TRUE(sync::trust::Member(*hq.log, newcomer->log->self()).status().IsNotFound());
  TestRoot::Get().Approve(newcomer->log->self(), {"centre"});
  TestRoot::Get().Broadcast();
  newcomer->log->Ingest(TestRoot::Get().feed()).value();
  EXPECT_TRUE(hq.log->GetDoc(doc).ok());
  EXPECT_TRUE(newcomer->log->GetDoc(doc).ok());
  EXPECT_EQ(0u, hq.log->Digest().value().pending);
  EXPECT_EQ(hq.DigestHex(), newcomer->DigestHex());
}

// A key never approved cannot fill a node's disk: past what the node holds
// of it, its entries are refused with the reason and counted; once it is
// approved, they come in again.
TEST_F(TrustTest, WhatANodeHoldsOfAnUnapprovedKeyIsBounded) {
  LogOptions options;
  options.unapproved.entries_per_author = 5;
  Node hq(tmp_.Sub("hq"), GenerateKeyPair(), testing::TestNetwork(), Node::Mode::kJoin, {"hq"},
          options);
  auto newcomer = Node::Observe(tmp_.Sub("new"));
  newcomer->log->Ingest(TestRoot::Get().feed()).value();
  // Its own entries a node keeps, approved or not.
  for (int i = 0; i < 8; ++i)
    ASSERT_TRUE(newcomer->log->Append({NewFaq("entry " + std::to_string(i))}).ok());
  auto r = hq.log->Ingest(newcomer->AllEntries()).value();
  ASSERT_EQ(3u, r.refused.size());
  EXPECT_EQ(3u, r.unapproved);
  Problem p;
  ASSERT_TRUE(ProblemOf(r.refused[0].reason, &p));
  EXPECT_EQ(Problem::kUnapproved, p);
  EXPECT_NE(std::string::npos, r.refused[0].reason.message().find("not approved"))
      << r.refused[0].reason.ToString();
  EXPECT_EQ(3u, hq.log->Digest().value().unapproved_refused);
  EXPECT_EQ(5u, hq.log->Digest().value().pending);

  // The bytes of every unapproved key together are bounded as well.
  LogOptions tight;
  tight.unapproved.total_bytes = 1;
  Node other(tmp_.Sub("other"), GenerateKeyPair(), testing::TestNetwork(), Node::Mode::kJoin,
             {"hq"}, tight);
  r = other.log->Ingest(newcomer->AllEntries()).value();
  EXPECT_EQ(8u, r.unapproved);

  TestRoot::Get().Approve(newcomer->log->self(), {"centre"});
  TestRoot::Get().Broadcast();
  newcomer->log->Ingest(TestRoot::Get().feed()).value();
  r = hq.log->Ingest(newcomer->AllEntries()).value();
  EXPECT_TRUE(r.refused.empty());
  EXPECT_EQ(hq.DigestHex(), newcomer->DigestHex());
  EXPECT_EQ(0u, hq.log->Digest().value().pending);
}

TEST_F(TrustTest, ACentrePublishesItsEncryptionKeyOnceAndTheLatestCounts) {
  Node hq(tmp_.Sub("hq"));
  auto c1 = Node::Centre(tmp_.Sub("c1"));
  TrustService trust(c1->log.get(), c1->key);
  BoxKeyPair first = GenerateBoxKeyPair();
  ASSERT_TRUE(trust.PublishEncryptionKey(first.public_key).value());
  EXPECT_FALSE(trust.PublishEncryptionKey(first.public_key).value()) << "said once";
  hq.log->Ingest(c1->AllEntries()).value();
  auto seen = sync::trust::Member(*hq.log, c1->log->self());
  ASSERT_TRUE(seen.ok());
  ASSERT_TRUE(seen->encryption_key.has_value());
  EXPECT_EQ(first.public_key, *seen->encryption_key);
  // A new key replaces it everywhere.
  BoxKeyPair second = GenerateBoxKeyPair();
  ASSERT_TRUE(trust.PublishEncryptionKey(second.public_key).value());
  hq.log->Ingest(c1->AllEntries()).value();
  EXPECT_EQ(second.public_key, *sync::trust::Member(*hq.log, c1->log->self())->encryption_key);
  EXPECT_EQ(hq.DigestHex(), c1->DigestHex());
  // Each statement is about its author only: hq's own is separate.
  EXPECT_FALSE(sync::trust::Member(*hq.log, hq.log->self())->encryption_key.has_value());
}

TEST_F(TrustTest, ANewcomersEncryptionKeyWaitsForItsApprovalAndIsNotSaidTwice) {
  Node hq(tmp_.Sub("hq"));
  auto newcomer = Node::Observe(tmp_.Sub("new"));
  newcomer->log->Ingest(TestRoot::Get().feed()).value();
  TrustService trust(newcomer->log.get(), newcomer->key);
  BoxKeyPair key = GenerateBoxKeyPair();
  ASSERT_TRUE(trust.PublishEncryptionKey(key.public_key).value());
  // Waiting (not a member yet): a second start does not append it again.
  EXPECT_FALSE(trust.PublishEncryptionKey(key.public_key).value());
  hq.log->Ingest(newcomer->AllEntries()).value();
  EXPECT_TRUE(sync::trust::Member(*hq.log, newcomer->log->self()).status().IsNotFound());
  TestRoot::Get().Approve(newcomer->log->self(), {"centre"});
  TestRoot::Get().Broadcast();
  newcomer->log->Ingest(TestRoot::Get().feed()).value();
  EXPECT_EQ(key.public_key, *sync::trust::Member(*hq.log, newcomer->log->self())->encryption_key);
  EXPECT_EQ(key.public_key,
            *sync::trust::Member(*newcomer->log, newcomer->log->self())->encryption_key);
}

TEST_F(TrustTest, ACentreEditsOnlyItsOwnDocumentsAndHeadquartersEditsAll) {
  Node hq(tmp_.Sub("hq"));
  auto c1 = Node::Centre(tmp_.Sub("c1"));
  auto c2 = Node::Centre(tmp_.Sub("c2"));
  Hash32 doc = c1->log->Append({NewFaq("c1's entry")}).value().front();
  c2->log->Ingest(c1->AllEntries()).value();
  hq.log->Ingest(c1->AllEntries()).value();
  // c2's own node refuses to sign it...
  auto refused = c2->log->Append({EditFaq(doc, {doc}, "c2 was here")});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(Status::Code::kPermissionDenied, refused.status().code());
  EXPECT_NE(std::string::npos, refused.status().message().find("not-authorised"))
      << refused.status().ToString();
  // ...and a modified node's entry is rejected by every node alike.
  Hash32 forged;
  Incoming in =
      Forge(*c2, Kind::kFaq, Op::kPut, doc, {doc}, testing::FaqJson("c2 was here"), &forged);
  for (Node* n : {&hq, c1.get()}) {
    EXPECT_TRUE(n->log->Ingest({in}).value().refused.empty());
    EXPECT_NE(std::string::npos, RejectReason(*n, forged).find("not-authorised: entry"))
        << RejectReason(*n, forged);
    EXPECT_EQ(doc, n->log->GetDoc(doc).value().winner.id);
  }
  EXPECT_EQ(hq.DigestHex(), c2->DigestHex());
  // Headquarters may edit a centre's document.
  Hash32 v2 = hq.log->Append({EditFaq(doc, {doc}, "fixed by hq")}).value().front();
  c1->log->Ingest(hq.AllEntries()).value();
  EXPECT_EQ(v2, c1->log->GetDoc(doc).value().winner.id);
}

TEST_F(TrustTest, AuthoritativeContentAndBulletinsAreHeadquartersOnly) {
  Node hq(tmp_.Sub("hq"));
  auto c1 = Node::Centre(tmp_.Sub("c1"));
  auto denied = [](const Result<std::vector<Hash32>>& r) {
    return r.ok() ? std::string("ok") : std::string(r.status().CodeName());
  };
  EXPECT_EQ("PERMISSION_DENIED",
            denied(c1->log->Append({Draft{Kind::kBulletin, Op::kPut, {}, {}, Bulletin()}})));
  EXPECT_EQ("PERMISSION_DENIED",
            denied(c1->log->Append({Draft{Kind::kGuide, Op::kPut, {}, {}, Guide(true)}})));
  // A centre's own guide section, later marked authoritative by headquarters.
  Hash32 guide =
      c1->log->Append({Draft{Kind::kGuide, Op::kPut, {}, {}, Guide(false)}}).value().front();
  hq.log->Ingest(c1->AllEntries()).value();
  Hash32 marked =
      hq.log->Append({Draft{Kind::kGuide, Op::kPut, guide, {guide}, Guide(true, "Checked.")}})
          .value()
          .front();
  c1->log->Ingest(hq.AllEntries()).value();
  EXPECT_EQ(marked, c1->log->GetDoc(guide).value().winner.id);
  auto edit =
      c1->log->Append({Draft{Kind::kGuide, Op::kPut, guide, {marked}, Guide(false, "Mine again")}});
  EXPECT_EQ("PERMISSION_DENIED", denied(edit));
  EXPECT_NE(std::string::npos, edit.status().message().find("authoritative"))
      << edit.status().ToString();
  // Headquarters lifts the mark; the owner may edit again.
  Hash32 lifted =
      hq.log->Append({Draft{Kind::kGuide, Op::kPut, guide, {marked}, Guide(false, "Open.")}})
          .value()
          .front();
  c1->log->Ingest(hq.AllEntries()).value();
  EXPECT_EQ("ok", denied(c1->log->Append(
                      {Draft{Kind::kGuide, Op::kPut, guide, {lifted}, Guide(false, "Mine")}})));
}

TEST_F(TrustTest, OnlyTheRootKeyGrantsHqAndRevokes) {
  Node hq2(tmp_.Sub("hq2"));  // an hq member, not the root key
  auto c1 = Node::Centre(tmp_.Sub("c1"));
  TrustService trust(hq2.log.get(), hq2.key);
  EnrolmentRequest req;
  req.network_id = testing::TestNetwork();
  KeyPair newcomer = GenerateKeyPair();
  req.key = newcomer.public_key;
  req.name = "MRC Vlorë";
  std::string text = MakeEnrolmentRequest(newcomer, req);
  // Approving a centre: any hq key. Granting hq: the root key only.
  EXPECT_TRUE(trust.Approve({.request = text}).ok());
  auto hq_grant = trust.Approve({.request = text, .roles = std::vector<std::string>{"hq"}});
  EXPECT_EQ(Status::Code::kPermissionDenied, hq_grant.status().code())
      << hq_grant.status().ToString();
  auto revoke = trust.Revoke(ToHex(c1->log->self()), {.reason = "test"});
  EXPECT_EQ(Status::Code::kPermissionDenied, revoke.status().code()) << revoke.status().ToString();
  // A centre approves nobody.
  TrustService centre(c1->log.get(), c1->key);
  EXPECT_EQ(Status::Code::kPermissionDenied, centre.Approve({.request = text}).status().code());
  // Requests are checked: another network, or an altered text.
  EnrolmentRequest other = req;
  other.network_id.fill(1);
  EXPECT_EQ(Status::Code::kInvalidArgument,
            trust.Approve({.request = MakeEnrolmentRequest(newcomer, other)}).status().code());
  std::string altered = text;
  altered[altered.size() - 3] = altered[altered.size() - 3] == '0' ? '1' : '0';
  EXPECT_NE(std::string::npos,
            trust.Approve({.request = altered}).status().message().find("signature"));
}

// A centre not yet approved has no role at all: its approvals and
// revocations would wait unapplied for its own approval and then be
// rejected everywhere, so they are refused before anything is signed.
TEST_F(TrustTest, ANodeNotYetApprovedNeitherApprovesNorRevokes) {
  auto newcomer = Node::Observe(tmp_.Sub("new"));
  newcomer->log->Ingest(TestRoot::Get().feed()).value();
  TrustService trust(newcomer->log.get(), newcomer->key);
  EnrolmentRequest req;
  req.network_id = testing::TestNetwork();
  KeyPair other = GenerateKeyPair();
  req.key = other.public_key;
  req.name = "MRC Osh";
  auto approve = trust.Approve({.request = MakeEnrolmentRequest(other, req)});
  EXPECT_EQ(Status::Code::kPermissionDenied, approve.status().code())
      << approve.status().ToString();
  EXPECT_NE(std::string::npos, approve.status().message().find("only headquarters approves"));
  auto revoke = trust.Revoke(ToHex(TestRoot::Get().key().public_key), {.reason = "test"});
  EXPECT_EQ(Status::Code::kPermissionDenied, revoke.status().code()) << revoke.status().ToString();
  EXPECT_NE(std::string::npos, revoke.status().message().find("only the network's root key"));
  EXPECT_TRUE(newcomer->log->ReadFeed(newcomer->log->self(), 1, 10).value().empty());
}

TEST_F(TrustTest, AnHqKeyApprovesUntilTheSeqItIsRevokedFrom) {
  Node hq(tmp_.Sub("hq"));  // an hq member; its feed is empty
  TrustService trust(hq.log.get(), hq.key);
  auto approve_one = [&] {
    EnrolmentRequest req;
    req.network_id = testing::TestNetwork();
    KeyPair other = GenerateKeyPair();
    req.key = other.public_key;
    req.name = "MRC Osh";
    return trust.Approve({.request = MakeEnrolmentRequest(other, req)});
  };
  // Revoked from its third entry on: the first two may still be signed,
  // and apply.
  Revoke(hq.log->self(), 3);
  for (int i = 0; i < 2; ++i) {
    auto approved = approve_one();
    ASSERT_TRUE(approved.ok()) << approved.status().ToString();
    ASSERT_TRUE(approved->member.has_value());
    EXPECT_TRUE(approved->member->member);
  }
  auto third = approve_one();
  EXPECT_EQ(Status::Code::kPermissionDenied, third.status().code()) << third.status().ToString();
  EXPECT_NE(std::string::npos, third.status().message().find("revoked from entry 3"))
      << third.status().ToString();
  EXPECT_EQ(2u, hq.log->ReadFeed(hq.log->self(), 1, 10).value().size());
}

TEST_F(TrustTest, ARevocationRejectsLaterEntriesEvenWhenItArrivesAfterThem) {
  Node hq(tmp_.Sub("hq"));
  auto c1 = Node::Centre(tmp_.Sub("c1"));
  std::vector<Hash32> docs;
  for (int i = 0; i < 4; ++i)
    docs.push_back(c1->log->Append({NewFaq("entry " + std::to_string(i))}).value().front());
  hq.log->Ingest(c1->AllEntries()).value();
  for (const auto& d : docs) ASSERT_TRUE(hq.log->GetDoc(d).ok());
  // c1's feed holds its four documents at seq 1 to 4.
  Revoke(c1->log->self(), 3);
  EXPECT_TRUE(hq.log->GetDoc(docs[0]).ok());
  EXPECT_TRUE(hq.log->GetDoc(docs[1]).ok());
  EXPECT_TRUE(hq.log->GetDoc(docs[2]).status().IsNotFound());
  EXPECT_NE(std::string::npos, RejectReason(hq, docs[3]).find("revoked: entry"))
      << RejectReason(hq, docs[3]);
  // The revoked node itself agrees, and may no longer write.
  EXPECT_EQ(hq.DigestHex(), c1->DigestHex());
  EXPECT_EQ(Status::Code::kPermissionDenied, c1->log->Append({NewFaq("after")}).status().code());
  // A fresh node given everything in any order agrees too.
  std::vector<Incoming> all = hq.AllEntries();
  const auto& root = TestRoot::Get().feed();
  all.insert(all.end(), root.begin(), root.end());
  std::mt19937 rng(4);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(all.begin(), all.end(), rng);
    auto fresh = Node::Observe(tmp_.Sub("fresh" + std::to_string(round)));
    for (const auto& e : all) ASSERT_TRUE(fresh->log->Ingest({e}).value().refused.empty());
    EXPECT_EQ(hq.DigestHex(), fresh->DigestHex()) << "round " << round;
  }
  // verify still passes: revocation never breaks the log.
  EXPECT_EQ(0u, hq.log->Verify([](const Status&) {}).value());
}

TEST_F(TrustTest, ARotatedKeyKeepsTheDocumentsAndTheOldKeyStops) {
  Node hq(tmp_.Sub("hq"));
  auto c1 = Node::Centre(tmp_.Sub("c1"));
  Hash32 doc = c1->log->Append({NewFaq("owned by c1")}).value().front();
  KeyPair next = GenerateKeyPair();
  Statement rotate;
  rotate.type = Statement::Type::kRotate;
  rotate.key = next.public_key;
  Hash32 rotation =
      c1->log->Append({Draft{Kind::kMember, Op::kPut, {}, {}, StatementPayload(rotate).value()}})
          .value()
          .front();
  // The old key writes once more before headquarters approves.
  Hash32 late = c1->log->Append({NewFaq("late")}).value().front();
  hq.log->Ingest(c1->AllEntries()).value();
  ASSERT_TRUE(hq.log->GetDoc(late).ok());
  EnrolmentRequest req;
  req.network_id = testing::TestNetwork();
  req.key = next.public_key;
  req.name = "c1 renewed";
  req.replaces = c1->log->self();
  req.rotation = rotation;
  TrustService trust(hq.log.get(), hq.key);
  auto approved = trust.Approve({.request = MakeEnrolmentRequest(next, req)});
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  // After the rotation point the old key's entries no longer count.
  EXPECT_TRUE(hq.log->GetDoc(late).status().IsNotFound());
  // The new key edits c1's document as its owner.
  Node renewed(tmp_.Sub("renewed"), next, testing::TestNetwork(), Node::Mode::kObserve);
  renewed.log->Ingest(hq.AllEntries()).value();
  renewed.log->Ingest(TestRoot::Get().feed()).value();
  Hash32 v2 = renewed.log->Append({EditFaq(doc, {doc}, "edited with the new key")}).value().front();
  hq.log->Ingest(renewed.AllEntries()).value();
  EXPECT_EQ(v2, hq.log->GetDoc(doc).value().winner.id);
  auto m = sync::trust::Member(*hq.log, next.public_key).value();
  EXPECT_EQ(std::vector<Hash32>{c1->log->self()}, m.replaces);
  EXPECT_EQ(3u, sync::trust::Member(*hq.log, c1->log->self())
                    .value()
                    .revoked_from);  // after the rotate statement
}

// A centre restored from a backup signs nothing while held (its peers may
// hold newer entries of its feed): the receipt a bulletin owes waits, and
// is signed when the hold ends.
TEST_F(TrustTest, AHeldCentreSignsTheReceiptsItOwesOnceReleased) {
  Node hq(tmp_.Sub("hq"));
  auto c1 = Node::Centre(tmp_.Sub("c1"));
  c1->log.reset();
  ASSERT_TRUE(Log::HoldOwnFeed(c1->store.get()).ok());
  c1->Restart();
  std::uint64_t before = c1->log->OwnSeq().value();
  Hash32 bulletin =
      hq.log->Append({Draft{Kind::kBulletin, Op::kPut, {}, {}, Bulletin()}}).value().front();
  c1->log->Ingest(hq.AllEntries()).value();
  EXPECT_EQ(before, c1->log->OwnSeq().value());
  ASSERT_TRUE(c1->log->ReleaseOwnFeedHold("test").ok());
  EXPECT_EQ(before + 1, c1->log->OwnSeq().value());
  hq.log->Ingest(c1->AllEntries()).value();
  TrustService trust(hq.log.get(), hq.key);
  EXPECT_TRUE(trust.Receipts(ToHex(bulletin)).value().not_received.empty());
}

TEST_F(TrustTest, CentresReceiptAndAcknowledgeBulletins) {
  Node hq(tmp_.Sub("hq"));
  auto c1 = Node::Centre(tmp_.Sub("c1"));
  auto c2 = Node::Centre(tmp_.Sub("c2"));
  Hash32 bulletin =
      hq.log->Append({Draft{Kind::kBulletin, Op::kPut, {}, {}, Bulletin()}}).value().front();
  // Applying the bulletin makes c1 sign a receipt by itself.
  c1->log->Ingest(hq.AllEntries()).value();
  hq.log->Ingest(c1->AllEntries()).value();
  TrustService trust(hq.log.get(), hq.key);
  ReceiptsView r = trust.Receipts(ToHex(bulletin)).value();
  ASSERT_EQ(2u, r.centres.size());
  EXPECT_EQ(std::vector<std::string>{ToHex(c2->log->self())}, r.not_received);
  EXPECT_EQ(2u, r.not_acknowledged.size());
  // A person at c1 marks it read.
  TrustService at_c1(c1->log.get(), c1->key);
  ASSERT_TRUE(at_c1.Acknowledge(ToHex(bulletin), {.by = "Ana"}).ok());
  hq.log->Ingest(c1->AllEntries()).value();
  r = trust.Receipts(ToHex(bulletin)).value();
  EXPECT_EQ(std::vector<std::string>{ToHex(c2->log->self())}, r.not_acknowledged);
  bool seen = false;
  for (const auto& c : r.centres) {
    if (c.key != ToHex(c1->log->self())) continue;
    seen = true;
    ASSERT_TRUE(c.acknowledged && c.received);
    EXPECT_EQ("Ana", c.acknowledged->by);
    EXPECT_TRUE(c.received->current);
  }
  EXPECT_TRUE(seen) << "c1 is one of the centres";
  // Receipts travel like any entry: c2 learns c1's, and digests agree.
  c2->log->Ingest(hq.AllEntries()).value();
  c2->log->Ingest(c1->AllEntries()).value();
  hq.log->Ingest(c2->AllEntries()).value();
  c1->log->Ingest(c2->AllEntries()).value();
  EXPECT_EQ(hq.DigestHex(), c2->DigestHex());
  EXPECT_EQ(hq.DigestHex(), c1->DigestHex());
  r = trust.Receipts(ToHex(bulletin)).value();
  EXPECT_TRUE(r.not_received.empty());
  // A receipt must name a bulletin version.
  Hash32 faq = hq.log->Append({NewFaq("not a bulletin")}).value().front();
  c1->log->Ingest(hq.AllEntries()).value();
  Hash32 bad;
  Forge(*c1, Kind::kReceipt, Op::kPut, faq, {faq}, ReceiptPayload({}), &bad);
  EXPECT_NE(std::string::npos, RejectReason(*c1, bad).find("bad-parent")) << RejectReason(*c1, bad);
}

TEST_F(TrustTest, ProposalsAreAcceptedOrDeclinedByTheOwnerOrHeadquarters) {
  Node hq(tmp_.Sub("hq"));
  auto c1 = Node::Centre(tmp_.Sub("c1"));
  auto c2 = Node::Centre(tmp_.Sub("c2"));
  auto sync_all = [&] {
    for (Node* to : {&hq, c1.get(), c2.get()}) {
      for (Node* from : {&hq, c1.get(), c2.get()}) {
        if (to != from) to->log->Ingest(from->AllEntries()).value();
      }
    }
  };
  DocService d1(c1->log.get()), d2(c2->log.get()), dhq(hq.log.get());
  std::string doc =
      d1.Create({"faq", R"({"question":"Q","answer":"Old","language":"en"})"}).value().id;
  sync_all();
  // c2 may not edit c1's entry, but may propose.
  std::string change = R"({"question":"Q","answer":"Better","language":"en"})";
  EXPECT_EQ(Status::Code::kPermissionDenied, d2.Update(doc, {change, {}, {}, {}}).status().code());
  std::string p1 = d2.Propose(doc, change).value().proposal;
  std::string p2 =
      d2.Propose(doc, R"({"question":"Q","answer":"Worse","language":"en"})").value().proposal;
  sync_all();
  auto listed = d1.Proposals(doc).value().proposals;
  ASSERT_EQ(2u, listed.size());
  for (const auto& p : listed) EXPECT_EQ("open", p.status);
  // Nobody but the owner or headquarters decides.
  EXPECT_EQ(Status::Code::kPermissionDenied, d2.Accept(doc, p1, {}).status().code());
  EXPECT_EQ(Status::Code::kPermissionDenied, d2.Decline(doc, p2, "mine").status().code());
  DocView accepted = d1.Accept(doc, p1, {}).value();
  EXPECT_EQ("Better", json::parse(*accepted.content)["answer"]);
  EXPECT_EQ(ToHex(c1->log->self()), accepted.updated_by) << "the accepter signs the change";
  ASSERT_TRUE(d1.Decline(doc, p2, "not accurate").ok());
  // A decision is final: nothing is written again over later changes.
  EXPECT_EQ(Status::Code::kConflict, d1.Accept(doc, p1, {}).status().code());
  EXPECT_EQ(Status::Code::kConflict, d1.Accept(doc, p2, {}).status().code());
  EXPECT_EQ(Status::Code::kConflict, d1.Decline(doc, p1, "changed my mind").status().code());
  EXPECT_EQ(Status::Code::kConflict, d1.Decline(doc, p2, "twice").status().code());
  sync_all();
  for (DocService* ds : {&d1, &d2, &dhq}) {
    for (const auto& p : ds->Proposals(doc).value().proposals) {
      EXPECT_EQ(p.proposal == p1 ? "accepted" : "declined", p.status) << p.proposal;
      if (p.proposal == p2) {
        EXPECT_EQ("not accurate", p.reason.value_or(""));
      }
    }
    EXPECT_EQ("Better", json::parse(*ds->Get(doc).value().content)["answer"]);
  }
  auto history = d2.History(doc).value().versions;
  EXPECT_EQ(3u, history.size()) << "created, proposed, accepted";
  EXPECT_EQ(hq.DigestHex(), c2->DigestHex());
  EXPECT_EQ(hq.DigestHex(), c1->DigestHex());
  // On authoritative content only headquarters decides, not the centre.
  std::string guide = dhq.Create({"guide", Guide(true)}).value().id;
  sync_all();
  std::string p3 = d1.Propose(guide, Guide(false, "Fix")).value().proposal;
  sync_all();
  EXPECT_EQ(Status::Code::kPermissionDenied, d1.Accept(guide, p3, {}).status().code());
  DocView amended = dhq.Accept(guide, p3, Guide(true, "Fix, checked")).value();
  EXPECT_EQ("Fix, checked", json::parse(*amended.content)["body"]);
  // Bad requests: an unknown proposal, no reason.
  EXPECT_EQ(Status::Code::kNotFound, d1.Accept(doc, std::string(64, 'a'), {}).status().code());
  EXPECT_EQ(Status::Code::kInvalidArgument, d1.Decline(doc, p1, "").status().code());
}

TEST_F(TrustTest, ARevokedNodeStillReceivesBulletinsButSignsNoReceipt) {
  Node hq(tmp_.Sub("hq"));
  auto c1 = Node::Centre(tmp_.Sub("c1"));
  Revoke(c1->log->self(), 1);
  hq.log->Append({Draft{Kind::kBulletin, Op::kPut, {}, {}, Bulletin()}}).value();
  auto r = c1->log->Ingest(hq.AllEntries());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(c1->AllEntries().size() == hq.AllEntries().size()) << "c1 wrote nothing of its own";
  // Nothing stays due: a later batch does not try again.
  hq.log->Append({NewFaq("later")}).value();
  EXPECT_TRUE(c1->log->Ingest(hq.AllEntries()).ok());
  EXPECT_EQ(c1->AllEntries().size(), hq.AllEntries().size());
}

TEST_F(TrustTest, StatementsAndRequestsParseStrictly) {
  EXPECT_TRUE(ParseStatement(R"({"type":"approve","key":")" + std::string(64, 'a') +
                             R"(","roles":["centre"],"name":"X"})")
                  .ok());
  EXPECT_FALSE(
      ParseStatement(R"({"type":"approve","key":"zz","roles":["centre"],"name":"X"})").ok());
  EXPECT_FALSE(ParseStatement(R"({"type":"approve","key":")" + std::string(64, 'a') +
                              R"(","roles":["boss"],"name":"X"})")
                   .ok());
  EXPECT_FALSE(ParseStatement(R"({"type":"revoke","key":")" + std::string(64, 'a') +
                              R"(","from_seq":0,"reason":"r"})")
                   .ok());
  EXPECT_FALSE(
      ParseStatement(R"({"type":"rotate","new_key":")" + std::string(64, 'a') + R"(","extra":1})")
          .ok());
  EXPECT_FALSE(ParseStatement(R"({"type":"promote"})").ok());
  EXPECT_FALSE(ParseReceipt(R"({"type":"received","by":"someone"})").ok());
  EXPECT_TRUE(ParseReceipt(R"({"type":"acknowledged","by":"Ana"})").ok());
  EXPECT_FALSE(ParseEnrolmentRequest("hello", testing::TestNetwork()).ok());
  EXPECT_FALSE(ParseEnrolmentRequest("mrc-enrol-1.00", testing::TestNetwork()).ok());
}

}  // namespace
}  // namespace mrc::sync
