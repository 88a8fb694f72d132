#include "sync/peer/reconcile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "sync/crypto/crypto.h"
#include "sync/peer/wire.h"

namespace mrc::sync::reconcile {
namespace {

Hash32 Key(std::initializer_list<std::uint8_t> first) {
  Hash32 k{};
  std::copy(first.begin(), first.end(), k.begin());
  return k;
}

Head At(const Hash32& author, std::uint64_t seq) {
  Head h{author, seq, {}};
  h.id.fill(static_cast<std::uint8_t>(seq));
  return h;
}

TEST(RangeTest, ChildrenSplitAKeyDigitByDigit) {
  Range root;
  EXPECT_TRUE(root.Contains(Key({0xab})));
  Range a = root.Child(0xa);
  Range ab = a.Child(0xb);
  EXPECT_EQ(Key({0xa0}), a.prefix);
  EXPECT_EQ(Key({0xab}), ab.prefix);
  EXPECT_EQ(2, ab.depth);
  EXPECT_TRUE(a.Contains(Key({0xab, 0xff})));
  EXPECT_TRUE(ab.Contains(Key({0xab, 0x00})));
  EXPECT_FALSE(ab.Contains(Key({0xac})));
  EXPECT_FALSE(a.Contains(Key({0xba})));
  EXPECT_TRUE(ab.Child(3).Contains(Key({0xab, 0x3f})));
  EXPECT_FALSE(ab.Child(3).Contains(Key({0xab, 0x4f})));
  for (const Range& r : {root, a, ab, ab.Child(3)}) EXPECT_TRUE(r.Canonical());
  Range bad = a;
  bad.prefix[0] = 0xab;  // a digit past depth 1
  EXPECT_FALSE(bad.Canonical());
  Range whole;
  for (int i = 0; i < kMaxDepth; ++i) whole = whole.Child(0xf);
  EXPECT_TRUE(whole.Canonical());
  Hash32 ones;
  ones.fill(0xff);
  EXPECT_TRUE(whole.Contains(ones));
}

TEST(SnapshotTest, ARangeHoldsExactlyTheKeysWithItsPrefix) {
  std::mt19937 rng(3);
  std::vector<Head> heads;
  for (int i = 0; i < 500; ++i) {
    Hash32 k;
    for (auto& b : k) b = static_cast<std::uint8_t>(rng());
    heads.push_back(At(k, i + 1));
  }
  Snapshot snap(heads);
  std::vector<Range> ranges{Range{}};
  for (int d = 0; d < 16; ++d) {
    ranges.push_back(Range{}.Child(d));
    for (int e = 0; e < 16; ++e) ranges.push_back(Range{}.Child(d).Child(e));
  }
  for (const auto& r : ranges) {
    auto in = snap.In(r);
    std::size_t expected = std::count_if(heads.begin(), heads.end(),
                                         [&](const Head& h) { return r.Contains(h.author); });
    EXPECT_EQ(expected, in.size());
    for (const auto& h : in) EXPECT_TRUE(r.Contains(h.author));
    EXPECT_TRUE(std::is_sorted(in.begin(), in.end(),
                               [](const Head& a, const Head& b) { return a.author < b.author; }));
  }
  EXPECT_EQ(500u, snap.FingerprintOf(Range{}).count);
  ASSERT_NE(nullptr, snap.Find(heads[7].author));
  EXPECT_EQ(heads[7], *snap.Find(heads[7].author));
}

TEST(SnapshotTest, FingerprintsDependOnTheHeadsNotTheirOrder) {
  ASSERT_TRUE(InitCrypto().ok());
  std::vector<Head> heads{At(Key({1}), 3), At(Key({2}), 5), At(Key({0x91}), 1)};
  Snapshot one(heads);
  std::reverse(heads.begin(), heads.end());
  Snapshot two(heads);
  EXPECT_EQ(one.FingerprintOf(Range{}), two.FingerprintOf(Range{}));
  EXPECT_EQ(9u, one.FingerprintOf(Range{}).entries);
  EXPECT_EQ(2u, one.FingerprintOf(Range{}.Child(0)).count);

  // Another seq, another id at the same seq, a missing feed: all differ.
  auto changed = [&](std::vector<Head> h) { return Snapshot(h).FingerprintOf(Range{}); };
  auto base = one.FingerprintOf(Range{});
  auto other_seq = heads;
  other_seq[0].seq++;
  EXPECT_NE(base.hash, changed(other_seq).hash);
  auto other_id = heads;
  other_id[1].id[0] ^= 1;
  EXPECT_NE(base.hash, changed(other_id).hash);
  EXPECT_EQ(base.entries, changed(other_id).entries);
  auto fewer = heads;
  fewer.pop_back();
  EXPECT_NE(base, changed(fewer));
  EXPECT_EQ(Fingerprint{}, Snapshot({}).FingerprintOf(Range{}));
}

wire::Message Ranges(std::vector<wire::RangeItem> items) {
  return wire::Message(wire::ReconcileMsg{std::move(items)});
}

TEST(ReconcileWireTest, RangeItemsTravelIntact) {
  wire::RangeItem fp;
  fp.range = Range{}.Child(0xc).Child(0x4).Child(0x7);
  fp.fingerprint.count = 12;
  fp.fingerprint.entries = std::uint64_t{1} << 40;
  fp.fingerprint.hash.fill(0x5a);
  wire::RangeItem heads;
  heads.range = Range{}.Child(0x1);
  heads.kind = wire::RangeItem::Kind::kHeads;
  heads.heads = {At(Key({0x10}), 1), At(Key({0x1f, 0xff}), 9)};
  wire::RangeItem answer = heads;
  answer.kind = wire::RangeItem::Kind::kAnswer;
  answer.heads.pop_back();
  Bytes bytes = wire::Encode(Ranges({fp, heads, answer}));
  auto back = wire::Decode(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  const auto& m = std::get<wire::ReconcileMsg>(*back);
  ASSERT_EQ(3u, m.items.size());
  EXPECT_EQ(fp.range, m.items[0].range);
  EXPECT_EQ(fp.fingerprint, m.items[0].fingerprint);
  EXPECT_EQ(heads.heads, m.items[1].heads);
  EXPECT_EQ(wire::RangeItem::Kind::kAnswer, m.items[2].kind);
  EXPECT_EQ(answer.heads, m.items[2].heads);
  // Depth 3 takes two prefix bytes: 1 type + 4 count + (1 + 2 + 1 + 28).
  EXPECT_EQ('R', bytes[0]);
  EXPECT_EQ(wire::Encode(Ranges({fp})).size(), 37u);
}

TEST(ReconcileWireTest, MalformedRangesAreRefused) {
  wire::RangeItem heads;
  heads.range = Range{}.Child(0x1);
  heads.kind = wire::RangeItem::Kind::kHeads;
  heads.heads = {At(Key({0x10}), 1), At(Key({0x11}), 2)};
  ASSERT_TRUE(wire::Decode(wire::Encode(Ranges({heads}))).ok());
  auto refused = [](const wire::RangeItem& item) {
    return !wire::Decode(wire::Encode(Ranges({item}))).ok();
  };
  auto outside = heads;
  outside.heads[1].author = Key({0x21});
  EXPECT_TRUE(refused(outside));
  auto unordered = heads;
  std::swap(unordered.heads[0], unordered.heads[1]);
  EXPECT_TRUE(refused(unordered));
  auto twice = heads;
  twice.heads[1] = twice.heads[0];
  EXPECT_TRUE(refused(twice));
  auto loose = heads;
  loose.range.prefix[0] = 0x11;  // a digit past the range's depth
  loose.heads = {};
  EXPECT_TRUE(refused(loose));

  Bytes good = wire::Encode(Ranges({heads}));
  EXPECT_FALSE(wire::Decode(good + "x").ok());
  EXPECT_FALSE(wire::Decode(good.substr(0, good.size() - 1)).ok());
  Bytes deep = good;
  deep[5] = 65;  // depth past a whole key
  EXPECT_FALSE(wire::Decode(deep).ok());
  Bytes kind = good;
  kind[7] = 3;
  EXPECT_FALSE(wire::Decode(kind).ok());

  // A feed is held from seq 1; a fingerprint counts at least one entry a
  // feed, and one of no feed is all zeros.
  auto at_zero = heads;
  at_zero.heads[0].seq = 0;
  EXPECT_TRUE(refused(at_zero));
  wire::RangeItem fp;
  fp.fingerprint = {2, 2, {}};
  EXPECT_FALSE(refused(fp));
  fp.fingerprint.entries = 1;
  EXPECT_TRUE(refused(fp));
  fp.fingerprint = {0, 0, {}};
  EXPECT_FALSE(refused(fp));
  fp.fingerprint.hash[3] = 1;
  EXPECT_TRUE(refused(fp));
  // No ranges at all, or more than the message could hold: nothing is
  // allocated for a count the bytes cannot back.
  EXPECT_FALSE(wire::Decode(wire::Encode(Ranges({}))).ok());
  Bytes many = wire::Encode(Ranges({fp}));
  many[1] = 0x00, many[2] = 0x01, many[3] = 0x00, many[4] = 0x00;  // 65,536 items
  EXPECT_FALSE(wire::Decode(many).ok());
}

// A peer's list must add up to the fingerprint it sent for the range.
TEST(SnapshotTest, AListIsCheckedAgainstItsFingerprint) {
  ASSERT_TRUE(InitCrypto().ok());
  std::vector<Head> heads{At(Key({1}), 3), At(Key({2}), 5), At(Key({0x91}), 1)};
  Snapshot snap(heads);
  auto in = snap.In(Range{});
  EXPECT_EQ(snap.FingerprintOf(Range{}), FingerprintOf(in));
  EXPECT_EQ(snap.FingerprintOf(Range{}.Child(0)), FingerprintOf(snap.In(Range{}.Child(0))));
  EXPECT_EQ(Fingerprint{}, FingerprintOf({}));
  std::vector<Head> other(in.begin(), in.end());
  other[2].id[5] ^= 1;  // same authors, same seqs, another entry
  EXPECT_NE(snap.FingerprintOf(Range{}), FingerprintOf(other));
}

}  // namespace
}  // namespace mrc::sync::reconcile
