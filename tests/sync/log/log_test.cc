#include "sync/log/log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "storage/store.h"
#include "sync/kinds.h"
#include "sync/log/record_sum.h"
#include "sync/log/records.h"
#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using testing::EditFaq;
using testing::FaqJson;
using testing::MakeEntry;
using testing::NewFaq;
using testing::Node;
using testing::OpenAsRoot;
using testing::ProblemNameOf;
using testing::TempDir;

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }

  Hash32 Create(Node& n, const std::string& q) {
    return n.log->Append({NewFaq(q)}).value().front();
  }

  // The refusals of one Ingest call, as problem names.
  std::vector<std::string> Refusals(Node& n, const std::vector<Incoming>& in) {
    auto r = n.log->Ingest(in);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> out;
    for (const auto& f : r->refused) out.push_back(ProblemNameOf(f.reason));
    return out;
  }

  std::string Question(Node& n, const Hash32& doc) {
    auto d = n.log->GetDoc(doc).value();
    auto v = n.log->GetVersion(d.winner.id).value();
    auto pos = v.payload.find("\"question\":\"");
    return v.payload.substr(pos + 12, v.payload.find('"', pos + 12) - pos - 12);
  }

  TempDir tmp_;
};

// A store records the layout it holds. One from before the record gets
// it; one written by a newer version is refused and left as it is.
TEST_F(LogTest, AStoreRecordsItsFormatAndANewerOneIsRefused) {
  Node a(tmp_.Sub("a"));
  Create(a, "Kept?");
  auto format = [&]() -> std::optional<std::uint32_t> {
    auto r = a.store->Get(storage::Column::kMeta, records::kStoreFormatKey);
    if (!r.ok()) return std::nullopt;
    std::string_view v = *r;
    std::uint32_t n = 0;
    if (!GetU32(&v, &n)) return std::nullopt;
    return n;
  };
  auto reopen = [&] {
    a.log.reset();
    return OpenLog(a.store.get(), a.key, testing::TestNetwork(),
                   testing::TestRoot::Get().key().public_key);
  };
  auto put = [&](const Bytes& value) {
    storage::WriteBatch b;
    b.Put(storage::Column::kMeta, records::kStoreFormatKey, value);
    ASSERT_TRUE(a.store->Write(&b).ok());
  };
  EXPECT_EQ(records::kStoreFormat, format());
  std::string digest = a.DigestHex();

  // Written before the format was recorded.
  a.log.reset();
  storage::WriteBatch forget;
  forget.Delete(storage::Column::kMeta, records::kStoreFormatKey);
  ASSERT_TRUE(a.store->Write(&forget).ok());
  auto opened = reopen();
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  a.log = std::move(opened).value();
  EXPECT_EQ(records::kStoreFormat, format());
  EXPECT_EQ(digest, a.DigestHex());

  // Written by a newer version.
  Bytes newer;
  PutU32(&newer, records::kStoreFormat + 1);
  put(newer);
  opened = reopen();
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(Status::Code::kInvalidArgument, opened.status().code());
  EXPECT_NE(std::string::npos, opened.status().message().find("newer mrcnode"))
      << opened.status().message();
  EXPECT_EQ(records::kStoreFormat + 1, format()) << "left as it was";

  put("garbled");
  opened = reopen();
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(Status::Code::kCorruption, opened.status().code());

  Bytes current;
  PutU32(&current, records::kStoreFormat);
  put(current);
  opened = reopen();
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  a.log = std::move(opened).value();
  EXPECT_EQ(digest, a.DigestHex());
}

TEST_F(LogTest, CreateEditDeleteAndHistory) {
  Node n(tmp_.Sub("a"));
  Hash32 doc = Create(n, "First?");
  auto d = n.log->GetDoc(doc).value();
  EXPECT_EQ(1u, d.versions);
  EXPECT_FALSE(d.conflict());
  Hash32 v2 = n.log->Append({EditFaq(doc, {doc}, "Second?")}).value().front();
  EXPECT_EQ("Second?", Question(n, doc));
  Draft del{Kind::kFaq, Op::kDelete, doc, {v2}, ""};
  n.log->Append({del}).value();
  d = n.log->GetDoc(doc).value();
  EXPECT_TRUE(d.deleted());
  EXPECT_EQ(3u, d.versions);
  auto history = n.log->History(doc).value();
  ASSERT_EQ(3u, history.size());
  EXPECT_EQ(doc, history[0].id);
  EXPECT_EQ(v2, history[1].id);
  EXPECT_EQ(Op::kDelete, history[2].entry.op);
  EXPECT_EQ(0u, n.log->Verify([](const Status& s) { ADD_FAILURE() << s.ToString(); }).value());
}

TEST_F(LogTest, ReplicatesToAnotherNodeWithTheSameDigest) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  Hash32 doc = Create(a, "Q1");
  a.log->Append({EditFaq(doc, {doc}, "Q1 edited"), NewFaq("Q2")}).value();
  auto report = b.log->Ingest(a.AllEntries()).value();
  EXPECT_EQ(3u, report.accepted);
  EXPECT_TRUE(report.refused.empty());
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
  EXPECT_EQ("Q1 edited", Question(b, doc));
  // Ingesting again changes nothing.
  report = b.log->Ingest(a.AllEntries()).value();
  EXPECT_EQ(3u, report.duplicates);
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
}

// The digest is kept while the store does not change, and never outlives
// a write (the status page and convergence checks ask for it repeatedly).
TEST_F(LogTest, AKeptDigestFollowsEveryWrite) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  Create(a, "Q1");
  std::string first = a.DigestHex();
  EXPECT_EQ(first, a.DigestHex());
  std::uint64_t generation = a.store->Generation();
  Create(a, "Q2");
  EXPECT_LT(generation, a.store->Generation());
  EXPECT_NE(first, a.DigestHex());
  EXPECT_EQ(2u, a.log->Digest().value().documents);
  b.log->Ingest(a.AllEntries()).value();
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
}

// The digest sums the records as they are written (sync/log/record_sum.h):
// edits, deletions and conflicts leave the same sum as a full scan, a node
// receiving the entries in another order gets the same digest, a store
// without a kept sum gets it at open, and verify finds a wrong one.
TEST_F(LogTest, TheKeptRecordSumEqualsAFullScan) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  Hash32 doc = Create(a, "Q1");
  Hash32 v2 = a.log->Append({EditFaq(doc, {doc}, "Q1 edited"), NewFaq("Q2")}).value().front();
  Create(b, "B1");
  // Both edit `doc` without seeing each other: a conflict on both nodes.
  b.log->Ingest(a.AllEntries()).value();
  a.log->Append({EditFaq(doc, {v2}, "Q1 by a")}).value();
  b.log->Append({EditFaq(doc, {v2}, "Q1 by b")}).value();
  Hash32 q3 = Create(a, "Q3");
  a.log->Append({Draft{Kind::kFaq, Op::kDelete, q3, {q3}, ""}}).value();
  auto entries_a = a.AllEntries();
  auto entries_b = b.AllEntries();
  b.log->Ingest(entries_a).value();
  std::reverse(entries_b.begin(), entries_b.end());  // parked, then released
  a.log->Ingest(entries_b).value();
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
  for (Node* n : {&a, &b}) {
    auto kept = RecordSum::Decode(n->store->Get(storage::Column::kMeta, kRecordSumKey).value());
    ASSERT_TRUE(kept);
    EXPECT_TRUE(*kept == ScanRecordSum(*n->store).value());
    EXPECT_EQ(n->log->Digest().value().documents, kept->documents());
    EXPECT_EQ(0u, n->log->Verify([](const Status& s) { ADD_FAILURE() << s.ToString(); }).value());
  }

  // An older store: no kept sum. Opening the log makes it, the same.
  std::string digest = a.DigestHex();
  a.log.reset();
  storage::WriteBatch forget;
  forget.Delete(storage::Column::kMeta, kRecordSumKey);
  ASSERT_TRUE(a.store->Write(&forget).ok());
  a.log = OpenLog(a.store.get(), a.key, testing::TestNetwork(),
                  testing::TestRoot::Get().key().public_key)
              .value();
  EXPECT_EQ(digest, a.DigestHex());

  // An unreadable one is computed again at open.
  a.log.reset();
  storage::WriteBatch garble;
  garble.Put(storage::Column::kMeta, kRecordSumKey, "garbled");
  ASSERT_TRUE(a.store->Write(&garble).ok());
  a.log = OpenLog(a.store.get(), a.key, testing::TestNetwork(),
                  testing::TestRoot::Get().key().public_key)
              .value();
  EXPECT_EQ(digest, a.DigestHex());

  // A wrong kept sum is found.
  RecordSum wrong = ScanRecordSum(*a.store).value();
  wrong.Add(storage::Column::kDocs, "x", "y");
  storage::WriteBatch tamper;
  tamper.Put(storage::Column::kMeta, kRecordSumKey, wrong.Encode());
  ASSERT_TRUE(a.store->Write(&tamper).ok());
  std::vector<std::string> found;
  a.log->Verify([&](const Status& s) { found.push_back(s.message()); }).value();
  ASSERT_EQ(1u, found.size());
  EXPECT_NE(std::string::npos, found[0].find("record sum")) << found[0];
}

TEST(RecordSumTest, TheSumDependsOnTheRecordsNotTheirOrder) {
  using storage::Column;
  RecordSum one, two, empty;
  one.Add(Column::kDocs, "a", "1");
  one.Add(Column::kTrust, "b", "2");
  two.Add(Column::kTrust, "b", "2");
  two.Add(Column::kDocs, "a", "1");
  EXPECT_TRUE(one == two);
  EXPECT_EQ(1u, one.documents());
  // The same key and value in another column is another record.
  RecordSum moved;
  moved.Add(Column::kTrust, "a", "1");
  moved.Add(Column::kTrust, "b", "2");
  EXPECT_FALSE(one == moved);
  // Removing what was added, across many carries, comes back to zero.
  RecordSum many;
  for (int i = 0; i < 1000; ++i) many.Add(Column::kDocs, std::to_string(i), "v");
  for (int i = 999; i >= 0; --i) many.Remove(Column::kDocs, std::to_string(i), "v");
  EXPECT_TRUE(many == empty);
  EXPECT_EQ(std::string(32, '\0'), many.SumBytes());
  auto decoded = RecordSum::Decode(one.Encode());
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(*decoded == one);
  EXPECT_FALSE(RecordSum::Decode("short"));
}

TEST_F(LogTest, ALocalChangeOthersWouldRefuseIsNotSigned) {
  Node n(tmp_.Sub("a"));
  Hash32 doc = Create(n, "Q");
  std::string digest = n.DigestHex();
  auto r = n.log->Append({Draft{Kind::kFaq, Op::kDelete, doc, {}, ""}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Status::Code::kInvalidArgument, r.status().code()) << r.status().ToString();
  EXPECT_NE(std::string::npos, r.status().message().find("parent")) << r.status().ToString();
  EXPECT_EQ(digest, n.DigestHex());
  EXPECT_EQ(1u, n.Entries());
}

// More entries waiting than a batch keeps in memory (it then asks the
// store for each id): all are released when the missing one arrives.
TEST_F(LogTest, ThousandsOfWaitingEntriesAreReleasedTogether) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  std::vector<Draft> drafts;
  for (int i = 0; i < 4200; ++i) drafts.push_back(NewFaq("Q" + std::to_string(i)));
  a.log->Append(drafts).value();
  auto entries = a.AllEntries();
  ASSERT_EQ(4200u, entries.size());
  b.log->Ingest(std::vector<Incoming>(entries.begin() + 1, entries.end())).value();
  EXPECT_EQ(0u, b.Entries());
  EXPECT_EQ(4199u, b.log->Digest().value().pending);
  b.log->Ingest({entries.front()}).value();
  EXPECT_EQ(4200u, b.Entries());
  EXPECT_EQ(0u, b.log->Digest().value().pending);
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
}

TEST_F(LogTest, EveryVerificationFailureIsNamed) {
  Node n(tmp_.Sub("a"));
  KeyPair key = GenerateKeyPair();
  testing::Admit(key);
  Entry e = testing::At(1, 1);
  Incoming good = MakeEntry(key, e, FaqJson("Q"));

  Incoming bad_sig = good;
  bad_sig.signed_form.back() ^= 1;
  EXPECT_EQ(std::vector<std::string>{"bad-signature"}, Refusals(n, {bad_sig}));

  Incoming mismatch = good;
  mismatch.payload = FaqJson("Other");
  EXPECT_EQ(std::vector<std::string>{"payload-mismatch"}, Refusals(n, {mismatch}));

  Incoming unknown_kind = good;
  unknown_kind.signed_form[1] = 0;
  EXPECT_EQ(std::vector<std::string>{"unknown-kind"}, Refusals(n, {unknown_kind}));

  Incoming oversized = good;
  oversized.signed_form.append(kMaxEntryBytes, '\0');
  EXPECT_EQ(std::vector<std::string>{"oversized-entry"}, Refusals(n, {oversized}));

  Incoming other_network = MakeEntry(key, e, FaqJson("Q"), nullptr, Hash32{});
  EXPECT_EQ(std::vector<std::string>{"bad-signature"}, Refusals(n, {other_network}));

  // Nothing was stored by any of these.
  EXPECT_EQ(0u, n.Entries());
  EXPECT_TRUE(Refusals(n, {good}).empty());
  EXPECT_EQ(1u, n.Entries());
}

TEST_F(LogTest, SeqGapWaitsThenApplies) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  Hash32 doc = Create(a, "Q1");
  a.log->Append({EditFaq(doc, {doc}, "Q1 v2")}).value();
  auto feed = a.AllEntries();
  ASSERT_EQ(2u, feed.size());
  auto r = b.log->Ingest({feed[1]}).value();
  EXPECT_EQ(1u, r.pending);
  EXPECT_EQ(1u, b.log->Digest().value().pending);
  EXPECT_TRUE(b.log->GetDoc(doc).status().IsNotFound());
  r = b.log->Ingest({feed[0]}).value();
  EXPECT_EQ(2u, r.accepted);
  EXPECT_EQ(0u, b.log->Digest().value().pending);
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
}

TEST_F(LogTest, PendingSurvivesReopen) {
  Node a(tmp_.Sub("a"));
  Hash32 doc = Create(a, "Q1");
  a.log->Append({EditFaq(doc, {doc}, "Q1 v2")}).value();
  auto feed = a.AllEntries();
  {
    Node b(tmp_.Sub("b"));
    b.log->Ingest({feed[1]}).value();
  }
  Node b(tmp_.Sub("b"));
  EXPECT_EQ(1u, b.log->Digest().value().pending);
  b.log->Ingest({feed[0]}).value();
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
}

TEST_F(LogTest, ParentFromAnotherAuthorWaitsForIt) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b")), c(tmp_.Sub("c"));
  Hash32 doc = Create(a, "Q1");
  b.log->Ingest(a.AllEntries()).value();
  b.log->Append({EditFaq(doc, {doc}, "edited at b")}).value();
  auto b_feed = b.log->ReadFeed(b.log->self(), 1, 10).value();
  // c sees b's edit first: it enters the log but its effect waits.
  auto r = c.log->Ingest(b_feed).value();
  EXPECT_EQ(1u, r.accepted);
  EXPECT_EQ(1u, c.log->Digest().value().pending);
  c.log->Ingest(a.AllEntries()).value();
  EXPECT_EQ(0u, c.log->Digest().value().pending);
  EXPECT_EQ("edited at b", Question(c, doc));
  EXPECT_EQ(b.DigestHex(), c.DigestHex());
}

TEST_F(LogTest, ConcurrentEditsConflictAndMerge) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  Hash32 doc = Create(a, "Q");
  b.log->Ingest(a.AllEntries()).value();
  Hash32 va = a.log->Append({EditFaq(doc, {doc}, "from a")}).value().front();
  Hash32 vb = b.log->Append({EditFaq(doc, {doc}, "from b")}).value().front();
  a.log->Ingest(b.AllEntries()).value();
  b.log->Ingest(a.AllEntries()).value();
  auto da = a.log->GetDoc(doc).value(), db = b.log->GetDoc(doc).value();
  EXPECT_TRUE(da.conflict());
  EXPECT_EQ(2u, da.heads.size());
  EXPECT_EQ(da.winner.id, db.winner.id);
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
  // A merge names both heads and ends the conflict everywhere.
  a.log->Append({EditFaq(doc, {va, vb}, "merged")}).value();
  b.log->Ingest(a.AllEntries()).value();
  EXPECT_FALSE(b.log->GetDoc(doc).value().conflict());
  EXPECT_EQ("merged", Question(b, doc));
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
}

TEST_F(LogTest, ForkIsRecordedAsEvidence) {
  Node n(tmp_.Sub("a"));
  KeyPair key = GenerateKeyPair();
  testing::Admit(key);
  Entry e = testing::At(1, 1);
  Incoming one = MakeEntry(key, e, FaqJson("one"));
  Incoming two = MakeEntry(key, e, FaqJson("two"));
  EXPECT_TRUE(Refusals(n, {one}).empty());
  EXPECT_EQ(std::vector<std::string>{"fork"}, Refusals(n, {two}));
  auto info = n.log->Digest().value();
  EXPECT_EQ(1u, info.forks);
  auto feeds = n.log->Feeds().value();
  auto forked = std::find_if(feeds.begin(), feeds.end(),
                             [&](const FeedHead& f) { return f.author == key.public_key; });
  ASSERT_NE(feeds.end(), forked);
  EXPECT_TRUE(forked->forked);
  // The frozen feed keeps later entries but does not apply them.
  Hash32 id1 = EntryId(one.signed_form);
  Entry next = testing::At(2, 2, id1);
  auto r = n.log->Ingest({MakeEntry(key, next, FaqJson("three"))}).value();
  EXPECT_EQ(1u, r.pending);
  EXPECT_EQ(1u, n.Entries());
}

// Runs are authenticated by their last signature through the hash chain; the
// chain links signed forms, so an earlier entry's signature cannot be
// garbled unnoticed (a node must never keep, and relay, a bad signature).
TEST_F(LogTest, AGarbledSignatureInsideARunIsRefused) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  a.log->Append({NewFaq("one"), NewFaq("two"), NewFaq("three")}).value();
  auto feed = a.AllEntries();
  ASSERT_EQ(3u, feed.size());
  feed[0].signed_form.back() ^= 1;
  EXPECT_EQ(std::vector<std::string>{"bad-signature"}, Refusals(b, feed));
  EXPECT_EQ(0u, b.Entries());
  EXPECT_EQ(0u, b.log->Verify([](const Status&) {}).value());
}

TEST_F(LogTest, BrokenChainIsRefused) {
  Node n(tmp_.Sub("a"));
  KeyPair key = GenerateKeyPair();
  testing::Admit(key);
  Entry e = testing::At(1, 1);
  EXPECT_TRUE(Refusals(n, {MakeEntry(key, e, FaqJson("one"))}).empty());
  Entry next;
  next.seq = 2;
  next.prev.fill(0x55);  // not the id of seq 1
  next.hlc = 2ULL << 40;
  EXPECT_EQ(std::vector<std::string>{"broken-chain"},
            Refusals(n, {MakeEntry(key, next, FaqJson("two"))}));
}

TEST_F(LogTest, InvalidContentIsRejectedButTheFeedGoesOn) {
  Node n(tmp_.Sub("a"));
  KeyPair key = GenerateKeyPair();
  testing::Admit(key);
  Entry e = testing::At(1, 1);
  Hash32 bad_id, child_id;
  Incoming bad = MakeEntry(key, e, R"({"question":"no answer","language":"en"})", &bad_id);
  Entry next = testing::At(2, 2, bad_id);
  Incoming good = MakeEntry(key, next, FaqJson("fine"));
  Entry child;
  child.seq = 3;
  child.hlc = 3ULL << 40;
  child.doc = bad_id;
  child.parents = {bad_id};
  Hash32 good_id = EntryId(good.signed_form);
  child.prev = good_id;
  Incoming orphan = MakeEntry(key, child, FaqJson("child of rejected"), &child_id);
  EXPECT_TRUE(Refusals(n, {bad, good, orphan}).empty());
  EXPECT_EQ(3u, n.Entries());
  EXPECT_EQ(1u, n.log->Digest().value().documents);
  EXPECT_NE(std::string::npos, n.log->RejectReason(bad_id).value().find("invalid-content"));
  EXPECT_NE(std::string::npos, n.log->RejectReason(child_id).value().find("bad-parent"));
  EXPECT_TRUE(n.log->GetDoc(bad_id).status().IsNotFound());
}

TEST_F(LogTest, ParentOfAnotherDocumentIsRejected) {
  Node n(tmp_.Sub("a"));
  Hash32 d1 = Create(n, "one");
  Hash32 d2 = Create(n, "two");
  KeyPair key = GenerateKeyPair();
  testing::Admit(key);
  Entry e;
  e.seq = 1;
  e.hlc = n.log->GetDoc(d2).value().winner.hlc + 1;
  e.doc = d1;
  e.parents = {d2};
  Hash32 id;
  n.log->Ingest({MakeEntry(key, e, FaqJson("sneaky"), &id)}).value();
  EXPECT_NE(std::string::npos, n.log->RejectReason(id).value().find("another document"));
  EXPECT_EQ(1u, n.log->GetDoc(d1).value().versions);
}

// The problems verify finds once the stored entry at `key` is `value`.
std::vector<std::string> ProblemsWith(storage::Store* store, const std::string& key,
                                      const std::string& value) {
  storage::WriteBatch wb;
  wb.Put(storage::Column::kEntries, key, value);
  EXPECT_TRUE(store->Write(&wb).ok());
  auto log = OpenAsRoot(store);
  std::vector<std::string> found;
  log->Verify([&](const Status& s) { found.push_back(ProblemNameOf(s)); }).value();
  return found;
}

// Verify checks one signature per run of linked entries (the run's last);
// a change to any entry of the run is still found: through the chain for
// all but the last, through its signature for the last.
TEST_F(LogTest, VerifyFindsAChangedSignedFormAnywhereInAFeed) {
  for (std::uint64_t changed = 1; changed <= 3; ++changed) {
    TempDir dir;
    std::string path = dir.Sub("db");
    Hash32 author{};
    {
      Node n(path);
      author = n.log->self();
      Hash32 doc = Create(n, "Q");
      Hash32 second = n.log->Append({EditFaq(doc, {doc}, "Q2")}).value().front();
      n.log->Append({EditFaq(doc, {second}, "Q3")}).value();
      ASSERT_EQ(0u, n.log->Verify([](const Status& s) { ADD_FAILURE() << s.ToString(); }).value());
    }
    auto store = storage::Store::Open(path, storage::Options{}).value();
    std::string key = records::FeedKey(author, changed);
    std::string value = store->Get(storage::Column::kEntries, key).value();
    std::uint16_t n = static_cast<std::uint16_t>(static_cast<unsigned char>(value[0]) << 8 |
                                                 static_cast<unsigned char>(value[1]));
    value[2 + n - 1] ^= 1;  // the signed form's last byte
    std::vector<std::string> found = ProblemsWith(store.get(), key, value);
    // Its id is no longer the one indexed, its signature fails, and the
    // next entry (if any) no longer names it.
    std::sort(found.begin(), found.end());
    if (changed < 3) {
      EXPECT_EQ(std::vector<std::string>({"bad-signature", "broken-chain", "malformed"}), found)
          << "seq " << changed;
    } else {
      EXPECT_EQ(std::vector<std::string>({"bad-signature", "malformed"}), found)
          << "seq " << changed;
    }
  }
}

TEST_F(LogTest, VerifyFindsTampering) {
  TempDir dir;
  std::string path = dir.Sub("db");
  {
    Node n(path);
    Hash32 doc = Create(n, "Q");
    n.log->Append({EditFaq(doc, {doc}, "Q2")}).value();
  }
  auto store = storage::Store::Open(path, storage::Options{}).value();
  auto it = store->NewIterator(storage::Column::kEntries);
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  std::string key(it->key()), value(it->value());
  value.back() ^= 1;  // flip a payload bit
  EXPECT_EQ(std::vector<std::string>{"payload-mismatch"}, ProblemsWith(store.get(), key, value));
}

}  // namespace
}  // namespace mrc::sync

namespace mrc::sync {
namespace {

TEST_F(LogTest, AFutureClockIsNotFollowedButEditsStillComeAfterIt) {
  Node n(tmp_.Sub("a"));
  KeyPair key = GenerateKeyPair();
  testing::Admit(key);
  Entry e;
  e.seq = 1;
  std::uint64_t wall = HybridClock().Now();
  e.hlc = wall + (std::uint64_t{365} * 24 * 3600 * 1000 << 16);  // a year ahead
  Hash32 doc;
  n.log->Ingest({MakeEntry(key, e, FaqJson("from the future"), &doc)}).value();
  // An unrelated local write keeps a sane time...
  Hash32 other = Create(n, "now");
  EXPECT_LT(n.log->GetDoc(other).value().winner.hlc, e.hlc);
  // ...and an edit of the future document is still later than it.
  Hash32 v2 = n.log->Append({EditFaq(doc, {doc}, "edited")}).value().front();
  EXPECT_GT(n.log->GetVersion(v2).value().entry.hlc, e.hlc);
  EXPECT_EQ("edited", Question(n, doc));
}

}  // namespace
}  // namespace mrc::sync
