#include "sync/peer/peer_session.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "sync/kinds.h"
#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using testing::NewFaq;
using testing::Node;
using testing::TempDir;

// What a peer of this version says first.
wire::Message PeerVersion() {
  return wire::VersionMsg{PeerSession::kOldestProtocolVersion, PeerSession::kProtocolVersion,
                          "mrcnode test"};
}

// Two sessions joined by in-memory queues; every message is encoded and
// decoded as it would be on the wire.
class Link {
 public:
  Link(Node& a, Node& b) : a_(a.log.get(), b.log->self()), b_(b.log.get(), a.log->self()) {
    Send(&to_b_, a_.Start().value());
    Send(&to_a_, b_.Start().value());
  }
  // Delivers until both queues are empty; false on a protocol error. Bounded.
  bool Settle(std::uint64_t* max_in_flight = nullptr) {
    for (int i = 0; i < 100000 && (!to_a_.empty() || !to_b_.empty()); ++i) {
      if (!Step(&to_b_, &b_, &to_a_) || !Step(&to_a_, &a_, &to_b_)) return false;
      if (max_in_flight) {
        *max_in_flight =
            std::max({*max_in_flight, a_.Stats().batches_in_flight, b_.Stats().batches_in_flight});
      }
    }
    return to_a_.empty() && to_b_.empty();
  }
  // The local log of a (or b) changed: let its session send.
  void PumpA() { Pump(&a_, &to_b_); }
  void PumpB() { Pump(&b_, &to_a_); }
  // Delivers reconciliation messages only, until both sessions know what
  // the other lacks and before any entry arrives. Bounded.
  bool Reconcile() {
    for (int i = 0; i < 10000 && !(a_.Stats().reconciled && b_.Stats().reconciled); ++i) {
      auto reconciling = [](const std::deque<Bytes>& q) {
        return !q.empty() && (q.front()[0] == 'R' || q.front()[0] == 'V');
      };
      bool b_next = reconciling(to_b_);
      bool a_next = reconciling(to_a_);
      if (!a_next && !b_next) return false;
      if (b_next && !Step(&to_b_, &b_, &to_a_)) return false;
      if (a_next && !Step(&to_a_, &a_, &to_b_)) return false;
    }
    return a_.Stats().reconciled && b_.Stats().reconciled;
  }
  PeerSession& a() { return a_; }
  PeerSession& b() { return b_; }
  std::deque<Bytes>& to_a() { return to_a_; }
  std::deque<Bytes>& to_b() { return to_b_; }
  // Bytes and messages sent both ways, by message type.
  std::size_t BytesOf(char type) const {
    auto it = bytes_.find(type);
    return it == bytes_.end() ? 0 : it->second;
  }
  std::size_t MessagesOf(char type) const {
    auto it = messages_.find(type);
    return it == messages_.end() ? 0 : it->second;
  }
  std::size_t LargestOf(char type) const {
    auto it = largest_.find(type);
    return it == largest_.end() ? 0 : it->second;
  }
  const Status& last_error() const { return last_error_; }

 private:
  void Send(std::deque<Bytes>* q, const std::vector<wire::Message>& msgs) {
    for (const auto& m : msgs) {
      q->push_back(wire::Encode(m));
      bytes_[q->back()[0]] += q->back().size();
      messages_[q->back()[0]]++;
      largest_[q->back()[0]] = std::max(largest_[q->back()[0]], q->back().size());
    }
  }
  void Pump(PeerSession* s, std::deque<Bytes>* q) {
    std::vector<wire::Message> out;
    ASSERT_TRUE(s->Pump(&out).ok());
    Send(q, out);
  }
  bool Step(std::deque<Bytes>* in, PeerSession* s, std::deque<Bytes>* reply) {
    if (in->empty()) return true;
    auto m = wire::Decode(in->front());
    in->pop_front();
    if (!m.ok()) return false;
    std::vector<wire::Message> out;
    last_error_ = s->OnMessage(std::move(m).value(), &out);
    if (!last_error_.ok()) return false;
    Send(reply, out);
    return true;
  }

  PeerSession a_, b_;
  std::deque<Bytes> to_a_, to_b_;
  std::map<char, std::size_t> bytes_, messages_, largest_;
  Status last_error_;
};

class PeerSessionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
  // `count` FAQ entries written at `node`.
  static void AppendFaqs(Node& node, int count) {
    std::vector<Draft> drafts;
    for (int i = 0; i < count; ++i) drafts.push_back(NewFaq("q" + std::to_string(i)));
    node.log->Append(drafts).value();
  }
  TempDir tmp_;
};

TEST_F(PeerSessionTest, BothSidesCatchUp) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  a.log->Append({NewFaq("a1"), NewFaq("a2")}).value();
  b.log->Append({NewFaq("b1")}).value();
  Link link(a, b);
  ASSERT_TRUE(link.Settle());
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
  EXPECT_EQ(3u, a.Entries());
  EXPECT_EQ(0u, link.a().Stats().peer_lacks);
  EXPECT_EQ(0u, link.a().Stats().we_lack);
}

TEST_F(PeerSessionTest, LargeBacklogStaysWithinTheWindow) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  AppendFaqs(a, 3000);
  Link link(a, b);
  std::uint64_t max_in_flight = 0;
  ASSERT_TRUE(link.Settle(&max_in_flight));
  EXPECT_LE(max_in_flight, PeerSession::kWindow);
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
  EXPECT_EQ(3000u, link.b().Stats().entries_received);
  EXPECT_EQ(0u, link.b().Stats().entries_sent) << "nothing is echoed back";
}

TEST_F(PeerSessionTest, BatchesKeepToTheSizeTheLinkSets) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  AppendFaqs(a, 300);
  Link link(a, b);
  link.a().SetBatchBytes(1);  // raised to the least
  EXPECT_EQ(PeerSession::kMinBatchBytes, link.a().batch_bytes());
  ASSERT_TRUE(link.Settle());
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
  EXPECT_GT(link.MessagesOf('E'), 2u);
  EXPECT_LE(link.LargestOf('E'), PeerSession::kMinBatchBytes + 1024);
  link.a().SetBatchBytes(PeerSession::kBatchBytes * 2);  // lowered to the most
  EXPECT_EQ(PeerSession::kBatchBytes, link.a().batch_bytes());
}

TEST_F(PeerSessionTest, NewEntriesAreRelayedAlongAChain) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b")), c(tmp_.Sub("c"));
  Link ab(a, b), bc(b, c);
  ASSERT_TRUE(ab.Settle() && bc.Settle());
  a.log->Append({NewFaq("written at a")}).value();
  ab.PumpA();
  ASSERT_TRUE(ab.Settle());
  // b's log changed: its session towards c relays.
  bc.PumpA();
  ASSERT_TRUE(bc.Settle());
  EXPECT_EQ(a.DigestHex(), c.DigestHex());
  EXPECT_EQ(1u, c.Entries());
}

TEST_F(PeerSessionTest, AForgedEntryEndsTheLinkAndChangesNothing) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  Link link(a, b);
  ASSERT_TRUE(link.Settle());
  a.log->Append({NewFaq("genuine")}).value();
  link.PumpA();
  ASSERT_EQ(1u, link.to_b().size());
  Bytes& frame = link.to_b().front();
  frame[frame.size() - 3] ^= 1;  // corrupt the payload in flight
  std::string before = b.DigestHex();
  EXPECT_FALSE(link.Settle());
  EXPECT_EQ(before, b.DigestHex());
}

TEST_F(PeerSessionTest, MalformedMessagesAreRefused) {
  EXPECT_FALSE(wire::Decode("").ok());
  EXPECT_FALSE(wire::Decode("X").ok());
  EXPECT_FALSE(wire::Decode(std::string("A\0\0", 3)).ok());
  Bytes ranges = wire::Encode(wire::Message(wire::ReconcileMsg{{wire::RangeItem{}}}));
  EXPECT_TRUE(wire::Decode(ranges).ok());
  EXPECT_FALSE(wire::Decode(ranges + "x").ok());
  Bytes entries = wire::Encode(wire::Message(std::in_place_type<wire::EntriesMsg>,
                                             wire::EntriesMsg{1, {Incoming{"abc", "{}"}}}));
  EXPECT_TRUE(wire::Decode(entries).ok());
  EXPECT_FALSE(wire::Decode(entries.substr(0, entries.size() - 1)).ok());
}

// A key used on two machines (a cloned disk) writes two histories. Nodes
// that hold different branches, linked, agree on the fork point, apply
// nothing of that feed from there on, and end with equal digests.
TEST_F(PeerSessionTest, AForkFreezesTheFeedOnEveryNodeWhicheverBranchItHeld) {
  Node hq1(tmp_.Sub("hq1")), hq2(tmp_.Sub("hq2"));
  KeyPair cloned = GenerateKeyPair();
  testing::Admit(cloned);
  Node one(tmp_.Sub("one"), cloned, testing::TestNetwork(), Node::Mode::kObserve);
  Node two(tmp_.Sub("two"), cloned, testing::TestNetwork(), Node::Mode::kObserve);
  for (Node* n : {&one, &two}) n->log->Ingest(testing::TestRoot::Get().feed()).value();
  Hash32 shared = one.log->Append({NewFaq("before the clone")}).value().front();
  two.log->Ingest(one.AllEntries()).value();
  std::vector<Hash32> branch_a;
  for (int i = 0; i < 3; ++i)
    branch_a.push_back(one.log->Append({NewFaq("a" + std::to_string(i))}).value().front());
  Hash32 branch_b = two.log->Append({NewFaq("b")}).value().front();
  hq1.log->Ingest(one.AllEntries()).value();
  hq2.log->Ingest(two.AllEntries()).value();
  ASSERT_TRUE(hq1.log->GetDoc(branch_a[2]).ok());
  ASSERT_TRUE(hq2.log->GetDoc(branch_b).ok());
  Link link(hq1, hq2);
  ASSERT_TRUE(link.Settle());
  for (Node* n : {&hq1, &hq2}) {
    auto feeds = n->log->Feeds().value();
    auto f = std::find_if(feeds.begin(), feeds.end(),
                          [&](const FeedHead& h) { return h.author == cloned.public_key; });
    ASSERT_NE(feeds.end(), f);
    EXPECT_TRUE(f->forked);
    EXPECT_EQ(2u, f->fork_seq);
    EXPECT_TRUE(n->log->GetDoc(shared).ok());
    for (const auto& d : branch_a) EXPECT_TRUE(n->log->GetDoc(d).status().IsNotFound());
    EXPECT_TRUE(n->log->GetDoc(branch_b).status().IsNotFound());
  }
  EXPECT_EQ(hq1.DigestHex(), hq2.DigestHex());
  // Each keeps the other branch's entries as evidence.
  EXPECT_FALSE(hq1.log->ForkEvidence(cloned.public_key).value().empty());
  EXPECT_FALSE(hq2.log->ForkEvidence(cloned.public_key).value().empty());
}

// `n` member keys, each with a feed of `len` entries, approved on every
// live node (but not yet held by any).
struct ManyFeeds {
  std::vector<KeyPair> keys;
  std::vector<std::vector<Incoming>> feeds;
  ManyFeeds(int n, int len) {
    for (int i = 0; i < n; ++i) {
      keys.push_back(GenerateKeyPair());
      testing::TestRoot::Get().Approve(keys.back().public_key);
      feeds.emplace_back();
      Hash32 prev{};
      for (int seq = 1; seq <= len; ++seq) {
        feeds.back().push_back(testing::MakeEntry(
            keys.back(), testing::At(seq, seq, prev),
            testing::FaqJson("feed " + std::to_string(i) + " entry " + std::to_string(seq)),
            &prev));
      }
    }
    testing::TestRoot::Get().Broadcast();
  }
  // The first `len` entries of feed i.
  std::vector<Incoming> Prefix(std::size_t i, std::size_t len) const {
    return {feeds[i].begin(), feeds[i].begin() + std::min(len, feeds[i].size())};
  }
};

// What one side holds and the other does not, entry by entry.
std::uint64_t Lacking(Node& has, Node& lacks) {
  std::map<Hash32, std::uint64_t> theirs;
  for (const auto& f : lacks.log->Feeds().value()) theirs[f.author] = f.seq;
  std::uint64_t n = 0;
  for (const auto& f : has.log->Feeds().value()) n += f.seq - std::min(f.seq, theirs[f.author]);
  return n;
}

// The opening exchange costs what differs: nothing but a fingerprint each
// way when both hold the same, a few hundred bytes for one new entry among
// hundreds of feeds (a list of every feed, 72 bytes each, would be 58 KB).
TEST_F(PeerSessionTest, ReconcilingCostsWhatDiffersNotWhatIsHeld) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  ManyFeeds many(400, 2);
  for (Node* n : {&a, &b})
    for (std::size_t i = 0; i < many.feeds.size(); ++i)
      ASSERT_TRUE(n->log->Ingest(many.feeds[i]).ok());
  {
    Link same(a, b);
    ASSERT_TRUE(same.Settle());
    EXPECT_EQ(2u * 35, same.BytesOf('R')) << "one fingerprint each way";
    EXPECT_EQ(0u, same.BytesOf('E'));
  }
  a.log->Append({NewFaq("one new entry")}).value();
  Link one(a, b);
  ASSERT_TRUE(one.Settle());
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
  EXPECT_EQ(1u, one.b().Stats().entries_received);
  EXPECT_EQ(0u, one.a().Stats().entries_received);
  EXPECT_LT(one.BytesOf('R'), 3000u);
}

// Many feeds of a few entries each (a network of many centres) travel
// together: a batch per feed would cost a round trip per few entries.
TEST_F(PeerSessionTest, ManySmallFeedsTravelInFewBatches) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  ManyFeeds many(300, 3);
  for (std::size_t i = 0; i < many.feeds.size(); ++i)
    ASSERT_TRUE(a.log->Ingest(many.feeds[i]).ok());
  Link link(a, b);
  std::uint64_t max_in_flight = 0;
  ASSERT_TRUE(link.Settle(&max_in_flight));
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
  EXPECT_EQ(900u, link.b().Stats().entries_received);
  EXPECT_EQ(1u, link.MessagesOf('E')) << "900 entries of 300 feeds in one batch";
  EXPECT_EQ(0u, link.a().Stats().peer_lacks);
}

// Whatever each side holds of each feed (nothing, part, all, more than the
// other), the reconciliation finds every difference: before any entry
// moves each side knows exactly what the other lacks, and afterwards both
// hold the same.
TEST_F(PeerSessionTest, ReconcilingFindsEveryDifference) {
  std::mt19937 rng(11);
  for (int round = 0; round < 12; ++round) {
    SCOPED_TRACE(round);
    TempDir dir;
    Node a(dir.Sub("a")), b(dir.Sub("b"));
    // Few feeds (lists at once), many (ranges split), one side empty.
    int n = round % 3 == 0 ? 5 : 150;
    ManyFeeds many(n, 4);
    int shape = round % 4;
    for (int i = 0; i < n; ++i) {
      std::size_t at_a = rng() % 5, at_b = rng() % 5;
      if (shape == 1) at_b = 0;                       // b is new
      if (shape == 2 && rng() % 8 != 0) at_b = at_a;  // a few differences
      ASSERT_TRUE(a.log->Ingest(many.Prefix(i, at_a)).ok());
      ASSERT_TRUE(b.log->Ingest(many.Prefix(i, at_b)).ok());
    }
    std::uint64_t a_lacks = Lacking(b, a), b_lacks = Lacking(a, b);
    Link link(a, b);
    ASSERT_TRUE(link.Reconcile()) << link.last_error().ToString();
    EXPECT_EQ(b_lacks, link.a().Stats().peer_lacks);
    EXPECT_EQ(a_lacks, link.a().Stats().we_lack);
    EXPECT_EQ(a_lacks, link.b().Stats().peer_lacks);
    EXPECT_EQ(b_lacks, link.b().Stats().we_lack);
    ASSERT_TRUE(link.Settle()) << link.last_error().ToString();
    EXPECT_EQ(a.DigestHex(), b.DigestHex());
    EXPECT_EQ(a_lacks, link.a().Stats().entries_received);
    EXPECT_EQ(b_lacks, link.b().Stats().entries_received);
    EXPECT_EQ(0u, link.a().Stats().we_lack);
    EXPECT_EQ(0u, link.b().Stats().we_lack);
  }
}

// A peer that breaks the reconciliation's turns is refused, as is one that
// sends entries before it ended.
TEST_F(PeerSessionTest, APeerOutOfTurnIsRefused) {
  Node a(tmp_.Sub("a"));
  Hash32 peer{};
  peer.fill(9);
  auto refused = [&](std::vector<wire::Message> msgs) {
    PeerSession s(a.log.get(), peer);
    EXPECT_TRUE(s.Start().ok());
    std::vector<wire::Message> out;
    EXPECT_TRUE(s.OnMessage(PeerVersion(), &out).ok());
    for (auto& m : msgs) {
      Status st = s.OnMessage(std::move(m), &out);
      if (!st.ok()) return st.code() == Status::Code::kCorruption;
    }
    return false;
  };
  using Kind = wire::RangeItem::Kind;
  wire::RangeItem empty;  // the root's fingerprint: a peer holding nothing
  wire::RangeItem listed = empty;
  listed.kind = Kind::kHeads;
  wire::RangeItem answer = empty;
  answer.kind = Kind::kAnswer;
  wire::RangeItem child = empty;
  child.range = reconcile::Range{}.Child(3);
  auto msg = [](std::vector<wire::RangeItem> items) {
    return wire::Message(wire::ReconcileMsg{std::move(items)});
  };
  // In turn: its fingerprint, then its (empty) list.
  {
    PeerSession s(a.log.get(), peer);
    ASSERT_TRUE(s.Start().ok());
    std::vector<wire::Message> out;
    ASSERT_TRUE(s.OnMessage(PeerVersion(), &out).ok());
    ASSERT_TRUE(s.OnMessage(msg({empty}), &out).ok());
    ASSERT_TRUE(s.OnMessage(msg({listed}), &out).ok());
    EXPECT_TRUE(s.Stats().reconciled);
    EXPECT_FALSE(out.empty()) << "it sends what the peer lacks";
  }
  EXPECT_TRUE(refused({msg({listed})})) << "a list before the fingerprints";
  EXPECT_TRUE(refused({msg({answer})})) << "an answer to nothing";
  EXPECT_TRUE(refused({msg({child})})) << "a range never opened";
  EXPECT_TRUE(refused({msg({empty}), msg({empty})})) << "a range twice";
  wire::RangeItem miscounted = listed;
  miscounted.heads.push_back({peer, 1, {}});
  EXPECT_TRUE(refused({msg({empty}), msg({miscounted})})) << "a list longer than its count";
  // A peer holding one feed, which lists another at the same seq.
  wire::RangeItem one = empty;
  one.fingerprint = reconcile::FingerprintOf(std::vector<reconcile::Head>{{peer, 1, {}}});
  wire::RangeItem other_feed = listed;
  other_feed.heads.push_back({peer, 1, {}});
  other_feed.heads[0].id[0] = 1;
  EXPECT_TRUE(refused({msg({one}), msg({other_feed})})) << "a list unlike its fingerprint";
  other_feed.heads[0].id[0] = 0;
  EXPECT_FALSE(refused({msg({one}), msg({other_feed})})) << "the list it fingerprinted";
  EXPECT_TRUE(refused({wire::Message(wire::EntriesMsg{1, {}})})) << "entries first";
  EXPECT_TRUE(refused({msg({empty}), wire::Message(wire::AckMsg{1})})) << "an ack mid-way";
}

// Nodes of mixed versions: a node without the rules of a kind (as a version
// that predates it) sits between two that have them. The kind's entries
// cross it, held and relayed, and apply at the far end; once the middle
// node opens its store with every rule (upgraded), it applies what it held
// and its state equals the others'.
TEST_F(PeerSessionTest, AKindWithoutRulesCrossesANodeAndAppliesWhenItIsUpgraded) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b")), c(tmp_.Sub("c"));
  Hash32 root = b.log->root();
  KindRegistry without_faq = StandardKinds().Without({Kind::kFaq});
  auto reopen_b = [&](const KindRegistry& rules) {
    b.log.reset();
    auto l = Log::Open(b.store.get(), b.key, testing::TestNetwork(), root, rules);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    b.log = std::move(l).value();
  };
  reopen_b(without_faq);
  auto ids = a.log->Append({NewFaq("written at a"), NewFaq("and another")}).value();
  a.log->Append({testing::EditFaq(ids[0], {ids[0]}, "edited at a")}).value();
  {
    Link ab(a, b);
    ASSERT_TRUE(ab.Settle());
  }
  {
    Link bc(b, c);
    ASSERT_TRUE(bc.Settle());
  }
  EXPECT_EQ(3u, b.Entries()) << "held and counted";
  EXPECT_EQ(3u, b.log->Digest().value().awaiting_upgrade);
  EXPECT_TRUE(b.log->GetDoc(ids[0]).status().IsNotFound()) << "not applied without the rules";
  EXPECT_EQ(3u, c.Entries()) << "relayed";
  EXPECT_EQ(a.DigestHex(), c.DigestHex());
  EXPECT_EQ("edited at a",
            nlohmann::json::parse(
                c.log->GetVersion(c.log->GetDoc(ids[0]).value().winner.id).value().payload)
                .value("question", ""));
  EXPECT_NE(a.DigestHex(), b.DigestHex());

  reopen_b(StandardKinds());
  EXPECT_EQ(0u, b.log->Digest().value().awaiting_upgrade);
  EXPECT_EQ(a.DigestHex(), b.DigestHex()) << "applied from what it held, with no re-sync";
  EXPECT_EQ(2u, b.log->GetDoc(ids[0]).value().versions);
}

// An entry of a kind no node here knows (a later version's) is verified,
// stored and relayed like any other: every node holds it, waiting.
TEST_F(PeerSessionTest, AnEntryOfALaterVersionsKindIsHeldAndRelayed) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b")), c(tmp_.Sub("c"));
  Forge(a, static_cast<Kind>(42), Op::kPut, Hash32{}, {}, R"({"later":"version"})");
  a.log->Append({NewFaq("after it")}).value();
  {
    Link ab(a, b);
    ASSERT_TRUE(ab.Settle());
  }
  {
    Link bc(b, c);
    ASSERT_TRUE(bc.Settle());
  }
  for (Node* n : {&a, &b, &c}) {
    EXPECT_EQ(2u, n->Entries());
    EXPECT_EQ(1u, n->log->Digest().value().awaiting_upgrade);
    EXPECT_EQ(0u, n->log->Digest().value().pending) << "the entry after it applies";
  }
  EXPECT_EQ(a.DigestHex(), c.DigestHex());
  EXPECT_TRUE(c.log->Verify([](const Status& s) { ADD_FAILURE() << s.ToString(); }).ok());
}

TEST_F(PeerSessionTest, APeerOfAnotherProtocolVersionIsRefusedWithTheReason) {
  Node a(tmp_.Sub("a"));
  Hash32 peer{};
  peer.fill(9);
  auto first = [&](wire::Message m) {
    PeerSession s(a.log.get(), peer);
    EXPECT_TRUE(s.Start().ok());
    std::vector<wire::Message> out;
    return s.OnMessage(std::move(m), &out);
  };
  std::uint16_t v = PeerSession::kProtocolVersion;
  Status newer = first(wire::VersionMsg{static_cast<std::uint16_t>(v + 1),
                                        static_cast<std::uint16_t>(v + 2), "mrcnode 9.0"});
  EXPECT_EQ(Status::Code::kNotSupported, newer.code());
  EXPECT_NE(std::string::npos, newer.message().find("mrcnode 9.0")) << newer.message();
  EXPECT_NE(std::string::npos, newer.message().find("upgrade the older")) << newer.message();
  Status older = first(wire::ReconcileMsg{{wire::RangeItem{}}});
  EXPECT_EQ(Status::Code::kNotSupported, older.code());
  EXPECT_NE(std::string::npos, older.message().find("no protocol version")) << older.message();
  EXPECT_TRUE(first(wire::VersionMsg{0, v, ""}).ok()) << "a range that includes ours";
}

// A node restored from a backup holds an older copy of its own feed than
// its peer: it signs nothing until the link has brought the newer entries
// (the hold survives a restart), then signs after them, and no fork is
// recorded anywhere.
TEST_F(PeerSessionTest, ARestoredNodeSignsOnlyAfterItsNewerOwnEntriesArrive) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  a.log->Append({NewFaq("kept")}).value();
  std::string backup = tmp_.Sub("backup");
  ASSERT_TRUE(a.store->Checkpoint(backup).ok());
  a.log->Append({NewFaq("after the backup 1"), NewFaq("after the backup 2")}).value();
  {
    Link ab(a, b);
    ASSERT_TRUE(ab.Settle());
  }
  Node restored(backup, a.key, testing::TestNetwork(), Node::Mode::kObserve);
  restored.log.reset();
  ASSERT_TRUE(Log::HoldOwnFeed(restored.store.get()).ok());
  restored.Restart();
  EXPECT_TRUE(restored.log->own_feed_held());
  EXPECT_EQ(Status::Code::kUnavailable,
            restored.log->Append({NewFaq("too early")}).status().code());
  restored.Restart();
  EXPECT_TRUE(restored.log->own_feed_held());

  Link link(restored, b);
  ASSERT_TRUE(link.Settle());
  EXPECT_FALSE(restored.log->own_feed_held());
  EXPECT_EQ(3u, restored.log->OwnSeq().value());
  restored.log->Append({NewFaq("after the restore")}).value();
  link.PumpA();
  ASSERT_TRUE(link.Settle());
  EXPECT_EQ(restored.DigestHex(), b.DigestHex());
  EXPECT_EQ(0u, b.log->Digest().value().forks);
  EXPECT_EQ(0u, restored.log->Digest().value().forks);
  restored.Restart();
  EXPECT_FALSE(restored.log->own_feed_held());
}

}  // namespace
}  // namespace mrc::sync
