#include "sync/peer_session.h"

#include <gtest/gtest.h>

#include <deque>

#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using testing::NewFaq;
using testing::Node;
using testing::TempDir;

// Two sessions joined by in-memory queues; every message is encoded and
// decoded as it would be on the wire.
class Link {
 public:
  Link(Node& a, Node& b) : a_(a.log.get(), b.log->self()), b_(b.log.get(), a.log->self()) {
    Send(&to_b_, {a_.Start().value()});
    Send(&to_a_, {b_.Start().value()});
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
  PeerSession& a() { return a_; }
  PeerSession& b() { return b_; }
  std::deque<Bytes>& to_b() { return to_b_; }

 private:
  static void Send(std::deque<Bytes>* q, const std::vector<wire::Message>& msgs) {
    for (const auto& m : msgs) q->push_back(wire::Encode(m));
  }
  static void Pump(PeerSession* s, std::deque<Bytes>* q) {
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
  Status last_error_;
};

class PeerSessionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
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
  std::vector<Draft> drafts;
  for (int i = 0; i < 3000; ++i) drafts.push_back(NewFaq("q" + std::to_string(i)));
  a.log->Append(drafts).value();
  Link link(a, b);
  std::uint64_t max_in_flight = 0;
  ASSERT_TRUE(link.Settle(&max_in_flight));
  EXPECT_LE(max_in_flight, PeerSession::kWindow);
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
  EXPECT_EQ(3000u, link.b().Stats().entries_received);
  EXPECT_EQ(0u, link.b().Stats().entries_sent) << "nothing is echoed back";
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
  Bytes summary =
      wire::Encode(wire::Message(std::in_place_type<wire::SummaryMsg>, wire::SummaryMsg{}));
  EXPECT_TRUE(wire::Decode(summary).ok());
  EXPECT_FALSE(wire::Decode(summary + "x").ok());
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

}  // namespace
}  // namespace mrc::sync
