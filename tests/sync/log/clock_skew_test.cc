// Nodes whose clocks are a year apart: what they write still converges, and
// nothing is refused for its time alone. Entry times come from each node's
// injected clock (LogOptions::clock). The multi-process version, with real
// mrcnode processes over TCP, is tests/e2e/clock_test.cc.
#include <gtest/gtest.h>

#include "config/foundation/clock.h"
#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using testing::Node;

constexpr std::int64_t kYearMillis = 365LL * 24 * 3600 * 1000;

std::string Bulletin(const std::string& title) {
  return R"({"body":"B","effective_date":"2027-01-01","language":"en","title":")" + title +
         R"(","urgency":"high"})";
}

class ClockSkewTest : public ::testing::Test {
 protected:
  ClockSkewTest()
      : ahead_clock_(SystemClock(), kYearMillis), behind_clock_(SystemClock(), -kYearMillis) {
    nodes_.push_back(Node::WithClock(tmp_.Sub("ahead"), &ahead_clock_));
    nodes_.push_back(Node::WithClock(tmp_.Sub("behind"), &behind_clock_));
    nodes_.push_back(Node::WithClock(tmp_.Sub("correct"), SystemClock()));
  }

  // Every node receives every other node's entries; none may be refused.
  void Exchange() {
    for (auto& to : nodes_) {
      for (auto& from : nodes_) {
        if (to == from) continue;
        auto report = to->log->Ingest(from->AllEntries());
        ASSERT_TRUE(report.ok()) << report.status().ToString();
        for (const auto& r : report->refused) ADD_FAILURE() << r.reason.ToString();
      }
    }
  }
  Hash32 Write(Node& n, const Draft& d) {
    auto ids = n.log->Append({d});
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    return ids.ok() ? ids->front() : Hash32{};
  }
  Hash32 Winner(Node& n, const Hash32& doc) { return n.log->GetDoc(doc).value().winner.id; }

  testing::TempDir tmp_;
  OffsetClock ahead_clock_, behind_clock_;
  std::vector<std::unique_ptr<Node>> nodes_;  // ahead, behind, correct
};

TEST_F(ClockSkewTest, NodesAYearApartConvergeAndRefuseNothing) {
  // Each node writes a document of its own, and the ahead node a bulletin
  // (which the others sign receipts for, stamped with their own clocks).
  std::vector<Hash32> docs;
  for (auto& n : nodes_) docs.push_back(Write(*n, testing::NewFaq("by " + ToHex(n->log->self()))));
  Write(*nodes_[0], Draft{Kind::kBulletin, Op::kPut, {}, {}, Bulletin("from the future")});
  Exchange();
  // Each edits the other two's documents, one edit after another, so that
  // every edit is made on top of the one before: the behind node edits
  // what the ahead node wrote a year "later", and the other way round.
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    for (std::size_t j = 0; j < nodes_.size(); ++j) {
      if (i == j) continue;
      Node& n = *nodes_[i];
      Hash32 edit =
          Write(n, testing::EditFaq(docs[j], {Winner(n, docs[j])}, "edit " + std::to_string(i)));
      Exchange();
      for (auto& other : nodes_) EXPECT_EQ(edit, Winner(*other, docs[j])) << i << " on " << j;
    }
  }
  // A restart reloads each node's clock from the store; each then writes
  // again, behind its own latest entry in wall time or not.
  for (auto& n : nodes_) {
    n->Restart();
    Write(*n, testing::NewFaq("after a restart, by " + ToHex(n->log->self())));
  }
  Exchange();

  std::string digest = nodes_[0]->DigestHex();
  for (auto& n : nodes_) {
    EXPECT_EQ(digest, n->DigestHex());
    auto rejected = n->log->Rejections(10).value();
    EXPECT_EQ(0u, rejected.first);
    for (const auto& r : rejected.second) ADD_FAILURE() << r.reason;
    for (const auto& d : docs) {
      auto state = n->log->GetDoc(d).value();
      EXPECT_FALSE(state.conflict());
      EXPECT_EQ(3u, state.versions);  // created, then edited by the other two
    }
    EXPECT_EQ(0u, n->log->Digest().value().pending);
  }
  // 3 documents, 6 edits, 3 after the restarts and the bulletin, at least.
  EXPECT_LE(13u, nodes_[2]->Entries());
}

}  // namespace
}  // namespace mrc::sync
