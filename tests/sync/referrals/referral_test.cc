// Referrals between centres as every node applies them: sealed to the two
// centres, statuses only from the centre entitled to set them, erasure that
// leaves the log verifiable and the sealed bytes gone from disk. The
// multi-process version, through a relay over TCP, is in
// tests/e2e/referral_test.cc.
#include "sync/referrals/referral.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/foundation/time.h"
#include "sync/referrals/referral_records.h"
#include "sync/referrals/referral_service.h"
#include "sync/trust/trust_service.h"
#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using nlohmann::json;
using testing::Node;
using testing::TempDir;
using testing::TestRoot;

constexpr std::string_view kCanary = "Canary-Zyxwvut-4711";

// A centre: a node with its encryption key published and a service.
struct Centre {
  Centre(const std::string& dir, bool hq = false)
      : node(hq ? std::make_unique<Node>(dir) : Node::Centre(dir)),
        box(GenerateBoxKeyPair()),
        service(node->log.get(), node->store.get(), node->key, {box}) {
    TrustService trust(node->log.get(), node->key);
    EXPECT_TRUE(trust.PublishEncryptionKey(box.public_key).ok());
    EXPECT_TRUE(node->log->SetReferralKeys({box}).ok());
  }
  std::string Key() const { return ToHex(node->log->self()); }
  std::unique_ptr<Node> node;
  BoxKeyPair box;
  ReferralService service;
};

// Everything `from` holds, ingested by `to`.
void Sync(Centre& from, Centre& to) {
  ASSERT_TRUE(to.node->log->Ingest(from.node->AllEntries()).ok());
}

// Every centre gets what every other holds (keys, approvals).
void SyncAll(std::initializer_list<Centre*> centres) {
  for (Centre* x : centres)
    for (Centre* y : centres)
      if (x != y) Sync(*x, *y);
}

CreateReferralRequest CreateRequest(const Centre& to) {
  CreateReferralRequest req;
  req.to = to.Key();
  req.service = "legal advice";
  req.reason = "Residence permit renewal refused";
  req.urgency = "urgent";
  req.client.emplace();
  req.client->name = std::string(kCanary);
  req.client->contact = "+355 69 000 0000";
  req.client->languages = {"sq", "it"};
  req.consent =
      CreateReferralRequest::Consent{true, "share name and contact with the receiving centre"};
  return req;
}

// A status request: the status and, when given, its note.
SetStatusRequest Says(std::string status, std::optional<std::string> note = std::nullopt) {
  return SetStatusRequest{std::move(status), std::move(note)};
}

// A referral from `sender` to `receiver`, created by a counsellor; its id.
Hash32 Refer(Centre& sender, Centre& receiver) {
  auto created = sender.service.Create(CreateRequest(receiver), "amira");
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  return created.ok() ? *Hash32FromHex(*created) : Hash32{};
}

// Verify finds nothing wrong in what `c` stores.
void ExpectVerifies(Centre& c) {
  std::vector<mrc::Status> problems;
  EXPECT_EQ(0u, c.node->log->Verify([&](const mrc::Status& s) { problems.push_back(s); }).value())
      << (problems.empty() ? "" : problems.front().ToString());
}

// Whether any file under `dir` contains `needle`.
bool DirContains(const std::string& dir, std::string_view needle) {
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (data.find(needle) != std::string::npos) return true;
  }
  return false;
}

// The sealed bytes of a referral's sent entry, as this node stores it
// (empty once erased).
std::string SealedPart(Centre& c, const Hash32& id) {
  auto v = c.node->log->GetVersion(id);
  EXPECT_TRUE(v.ok());
  auto p = DecodeReferralPayload(v->payload);
  EXPECT_TRUE(p.ok());
  return std::string(p->sealed);
}

class ReferralTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }

  // A status or referral of `c`'s signed by hand (tests/sync/test_util.h).
  static Incoming Forge(Centre& c, Hash32 doc, std::vector<Hash32> parents,
                        const std::string& payload, Hash32* id_out) {
    return testing::Forge(*c.node, Kind::kReferral, Op::kPut, doc, std::move(parents), payload,
                          id_out);
  }
  static std::string Status(Centre& c, const Hash32& id) {
    return c.service.Get(ToHex(id), "test").value().status;
  }

  TempDir tmp_;
};

TEST_F(ReferralTest, PayloadFormsShareOneSignedHash) {
  Bytes whole = EncodeReferralPayload(R"({"status":"accepted"})", "sealed bytes");
  Bytes erased = EraseReferralPayload(whole).value();
  EXPECT_EQ(std::string::npos, erased.find("sealed bytes"));
  Hash32 h1, h2;
  std::uint32_t s1 = 0, s2 = 0;
  ASSERT_TRUE(PayloadDigest(Kind::kReferral, whole, &h1, &s1).ok());
  ASSERT_TRUE(PayloadDigest(Kind::kReferral, erased, &h2, &s2).ok());
  EXPECT_EQ(h1, h2);
  EXPECT_EQ(s1, s2);
  EXPECT_EQ(whole.size(), s1);
  EXPECT_EQ(erased, EraseReferralPayload(erased).value()) << "erasing twice changes nothing";
  EXPECT_FALSE(DecodeReferralPayload("\x02").ok());
  EXPECT_FALSE(ParseReferralMeta(R"({"status":"sent"})").ok()) << "a sending names its centre";
  EXPECT_FALSE(ParseReferralMeta(R"({"status":"accepted","client":"x"})").ok());
  EXPECT_FALSE(ParseReferralMeta(R"({"status": "accepted"})").ok()) << "canonical only";
}

TEST_F(ReferralTest, OnlyTheTwoCentresReadItAndTheReceiverSignsReceived) {
  Centre hq(tmp_.Sub("hq"), /*hq=*/true), sender(tmp_.Sub("a")), relay(tmp_.Sub("b")),
      receiver(tmp_.Sub("c"));
  // Everyone knows everyone's published key.
  SyncAll({&hq, &sender, &relay, &receiver});
  auto created = sender.service.Create(CreateRequest(receiver), "amira");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Hash32 id = *Hash32FromHex(*created);
  // Through the relay only: the sender never talks to the receiver.
  Sync(sender, relay);
  Sync(relay, receiver);
  Sync(relay, hq);

  ReferralDetail in = receiver.service.Get(ToHex(id), "bora").value();
  ASSERT_TRUE(in.details) << in.unreadable_reason;
  EXPECT_EQ(kCanary, in.details->client.name);
  EXPECT_EQ("amira", in.details->by);
  EXPECT_EQ("in", in.direction);
  EXPECT_EQ("received", in.status) << "signed automatically on arrival";
  ASSERT_EQ(2u, in.trail.size());
  EXPECT_EQ(std::optional<bool>(true), in.trail[1].opened);
  for (Centre* other : {&relay, &hq}) {
    ReferralDetail seen = other->service.Get(ToHex(id), "x").value();
    EXPECT_FALSE(seen.details);
    EXPECT_EQ("only the two centres concerned can read it", seen.unreadable_reason);
    EXPECT_EQ("relayed", seen.direction);
    // Not even with its own key: it is not a recipient.
    EXPECT_FALSE(
        Open(other->box, SentContext(receiver.node->log->self()), SealedPart(*other, id)).ok());
    EXPECT_FALSE(DirContains(other->node->store->path(), kCanary));
  }
  EXPECT_FALSE(DirContains(receiver.node->store->path(), kCanary)) << "no plaintext at rest";

  // The receiver accepts and completes; the sender follows the trail.
  auto accepted =
      receiver.service.SetStatus(ToHex(id), Says("accepted", "Appointment on Monday"), "bora");
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_EQ((std::vector<std::string>{"completed", "erased"}), accepted->actions);
  ASSERT_TRUE(
      receiver.service.SetStatus(ToHex(id), Says("completed", "Permit renewed"), "bora").ok());
  Sync(receiver, relay);
  Sync(relay, sender);
  ReferralDetail out = sender.service.Get(ToHex(id), "amira").value();
  EXPECT_EQ("completed", out.status);
  ASSERT_EQ(4u, out.trail.size());
  ASSERT_TRUE(out.trail[3].note);
  EXPECT_EQ("Permit renewed", out.trail[3].note->note);
  EXPECT_EQ("bora", out.trail[3].note->by);
  ReferralList list = sender.service.List("out", "", "").value();
  EXPECT_EQ((std::map<std::string, std::size_t>{{"completed", 1}}), list.counts);
  EXPECT_EQ(1u, list.total);
  EXPECT_EQ(1u, list.directions.out);
  EXPECT_EQ(0u, sender.service.List("in", "", "").value().referrals.size());
  std::vector<AuditEvent> audit = receiver.service.Audit(10).value();
  EXPECT_GE(audit.size(), 3u);
  EXPECT_EQ("bora", audit[0].user);
  for (const AuditEvent& e : audit) {
    for (const std::string& field : {e.at, e.user, e.action, e.referral})
      EXPECT_EQ(std::string::npos, field.find(kCanary)) << "the audit log names no client";
  }
}

TEST_F(ReferralTest, AStatusFromACentreNotEntitledIsRejectedEverywhere) {
  Centre hq(tmp_.Sub("hq"), true), sender(tmp_.Sub("a")), receiver(tmp_.Sub("c")),
      other(tmp_.Sub("x"));
  SyncAll({&hq, &sender, &receiver, &other});
  Hash32 id = Refer(sender, receiver);
  for (Centre* y : {&hq, &receiver, &other}) Sync(sender, *y);
  for (Centre* y : {&hq, &sender, &other}) Sync(receiver, *y);  // its "received"

  // Refused locally, before anything is signed.
  auto own = sender.service.SetStatus(ToHex(id), Says("accepted"), "amira");
  EXPECT_TRUE(own.status().code() == mrc::Status::Code::kPermissionDenied)
      << own.status().ToString();
  EXPECT_TRUE(other.service.Erase(ToHex(id), "mallory").status().code() ==
              mrc::Status::Code::kPermissionDenied);

  // A third centre (and the sender) forging the receiver's statuses.
  Hash32 forged, early;
  Forge(other, id, {id}, EncodeReferralPayload(R"({"status":"accepted"})", ""), &forged);
  Forge(sender, id, {id}, EncodeReferralPayload(R"({"status":"completed"})", ""), &early);
  for (Centre* y : {&hq, &sender, &receiver}) Sync(other, *y);
  for (Centre* y : {&hq, &receiver, &other}) Sync(sender, *y);
  for (Centre* c : {&hq, &sender, &receiver, &other}) {
    auto why = c->node->log->RejectReason(forged);
    ASSERT_TRUE(why.ok());
    EXPECT_NE(std::string::npos, why->find("not-authorised")) << *why;
    EXPECT_TRUE(c->node->log->RejectReason(early).ok());
    EXPECT_EQ("received", Status(*c, id));
  }
  // The receiver may not complete what it has not accepted.
  auto premature = receiver.service.SetStatus(ToHex(id), Says("completed", "x"), "bora");
  EXPECT_FALSE(premature.ok());
  EXPECT_EQ(hq.node->DigestHex(), receiver.node->DigestHex());
  EXPECT_EQ(other.node->DigestHex(), sender.node->DigestHex());

  // A forged status with a sealed note: rejected, and erased with the rest.
  Hash32 noted;
  Bytes note = Seal(other.node->key, NoteContext(id, ReferralStatus::kAccepted), "Forged-Note-7731",
                    {receiver.box.public_key, sender.box.public_key})
                   .value();
  Forge(other, id, {id}, EncodeReferralPayload(R"({"status":"accepted"})", note), &noted);
  Sync(other, receiver);
  ASSERT_TRUE(receiver.node->log->RejectReason(noted).ok());
  std::string ciphertext = note.substr(note.size() - 32);
  auto stored_note = [&] {
    return DecodeReferralPayload(receiver.node->log->GetVersion(noted).value().payload)
                   .value()
                   .sealed_size > 0 &&
           !DecodeReferralPayload(receiver.node->log->GetVersion(noted).value().payload)
                .value()
                .erased;
  };
  EXPECT_TRUE(stored_note());
  ASSERT_TRUE(receiver.service.Erase(ToHex(id), "bora").ok());
  EXPECT_FALSE(stored_note()) << "the rejected status's note went with the erasure";
  EXPECT_FALSE(DirContains(receiver.node->store->path(), ciphertext));
}

// What a request must hold is checked before anything is signed; each
// refusal names the field, in words fit to show the user who sent it.
TEST_F(ReferralTest, ARequestMissingWhatItNeedsIsRefusedNamingTheField) {
  Centre hq(tmp_.Sub("hq"), true), sender(tmp_.Sub("a")), receiver(tmp_.Sub("c"));
  SyncAll({&hq, &sender, &receiver});
  std::uint64_t entries = sender.node->Entries();
  auto refused = [&](const CreateReferralRequest& req) {
    auto r = sender.service.Create(req, "amira");
    EXPECT_TRUE(r.status().code() == mrc::Status::Code::kInvalidArgument) << r.status().ToString();
    return r.status().message();
  };
  auto with = [&](auto change) {
    CreateReferralRequest req = CreateRequest(receiver);
    change(req);
    return req;
  };
  using R = CreateReferralRequest;
  EXPECT_EQ("to: is required (a centre's key)", refused(with([](R& r) { r.to.reset(); })));
  EXPECT_EQ("to 'xyz' is not a 64-character hex id", refused(with([](R& r) { r.to = "xyz"; })));
  EXPECT_EQ("service: is required", refused(with([](R& r) { r.service.reset(); })));
  EXPECT_EQ("reason: must not be empty", refused(with([](R& r) { r.reason = " \n"; })));
  EXPECT_EQ("urgency: must be routine, urgent or emergency",
            refused(with([](R& r) { r.urgency = "soon"; })));
  EXPECT_EQ("client: is required: at least the client's name or a pseudonym",
            refused(with([](R& r) { r.client.reset(); })));
  EXPECT_EQ("name: is required", refused(with([](R& r) { r.client->name.reset(); })));
  EXPECT_EQ("name: holds the control character U+001B (only tab and newline are allowed)",
            refused(with([](R& r) { r.client->name = "A\x1b[2J"; })));
  EXPECT_EQ("contact: is longer than 300 bytes",
            refused(with([](R& r) { r.client->contact = std::string(301, 'x'); })));
  EXPECT_EQ("client.languages: must be a list of at most 20 languages",
            refused(with([](R& r) { r.client->languages.assign(21, "sq"); })));
  EXPECT_EQ("client.languages: each language is a short non-empty string",
            refused(with([](R& r) { r.client->languages = {""}; })));
  EXPECT_EQ("consent: is required: the client's recorded consent",
            refused(with([](R& r) { r.consent.reset(); })));
  EXPECT_EQ("consent.given: must be true: a client is referred only with consent",
            refused(with([](R& r) { r.consent->given = false; })));
  EXPECT_EQ("scope: is required", refused(with([](R& r) { r.consent->scope.reset(); })));
  EXPECT_EQ("to: a centre does not refer clients to itself",
            refused(with([&](R& r) { r.to = sender.Key(); })));
  EXPECT_EQ(entries, sender.node->Entries()) << "nothing signed";

  Hash32 id = Refer(sender, receiver);
  Sync(sender, receiver);
  entries = receiver.node->Entries();
  auto status = [&](const SetStatusRequest& req) {
    auto r = receiver.service.SetStatus(ToHex(id), req, "bora");
    EXPECT_FALSE(r.ok());
    return r.status().message();
  };
  EXPECT_EQ("status: is required", status(SetStatusRequest{}));
  EXPECT_EQ("status: must be accepted, declined, completed or withdrawn", status(Says("sent")));
  EXPECT_EQ("note: is required", status(Says("declined")));
  EXPECT_EQ("note: must not be empty", status(Says("completed", "")));
  EXPECT_EQ(entries, receiver.node->Entries()) << "nothing signed";
}

TEST_F(ReferralTest, ErasureDropsTheSealedBytesEverywhereAndTheyNeverComeBack) {
  Centre hq(tmp_.Sub("hq"), true), sender(tmp_.Sub("a")), receiver(tmp_.Sub("c"));
  TempDir offline_dir;
  Centre offline(offline_dir.Sub("o"));
  SyncAll({&hq, &sender, &receiver, &offline});
  Hash32 id = Refer(sender, receiver);
  for (Centre* y : {&hq, &receiver, &offline}) Sync(sender, *y);
  ASSERT_TRUE(
      receiver.service.SetStatus(ToHex(id), Says("accepted", "Note-Canary-9931"), "bora").ok());
  for (Centre* y : {&hq, &sender, &offline}) Sync(receiver, *y);
  std::string sealed = SealedPart(hq, id);
  ASSERT_GT(sealed.size(), 100u);
  std::string chunk = sealed.substr(sealed.size() - 48);  // ciphertext
  ASSERT_TRUE(DirContains(hq.node->store->path(), chunk)) << "the search finds it before";

  // The receiving centre erases; `offline` hears nothing of it.
  ReferralDetail erased = receiver.service.Erase(ToHex(id), "bora").value();
  EXPECT_EQ("erased", erased.status);
  EXPECT_FALSE(erased.details);
  EXPECT_EQ("erased", erased.unreadable_reason);
  EXPECT_TRUE(erased.actions.empty());
  ASSERT_TRUE(erased.erased_by);
  EXPECT_EQ(receiver.Key(), erased.erased_by->key);
  for (Centre* y : {&hq, &sender}) Sync(receiver, *y);
  for (Centre* c : {&hq, &sender, &receiver}) {
    EXPECT_EQ("", SealedPart(*c, id));
    EXPECT_EQ("erased", Status(*c, id));
    EXPECT_FALSE(DirContains(c->node->store->path(), chunk)) << "scrubbed from every RocksDB file";
    ExpectVerifies(*c);
    EXPECT_FALSE(c->service.Get(ToHex(id), "x").value().details);
  }
  // What the erased nodes serve (to peers, in bundles) is the erased form.
  for (const auto& in : hq.node->log->ReadFeed(sender.node->log->self(), 1, SIZE_MAX).value())
    EXPECT_EQ(std::string::npos, in.payload.find(chunk));

  // The node that was offline still has it all, and offers it all again.
  EXPECT_EQ(sealed, SealedPart(offline, id));
  for (Centre* y : {&hq, &sender, &receiver}) Sync(offline, *y);
  for (Centre* c : {&hq, &sender, &receiver}) {
    EXPECT_EQ("", SealedPart(*c, id)) << "not brought back";
    EXPECT_FALSE(DirContains(c->node->store->path(), chunk));
  }
  // And it erases its own copy as soon as it hears of the erasure.
  Sync(hq, offline);
  EXPECT_EQ("", SealedPart(offline, id));
  EXPECT_EQ("erased", Status(offline, id));
  EXPECT_FALSE(DirContains(offline.node->store->path(), chunk));
  EXPECT_EQ(hq.node->DigestHex(), offline.node->DigestHex());

  // A node that joins later receives only the erased form, and verifies it.
  Centre late(tmp_.Sub("late"));
  Sync(hq, late);
  Sync(late, hq);  // its key statement
  EXPECT_EQ("", SealedPart(late, id));
  EXPECT_EQ(hq.node->DigestHex(), late.node->DigestHex());
}

TEST_F(ReferralTest, ASealedPartARelayWithheldIsFilledInFromAWholeCopy) {
  Centre hq(tmp_.Sub("hq"), true), sender(tmp_.Sub("a")), receiver(tmp_.Sub("c"));
  SyncAll({&hq, &sender, &receiver});
  Hash32 id = Refer(sender, receiver);
  // A relay passes on the sent entry with its sealed part stripped.
  std::vector<Incoming> feed =
      sender.node->log->ReadFeed(sender.node->log->self(), 1, SIZE_MAX).value();
  std::vector<Incoming> stripped = feed;
  for (auto& in : stripped) {
    auto d = DecodeEntry(in.signed_form);
    if (d.ok() && d->id == id) in.payload = EraseReferralPayload(in.payload).value();
  }
  ASSERT_TRUE(receiver.node->log->Ingest(stripped).value().refused.empty()) << "it verifies";
  EXPECT_EQ("", SealedPart(receiver, id));
  EXPECT_EQ("sent", Status(receiver, id)) << "nothing to receive yet";
  // The whole entry arrives from the sender: kept, read, received.
  auto report = receiver.node->log->Ingest(feed).value();
  EXPECT_EQ(1u, report.filled);
  ReferralDetail in = receiver.service.Get(ToHex(id), "bora").value();
  EXPECT_TRUE(in.details) << in.unreadable_reason;
  EXPECT_EQ("received", in.status);
  // After an erasure, a whole copy is not taken back.
  ASSERT_TRUE(receiver.service.Erase(ToHex(id), "bora").ok());
  EXPECT_EQ(0u, receiver.node->log->Ingest(feed).value().filled);
  EXPECT_EQ("", SealedPart(receiver, id));
}

TEST_F(ReferralTest, TwoErasuresGiveTheSameStateInEitherOrder) {
  Centre hq(tmp_.Sub("hq"), true), sender(tmp_.Sub("a")), receiver(tmp_.Sub("c"));
  SyncAll({&hq, &sender, &receiver});
  Hash32 id = Refer(sender, receiver);
  Sync(sender, receiver);
  Sync(receiver, sender);
  // Each centre erases before hearing of the other's erasure.
  ASSERT_TRUE(sender.service.Erase(ToHex(id), "amira").ok());
  ASSERT_TRUE(receiver.service.Erase(ToHex(id), "bora").ok());
  Centre late(tmp_.Sub("late"));
  Sync(late, hq);
  Sync(hq, late);
  Sync(sender, hq);  // hq: the sender's erasure first
  Sync(receiver, hq);
  Sync(receiver, late);  // late: the receiver's first
  Sync(sender, late);
  EXPECT_EQ(hq.node->DigestHex(), late.node->DigestHex());
  EXPECT_EQ(referrals::Find(*hq.node->log, id).value().erase_entry,
            referrals::Find(*late.node->log, id).value().erase_entry);
}

TEST_F(ReferralTest, DetailsOfTheWrongShapeAreShownAsFarAsTheyGo) {
  Centre hq(tmp_.Sub("hq"), true), sender(tmp_.Sub("a")), receiver(tmp_.Sub("c"));
  SyncAll({&hq, &sender, &receiver});
  // A sender's software seals details of another shape.
  std::string odd = R"({"service":5,"urgency":["x"],"client":"Odd-Canary","consent":{"scope":7}})";
  Bytes sealed = Seal(sender.node->key, SentContext(receiver.node->log->self()), odd,
                      {receiver.box.public_key})
                     .value();
  ReferralMeta meta;
  meta.to = receiver.node->log->self();
  Hash32 id;
  Forge(sender, Hash32{}, {}, EncodeReferralPayload(ReferralMetaJson(meta), sealed), &id);
  Sync(sender, receiver);
  auto got = receiver.service.Get(ToHex(id), "bora");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->details);
  EXPECT_EQ("", got->details->service);
  EXPECT_EQ("routine", got->details->urgency);
  EXPECT_EQ("", got->details->client.name);
  EXPECT_FALSE(got->details->consent.given);
  EXPECT_EQ("", got->details->consent.scope);
  EXPECT_TRUE(receiver.service.List("in", "", "").ok());
}

TEST_F(ReferralTest, RetentionErasesClosedReferralsAfterTheirPeriod) {
  Centre hq(tmp_.Sub("hq"), true), sender(tmp_.Sub("a")), receiver(tmp_.Sub("c"));
  SyncAll({&hq, &sender, &receiver});
  Hash32 open_one = Refer(sender, receiver);
  Hash32 closed = Refer(sender, receiver);
  Sync(sender, receiver);
  ASSERT_TRUE(
      receiver.service.SetStatus(ToHex(closed), Says("declined", "No capacity"), "bora").ok());
  Sync(receiver, sender);
  std::uint64_t now = WallMillis();
  EXPECT_EQ(0u, sender.service.EraseExpired(now, 30).value()) << "not yet 30 days";
  EXPECT_EQ(1u, sender.service.EraseExpired(now + 31ull * 24 * 3600 * 1000, 30).value());
  EXPECT_EQ("erased", Status(sender, closed));
  EXPECT_EQ("received", Status(sender, open_one)) << "open referrals are kept";
}

// After `mrcnode key rotate`, the centre's new key acts on the referrals its
// old key sent: it lists them as its own, reads them, withdraws and erases
// them, and retention still reaches them.
TEST_F(ReferralTest, AfterASigningKeyRotationTheCentreStillActsOnItsReferrals) {
  Centre hq(tmp_.Sub("hq"), true), sender(tmp_.Sub("a")), receiver(tmp_.Sub("c"));
  SyncAll({&hq, &sender, &receiver});
  Hash32 id = Refer(sender, receiver);
  std::string id_hex = ToHex(id);
  // The sending centre rotates its signing key; headquarters approves.
  KeyPair next = GenerateKeyPair();
  Statement rotate;
  rotate.type = Statement::Type::kRotate;
  rotate.key = next.public_key;
  Hash32 rotation =
      sender.node->log
          ->Append({Draft{Kind::kMember, Op::kPut, {}, {}, StatementPayload(rotate).value()}})
          .value()
          .front();
  Sync(sender, hq);
  EnrolmentRequest req;
  req.network_id = testing::TestNetwork();
  req.key = next.public_key;
  req.name = "a renewed";
  req.replaces = sender.node->log->self();
  req.rotation = rotation;
  TrustService trust(hq.node->log.get(), hq.node->key);
  ASSERT_TRUE(trust.Approve({.request = MakeEnrolmentRequest(next, req)}).ok());
  // The same centre under its new key: same data, same encryption key.
  Node renewed(tmp_.Sub("a2"), next, testing::TestNetwork(), Node::Mode::kObserve);
  ASSERT_TRUE(renewed.log->Ingest(testing::TestRoot::Get().feed()).ok());
  ASSERT_TRUE(renewed.log->Ingest(hq.node->AllEntries()).ok());
  ASSERT_TRUE(renewed.log->Ingest(sender.node->AllEntries()).ok());
  ReferralService service(renewed.log.get(), renewed.store.get(), renewed.key, {sender.box});

  ReferralList list = service.List("out", "", "").value();
  ASSERT_EQ(1u, list.referrals.size());
  ReferralDetail got = service.Get(id_hex, "amira").value();
  EXPECT_EQ("out", got.direction);
  ASSERT_TRUE(got.details) << "its own details stay readable";
  EXPECT_EQ(kCanary, got.details->client.name);
  ASSERT_TRUE(service.SetStatus(id_hex, Says("withdrawn"), "amira").ok());
  // Every node accepts the withdrawal by the successor key (the receiving
  // centre gets the referral and its withdrawal together, through
  // headquarters, which holds everything the old key signed).
  std::vector<Incoming> all = hq.node->AllEntries();
  for (auto& in : renewed.AllEntries()) all.push_back(std::move(in));
  ASSERT_TRUE(receiver.node->log->Ingest(all).ok());
  EXPECT_EQ("withdrawn", Status(receiver, id));
  // It reached the receiving centre already withdrawn: nothing to receive.
  for (const auto& step : referrals::Find(*receiver.node->log, id).value().steps)
    EXPECT_NE(ReferralStatus::kReceived, step.status);
  // Retention reaches what the old key sent.
  EXPECT_EQ(1u, service.EraseExpired(WallMillis() + 400ull * 24 * 3600 * 1000, 30).value());
  EXPECT_TRUE(service.Get(id_hex, "amira").value().erased);
}

// The sealed part of any referral entry this node stores.
std::string SealedOf(Centre& c, const Hash32& entry) {
  auto v = c.node->log->GetVersion(entry);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  if (!v.ok()) return "";
  auto p = DecodeReferralPayload(v->payload);
  return p.ok() ? std::string(p->sealed) : "";
}

// A referral whose sending loses its effect (the sender's key revoked from
// before it) is shown nowhere and nobody can act on it: every node erases
// the client's details it carried, and the notes of its statuses, at once.
TEST_F(ReferralTest, AReferralThatLosesItsEffectKeepsNoDetails) {
  Centre hq(tmp_.Sub("hq"), true), sender(tmp_.Sub("a")), receiver(tmp_.Sub("c"));
  SyncAll({&hq, &sender, &receiver});
  Hash32 id = Refer(sender, receiver);
  for (Centre* y : {&hq, &receiver}) Sync(sender, *y);
  ASSERT_TRUE(
      receiver.service.SetStatus(ToHex(id), Says("accepted", "Note-Canary-5150"), "bora").ok());
  for (Centre* y : {&hq, &sender}) Sync(receiver, *y);
  Hash32 accepted = referrals::Find(*hq.node->log, id).value().steps.back().id;
  std::string sent_chunk = SealedOf(hq, id).substr(SealedOf(hq, id).size() - 48);
  std::string note_chunk = SealedOf(hq, accepted).substr(SealedOf(hq, accepted).size() - 32);
  ASSERT_EQ(48u, sent_chunk.size());
  ASSERT_TRUE(DirContains(hq.node->store->path(), sent_chunk));
  ASSERT_TRUE(DirContains(hq.node->store->path(), note_chunk));

  // Headquarters revokes the sender's key from its first entry on.
  Statement revoke;
  revoke.type = Statement::Type::kRevoke;
  revoke.key = sender.node->log->self();
  revoke.from_seq = 1;
  revoke.reason = "key stolen";
  TestRoot::Get().Sign(revoke);
  TestRoot::Get().Broadcast();
  for (Centre* c : {&hq, &sender, &receiver}) {
    EXPECT_TRUE(referrals::Find(*c->node->log, id).status().IsNotFound());
    EXPECT_EQ("", SealedOf(*c, id));
    EXPECT_EQ("", SealedOf(*c, accepted));
    EXPECT_FALSE(DirContains(c->node->store->path(), sent_chunk));
    EXPECT_FALSE(DirContains(c->node->store->path(), note_chunk));
    ExpectVerifies(*c);
  }
  // A node that gets the revocation first never stores them.
  Centre late(tmp_.Sub("late"));
  Sync(sender, late);
  Sync(receiver, late);
  EXPECT_EQ("", SealedOf(late, id));
  EXPECT_FALSE(DirContains(late.node->store->path(), sent_chunk));
  Sync(hq, late);
  Sync(late, hq);  // its key statement
  EXPECT_EQ(hq.node->DigestHex(), late.node->DigestHex());
}

// The receiving centre's key used on two machines signs two statuses for
// one seq, each with the note sealed: the evidence of the fork is kept
// without it, and the sender's erasure takes the rest.
TEST_F(ReferralTest, ForkEvidenceKeepsNoSealedNote) {
  Centre hq(tmp_.Sub("hq"), true), sender(tmp_.Sub("a")), receiver(tmp_.Sub("c"));
  SyncAll({&hq, &sender, &receiver});
  Hash32 id = Refer(sender, receiver);
  for (Centre* y : {&hq, &receiver}) Sync(sender, *y);
  // The clone holds what the receiver holds before its decision.
  Node clone(tmp_.Sub("clone"), receiver.node->key, testing::TestNetwork(), Node::Mode::kObserve);
  ASSERT_TRUE(clone.log->Ingest(TestRoot::Get().feed()).ok());
  ASSERT_TRUE(clone.log->Ingest(hq.node->AllEntries()).ok());
  ASSERT_TRUE(clone.log->Ingest(receiver.node->AllEntries()).ok());
  ASSERT_TRUE(
      receiver.service.SetStatus(ToHex(id), Says("accepted", "Note-Canary-6006"), "bora").ok());
  Hash32 accepted = referrals::Find(*receiver.node->log, id).value().steps.back().id;
  auto real = receiver.node->log->GetVersion(accepted).value();
  auto p = DecodeReferralPayload(real.payload).value();
  ReferralMeta meta = ParseReferralMeta(p.meta).value();
  meta.status = ReferralStatus::kDeclined;
  Bytes other = EncodeReferralPayload(ReferralMetaJson(meta), p.sealed);
  Incoming forked = testing::Forge(clone, Kind::kReferral, Op::kPut, id, real.entry.parents, other);
  std::string note_chunk = std::string(p.sealed.substr(p.sealed.size() - 32));

  Sync(receiver, hq);
  ASSERT_TRUE(hq.node->log->Ingest({forked}).ok());
  auto evidence = hq.node->log->ForkEvidence(receiver.node->log->self()).value();
  ASSERT_EQ(1u, evidence.size());
  auto held = DecodeReferralPayload(evidence.front().payload);
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(held->erased) << "evidence is kept in its erased form";

  // The sender erases, unaware of the fork: its erasure follows the
  // accepted status, which has no effect at headquarters. Nothing sealed
  // is left there.
  Sync(receiver, sender);
  ASSERT_TRUE(sender.service.Erase(ToHex(id), "amira").ok());
  Sync(sender, hq);
  EXPECT_EQ("erased", Status(hq, id));
  EXPECT_FALSE(DirContains(hq.node->store->path(), note_chunk));
  ExpectVerifies(hq);
}

}  // namespace
}  // namespace mrc::sync
