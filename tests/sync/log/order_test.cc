// Property test: any arrival order of the same set of entries, split into any
// batches, gives the same documents and the same digest. Scenarios are random
// (seeded) histories of three authors editing offline and syncing now and
// then, so they contain concurrent edits, conflicts, merges and deletions.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using testing::EditFaq;
using testing::NewFaq;
using testing::Node;
using testing::TempDir;

class Scenario {
 public:
  Scenario(const TempDir& dir, unsigned seed) : rng_(seed) {
    for (int i = 0; i < 3; ++i)
      nodes_.push_back(std::make_unique<Node>(dir.Sub("author" + std::to_string(i))));
  }

  void Run(int steps) {
    for (int step = 0; step < steps; ++step) {
      Node& n = *nodes_[Pick(nodes_.size())];
      int action = static_cast<int>(Pick(10));
      if (action < 3 || docs_.empty()) {
        docs_.push_back(n.log->Append({NewFaq("q" + std::to_string(step))}).value().front());
      } else if (action < 8) {
        Edit(n, docs_[Pick(docs_.size())], step, Op::kPut);
      } else if (action < 9) {
        Edit(n, docs_[Pick(docs_.size())], step, Op::kDelete);
      } else {
        Node& other = *nodes_[Pick(nodes_.size())];
        if (&other != &n) other.log->Ingest(n.AllEntries()).value();
      }
    }
  }

  std::vector<Incoming> Union() {
    for (auto& a : nodes_) {
      for (auto& b : nodes_) {
        if (a != b) b->log->Ingest(a->AllEntries()).value();
      }
    }
    return nodes_[0]->AllEntries();
  }

  std::size_t Pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  std::mt19937& rng() { return rng_; }
  Node& node(int i) { return *nodes_[i]; }

 private:
  void Edit(Node& n, const Hash32& doc, int step, Op op) {
    auto d = n.log->GetDoc(doc);
    if (!d.ok()) return;  // this author has not seen the document yet
    std::vector<Hash32> heads;
    for (const auto& h : d->heads) heads.push_back(h.id);
    // Sometimes edit only one head, leaving the conflict open.
    if (heads.size() > 1 && Pick(2) == 0) heads.resize(1);
    Draft draft = EditFaq(doc, heads, "edit " + std::to_string(step));
    if (op == Op::kDelete) {
      draft.op = Op::kDelete;
      draft.payload.clear();
    }
    n.log->Append({draft}).value();
  }

  std::mt19937 rng_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Hash32> docs_;
};

TEST(OrderTest, AnyArrivalOrderGivesTheSameDigest) {
  ASSERT_TRUE(InitCrypto().ok());
  int conflicts_seen = 0;
  for (unsigned seed = 1; seed <= 25; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    TempDir dir;
    Scenario s(dir, seed);
    s.Run(60);
    std::vector<Incoming> all = s.Union();
    // The approvals too: membership then arrives at any point as well.
    const auto& approvals = testing::TestRoot::Get().feed();
    all.insert(all.end(), approvals.begin(), approvals.end());
    std::string expected = s.node(0).DigestHex();
    ASSERT_EQ(expected, s.node(1).DigestHex());
    ASSERT_EQ(expected, s.node(2).DigestHex());
    s.node(0)
        .log
        ->ScanDocs(nullptr,
                   [&](const DocState& d) {
                     conflicts_seen += d.conflict();
                     return true;
                   })
        .ok();
    for (int perm = 0; perm < 3; ++perm) {
      std::shuffle(all.begin(), all.end(), s.rng());
      auto fresh_node = Node::Observe(dir.Sub("fresh" + std::to_string(perm)));
      Node& fresh = *fresh_node;
      for (std::size_t i = 0; i < all.size();) {
        std::size_t n = 1 + s.Pick(8);
        std::vector<Incoming> batch(all.begin() + i, all.begin() + std::min(all.size(), i + n));
        auto r = fresh.log->Ingest(batch).value();
        ASSERT_TRUE(r.refused.empty()) << r.refused.front().reason.ToString();
        i += n;
      }
      auto info = fresh.log->Digest().value();
      EXPECT_EQ(0u, info.pending);
      EXPECT_EQ(expected, ToHex(info.digest));
    }
  }
  // The scenarios must actually exercise conflicts to mean anything.
  EXPECT_GT(conflicts_seen, 5);
}

}  // namespace
}  // namespace mrc::sync
