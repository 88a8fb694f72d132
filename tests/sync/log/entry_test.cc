#include "sync/log/entry.h"

#include <gtest/gtest.h>

#include "sync/kinds.h"
#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using testing::MakeEntry;
using testing::ProblemNameOf;
using testing::TestNetwork;

Entry Sample() {
  Entry e;
  e.kind = Kind::kGuide;
  e.op = Op::kPut;
  e.seq = 3;
  e.prev.fill(1);
  e.hlc = 0x0123456789abcdefULL;
  e.doc.fill(2);
  Hash32 a{}, b{};
  a.fill(3);
  b.fill(4);
  e.parents = {a, b};
  return e;
}

// What a node with this version's rules finds wrong in an entry as it
// arrives: its frame (DecodeEntry), then its kind's shape.
std::string DecodeProblem(std::string_view bytes) {
  auto d = DecodeEntry(bytes);
  if (!d.ok()) return ProblemNameOf(d.status());
  const EntryRules* rules = StandardKinds().For(d->entry.kind);
  Status shape = rules ? rules->CheckShape(d->entry) : Status::Ok();
  return shape.ok() ? "ok" : ProblemNameOf(shape);
}

TEST(EntryTest, RoundTripIsCanonical) {
  ASSERT_TRUE(InitCrypto().ok());
  KeyPair key = GenerateKeyPair();
  Hash32 id;
  Incoming in = MakeEntry(key, Sample(), "{}", &id);
  auto d = DecodeEntry(in.signed_form);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(id, d->id);
  EXPECT_EQ(3u, d->entry.seq);
  EXPECT_EQ(Kind::kGuide, d->entry.kind);
  EXPECT_EQ(2u, d->entry.parents.size());
  EXPECT_EQ(key.public_key, d->entry.author);
  EXPECT_TRUE(CheckSignature(TestNetwork(), *d));
  // Re-encoding the decoded entry gives the same bytes, hence the same id.
  Bytes again = EncodeBody(d->entry);
  EXPECT_EQ(in.signed_form.substr(0, in.signed_form.size() - 64), again);
  EXPECT_EQ(kFixedBodyBytes + 64 + 64, in.signed_form.size());
}

TEST(EntryTest, SignatureIsBoundToTheNetwork) {
  KeyPair key = GenerateKeyPair();
  Incoming in = MakeEntry(key, Sample(), "{}");
  auto d = DecodeEntry(in.signed_form);
  ASSERT_TRUE(d.ok());
  Hash32 other{};
  other.fill(9);
  EXPECT_FALSE(CheckSignature(other, *d));
}

TEST(EntryTest, StrictDecoding) {
  KeyPair key = GenerateKeyPair();
  Bytes good = MakeEntry(key, Sample(), "{}").signed_form;
  EXPECT_EQ("ok", DecodeProblem(good));
  EXPECT_EQ("malformed", DecodeProblem(good.substr(0, 100)));
  EXPECT_EQ("malformed", DecodeProblem(good + "x"));
  Bytes bad_format = good;
  bad_format[0] = 2;
  EXPECT_EQ("malformed", DecodeProblem(bad_format));
  Bytes bad_kind = good;
  bad_kind[1] = 0;
  EXPECT_EQ("unknown-kind", DecodeProblem(bad_kind));
  // A later version's kind, with an op of its own, is an entry all the same.
  Bytes later_kind = good;
  later_kind[1] = 10;
  later_kind[2] = 7;
  EXPECT_EQ("ok", DecodeProblem(later_kind));
  Bytes bad_op = good;
  bad_op[2] = 5;
  EXPECT_EQ("malformed", DecodeProblem(bad_op));
  EXPECT_EQ("oversized-entry", DecodeProblem(Bytes(kMaxEntryBytes + 1, '\1')));

  Entry unsorted = Sample();
  std::swap(unsorted.parents[0], unsorted.parents[1]);
  EXPECT_EQ("malformed", DecodeProblem(MakeEntry(key, unsorted, "{}").signed_form));
  Entry seq0 = Sample();
  seq0.seq = 0;
  EXPECT_EQ("malformed", DecodeProblem(MakeEntry(key, seq0, "{}").signed_form));
  Entry first_with_prev = Sample();
  first_with_prev.seq = 1;
  EXPECT_EQ("malformed", DecodeProblem(MakeEntry(key, first_with_prev, "{}").signed_form));
  Entry root_with_parents = Sample();
  root_with_parents.doc = Hash32{};
  EXPECT_EQ("malformed", DecodeProblem(MakeEntry(key, root_with_parents, "{}").signed_form));
  Entry edit_without_parents = Sample();
  edit_without_parents.parents.clear();
  EXPECT_EQ("malformed", DecodeProblem(MakeEntry(key, edit_without_parents, "{}").signed_form));

  Entry many = Sample();
  many.parents.clear();
  for (int i = 0; i <= static_cast<int>(kMaxParents); ++i) {
    Hash32 p{};
    p[0] = static_cast<std::uint8_t>(i);
    many.parents.push_back(p);
  }
  EXPECT_EQ("oversized-entry", DecodeProblem(MakeEntry(key, many, "{}").signed_form));
}

TEST(EntryTest, OversizedPayloadAndMismatch) {
  KeyPair key = GenerateKeyPair();
  Entry e = Sample();
  Incoming in = MakeEntry(key, e, "{}");
  auto d = DecodeEntry(in.signed_form);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(CheckPayload(d->entry, "{}").ok());
  EXPECT_EQ("payload-mismatch", ProblemNameOf(CheckPayload(d->entry, "{ }")));
  EXPECT_EQ("oversized-payload",
            ProblemNameOf(CheckPayload(d->entry, std::string(kMaxPayloadBytes + 1, 'x'))));

  Entry big = Sample();
  Bytes body;
  big.payload_size = kMaxPayloadBytes + 1;
  big.payload_hash = Blake2b256("x");
  Hash32 id;
  Bytes signed_form = SignEntry(key, TestNetwork(), &big, &id);
  // SignEntry keeps the caller's size; the decoder refuses it.
  EXPECT_EQ("oversized-payload", DecodeProblem(signed_form));
}

TEST(EntryTest, HybridClockIsMonotonic) {
  HybridClock clock;
  std::uint64_t last = 0;
  for (int i = 0; i < 10000; ++i) {
    std::uint64_t t = clock.Now();
    ASSERT_GT(t, last);
    last = t;
  }
  clock.Observe(last + (1000ULL << 16));
  EXPECT_GT(clock.Now(), last + (1000ULL << 16));
  EXPECT_EQ("1970-01-01T00:00:01.500Z", FormatTime(1500));
}

TEST(EntryTest, HybridClockReadsTheClockItIsGiven) {
  ManualClock wall(1'000'000);
  HybridClock clock(&wall);
  EXPECT_EQ(1'000'000ULL << 16, clock.Now());
  EXPECT_EQ((1'000'000ULL << 16) + 1, clock.Now());  // the same millisecond: the counter
  wall.Advance(5);
  EXPECT_EQ(1'000'005ULL << 16, clock.Now());
  // Observed: a remote clock up to the drift limit ahead of this wall clock,
  // not one beyond it.
  std::uint64_t limit = (1'000'005 + HybridClock::kMaxDriftMillis) << 16;
  clock.Observe(limit + (1ULL << 16));
  EXPECT_EQ((1'000'005ULL << 16) + 1, clock.Now());
  clock.Observe(limit);
  EXPECT_EQ(limit + 1, clock.Now());
  // Advanced: any value (a parent's time, this node's own last entry).
  clock.Advance(limit << 1);
  EXPECT_EQ((limit << 1) + 1, clock.Now());
}

}  // namespace
}  // namespace mrc::sync

namespace mrc::sync {
namespace {

// Mutated and truncated entries never crash the decoder, and anything it
// accepts re-encodes to the same bytes (one encoding per entry).
TEST(EntryTest, MutatedInputIsHandled) {
  KeyPair key = GenerateKeyPair();
  Bytes good = MakeEntry(key, Sample(), "{}").signed_form;
  std::mt19937 rng(42);
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes b = good;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) b[rng() % b.size()] = static_cast<char>(rng());
    if (rng() % 4 == 0) b.resize(rng() % (b.size() + 1));
    auto d = DecodeEntry(b);
    if (!d.ok()) {
      Problem p;
      ASSERT_TRUE(ProblemOf(d.status(), &p)) << d.status().ToString();
      continue;
    }
    ++accepted;
    Bytes again = EncodeBody(d->entry);
    ASSERT_EQ(b.substr(0, b.size() - 64), again);
    ASSERT_FALSE(CheckSignature(TestNetwork(), *d) && b != good);
  }
  EXPECT_GT(accepted, 0);
}

TEST(EntryTest, RandomPayloadsAreRefusedCleanly) {
  std::mt19937 rng(7);
  for (int round = 0; round < 5000; ++round) {
    std::string p(rng() % 64, '\0');
    static constexpr char kAlphabet[] = "{}[]\":,ab0\\\xc3\xa9 ";
    for (auto& c : p) c = kAlphabet[rng() % (sizeof kAlphabet - 1)];
    for (Kind k : {Kind::kFaq, Kind::kGuide, Kind::kBulletin, Kind::kCentre}) {
      Status s = ValidatePayload(k, p);
      ASSERT_TRUE(s.ok() || s.code() == Status::Code::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace mrc::sync
