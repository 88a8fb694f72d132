#include "sync/bundle/bundle.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using testing::EditFaq;
using testing::NewFaq;
using testing::Node;
using testing::TempDir;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
  // "ok" or the import error's code and message.
  std::string Import(Node& n, const std::string& path) {
    auto r = ImportBundle(n.log.get(), path);
    return r.ok() ? "ok" : r.status().ToString();
  }
  TempDir tmp_;
};

TEST_F(BundleTest, RoundTripThroughAThirdNode) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b")), c(tmp_.Sub("c"));
  Hash32 doc = a.log->Append({NewFaq("from a")}).value().front();
  a.log->Append({EditFaq(doc, {doc}, "edited at a"), NewFaq("second")}).value();
  b.log->Append({NewFaq("from b")}).value();

  auto stats = ExportBundle(a.log.get(), nullptr, tmp_.Sub("a.bundle")).value();
  // Everything a holds: its 3 entries and the 3 approvals of a, b and c.
  EXPECT_EQ(6u, stats.entries);
  auto imported = ImportBundle(b.log.get(), tmp_.Sub("a.bundle")).value();
  EXPECT_EQ(3u, imported.accepted);
  // b now relays a's entries along with its own.
  ExportBundle(b.log.get(), nullptr, tmp_.Sub("b.bundle")).value();
  EXPECT_EQ("ok", Import(c, tmp_.Sub("b.bundle")));
  EXPECT_EQ(b.DigestHex(), c.DigestHex());
  EXPECT_EQ(4u, c.Entries());
  // Importing twice changes nothing.
  auto again = ImportBundle(c.log.get(), tmp_.Sub("b.bundle")).value();
  EXPECT_EQ(0u, again.accepted);
  EXPECT_EQ(7u, again.duplicates);
  EXPECT_EQ(b.DigestHex(), c.DigestHex());
}

TEST_F(BundleTest, ForASummaryOnlyWhatIsMissing) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  a.log->Append({NewFaq("1"), NewFaq("2")}).value();
  b.log->Ingest(a.AllEntries()).value();
  a.log->Append({NewFaq("3")}).value();
  Summary s = MakeSummary(b.log.get()).value();
  Summary parsed = SummaryFromJson(SummaryToJson(s)).value();
  EXPECT_EQ(s.feeds, parsed.feeds);
  auto stats = ExportBundle(a.log.get(), &parsed, tmp_.Sub("delta")).value();
  EXPECT_EQ(1u, stats.entries);
  EXPECT_EQ("ok", Import(b, tmp_.Sub("delta")));
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
  EXPECT_FALSE(SummaryFromJson("{}").ok());
}

TEST_F(BundleTest, TruncatedCorruptedAndForeignBundlesAreRejected) {
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  a.log->Append({NewFaq("1"), NewFaq("2"), NewFaq("3")}).value();
  std::string path = tmp_.Sub("x.bundle");
  ExportBundle(a.log.get(), nullptr, path).value();
  std::string good = ReadAll(path);
  std::string before = b.DigestHex();
  std::string bad = tmp_.Sub("bad.bundle");
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, std::size_t{40}, std::size_t{41},
                          good.size() / 2, good.size() - 33, good.size() - 1}) {
    WriteAll(bad, good.substr(0, cut));
    EXPECT_NE("ok", Import(b, bad)) << "cut at " << cut;
  }
  WriteAll(bad, good + "x");
  EXPECT_NE("ok", Import(b, bad));
  for (std::size_t pos = 0; pos < good.size(); pos += 7) {
    std::string flipped = good;
    flipped[pos] ^= 0x10;
    WriteAll(bad, flipped);
    EXPECT_NE("ok", Import(b, bad)) << "flip at " << pos;
  }
  EXPECT_EQ(before, b.DigestHex()) << "nothing may be applied from a bad bundle";

  Hash32 other{};
  other.fill(3);
  Node foreign(tmp_.Sub("f"), GenerateKeyPair(), other);
  EXPECT_NE(std::string::npos, Import(foreign, path).find("another network"));
  EXPECT_EQ("ok", Import(b, path));
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
}

// Two copies of one key at the same seq: a bundle made for the other's
// summary still carries the differing entry, and the fork is found.
TEST_F(BundleTest, ABundleForASummaryRevealsAForkAtTheSameSeq) {
  KeyPair cloned = GenerateKeyPair();
  Node a(tmp_.Sub("a")), b(tmp_.Sub("b"));
  testing::Admit(cloned);
  Node one(tmp_.Sub("one"), cloned, testing::TestNetwork(), Node::Mode::kObserve);
  Node two(tmp_.Sub("two"), cloned, testing::TestNetwork(), Node::Mode::kObserve);
  one.log->Append({NewFaq("one")}).value();
  two.log->Append({NewFaq("two")}).value();
  a.log->Ingest(one.AllEntries()).value();
  b.log->Ingest(two.AllEntries()).value();
  Summary of_b = MakeSummary(b.log.get()).value();
  auto round_trip = SummaryFromJson(SummaryToJson(of_b));
  ASSERT_TRUE(round_trip.ok()) << round_trip.status().ToString();
  ASSERT_EQ(of_b.heads, round_trip->heads);
  ExportBundle(a.log.get(), &*round_trip, tmp_.Sub("for-b.bundle")).value();
  ASSERT_TRUE(ImportBundle(b.log.get(), tmp_.Sub("for-b.bundle")).ok());
  EXPECT_EQ(1u, b.log->ForkEvidence(cloned.public_key).value().size());
}

}  // namespace
}  // namespace mrc::sync
