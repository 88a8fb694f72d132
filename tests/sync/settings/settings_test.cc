// Network settings as every node applies them: only headquarters sets
// them, the value in force is the same whatever order entries arrive in and
// after a rebuild, and values a name cannot hold are refused. The
// multi-process version is in tests/e2e/settings_test.cc.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sync/settings/setting.h"
#include "sync/settings/settings_service.h"
#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using nlohmann::json;
using testing::Forge;
using testing::Node;
using testing::TempDir;
using testing::TestRoot;

constexpr std::string_view kName = settings::kReviewIntervals;

std::string Intervals(int faq, int visas = -1) {
  json v = {{"faq", faq}, {"guide", 12}, {"centre", 24}};
  if (visas >= 0) v["guide_topics"] = {{"visas-and-embassy", visas}};
  return v.dump();
}

// The faq months in force on a node.
std::uint32_t FaqMonths(Node& n) { return NetworkReviewIntervals(*n.log).value().faq; }

// The clock of the entry that set the value in force on a node.
std::uint64_t HlcInForce(Node& n) {
  auto id = Hash32FromHex(settings::GetSetting(*n.log, kName).value()->id).value();
  return n.log->GetVersion(id).value().entry.hlc;
}

std::string Ingest(Node& to, const std::vector<Incoming>& entries) {
  auto r = to.log->Ingest(entries);
  if (!r.ok()) return r.status().ToString();
  return r->refused.empty() ? "ok" : r->refused.front().reason.ToString();
}

class SettingsTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(SettingsTest, DefaultsUntilHeadquartersSetsThem) {
  Node hq(dir_.Sub("hq"));
  EXPECT_EQ(DefaultReviewIntervals(), NetworkReviewIntervals(*hq.log).value());
  EXPECT_FALSE(settings::GetSetting(*hq.log, kName).value().has_value());

  auto set = settings::SetSetting(*hq.log, kName, Intervals(3, 2));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(ToHex(hq.log->self()), set->author);
  ReviewIntervals r = NetworkReviewIntervals(*hq.log).value();
  EXPECT_EQ(3u, r.faq);
  EXPECT_EQ(24u, r.centre);
  EXPECT_EQ(2u, IntervalFor(r, Kind::kGuide, "visas-and-embassy"));
  EXPECT_EQ(12u, IntervalFor(r, Kind::kGuide, "citizenship"));
}

TEST_F(SettingsTest, OldValuesStayReadable) {
  Node hq(dir_.Sub("hq"));
  for (int m : {3, 4, 5}) ASSERT_TRUE(settings::SetSetting(*hq.log, kName, Intervals(m)).ok());
  auto history = settings::SettingHistory(*hq.log, kName, 10).value();
  ASSERT_EQ(3u, history.size());
  EXPECT_EQ(5, json::parse(history[0].value)["faq"]);
  EXPECT_EQ(3, json::parse(history[2].value)["faq"]);
  EXPECT_EQ(history[0].id, settings::GetSetting(*hq.log, kName).value()->id);
  EXPECT_EQ(2u, settings::SettingHistory(*hq.log, kName, 2).value().size());
}

TEST_F(SettingsTest, InvalidValuesAreRefused) {
  Node hq(dir_.Sub("hq"));
  auto code = [&](std::string_view name, const std::string& value) {
    auto r = settings::SetSetting(*hq.log, name, value);
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_EQ("unknown setting 'colours'", code("colours", "{}"));
  EXPECT_EQ("faq: required", code(kName, R"({"guide":1,"centre":1})"));
  EXPECT_EQ("faq: months must be from 0 to 120, not 121", code(kName, Intervals(121)));
  EXPECT_EQ("faq: months must be from 0 to 120, not -1",
            code(kName, R"({"faq":-1,"guide":1,"centre":1})"));
  EXPECT_EQ("faq: months must be a whole number",
            code(kName, R"({"faq":1.5,"guide":1,"centre":1})"));
  EXPECT_EQ("unknown key 'bulletin'",
            code(kName, R"({"faq":1,"guide":1,"centre":1,"bulletin":1})"));
  EXPECT_EQ("guide_topics: unknown topic 'astrology'",
            code(kName, R"({"faq":1,"guide":1,"centre":1,"guide_topics":{"astrology":1}})"));
  EXPECT_EQ("guide_topics.study: months must be from 0 to 120, not 500",
            code(kName, R"({"faq":1,"guide":1,"centre":1,"guide_topics":{"study":500}})"));
  EXPECT_EQ("the value is not JSON", code(kName, "{"));
  EXPECT_EQ("review intervals are a JSON object", code(kName, "[]"));
  EXPECT_EQ("ok", code(kName, Intervals(0, 120)));
  EXPECT_EQ(1u, settings::SettingHistory(*hq.log, kName, 10).value().size());
}

TEST_F(SettingsTest, OnlyHeadquartersSetsThemOnEveryNode) {
  Node hq(dir_.Sub("hq"));
  auto centre = Node::Centre(dir_.Sub("centre"));
  auto own = settings::SetSetting(*centre->log, kName, Intervals(1));
  EXPECT_EQ(Status::Code::kPermissionDenied, own.status().code());
  EXPECT_NE(std::string::npos,
            own.status().message().find("only headquarters sets network settings"))
      << own.status().ToString();

  // A modified centre signs one all the same: applied nowhere, and the
  // reason kept.
  Hash32 id;
  Incoming forged = Forge(*centre, Kind::kSetting, Op::kPut, Hash32{}, {},
                          settings::SettingPayload(kName, json::parse(Intervals(1))), &id);
  EXPECT_EQ("ok", Ingest(hq, {forged}));
  for (Node* n : {&hq, centre.get()}) {
    EXPECT_EQ(DefaultReviewIntervals().faq, FaqMonths(*n));
    auto v = n->log->GetVersion(id).value();
    EXPECT_EQ(Effect::kRejected, v.effect);
  }
  EXPECT_EQ(hq.DigestHex(), centre->DigestHex());
}

TEST_F(SettingsTest, AValueTheNameCannotHoldIsRejectedOnArrival) {
  Node hq(dir_.Sub("hq"));
  Hash32 id;
  Forge(hq, Kind::kSetting, Op::kPut, Hash32{}, {},
        settings::SettingPayload(kName, json::parse(Intervals(999))), &id);
  EXPECT_EQ(Effect::kRejected, hq.log->GetVersion(id).value().effect);
  EXPECT_EQ(DefaultReviewIntervals(), NetworkReviewIntervals(*hq.log).value());
  // A name of a later version is kept, and read by no one here.
  Forge(hq, Kind::kSetting, Op::kPut, Hash32{}, {},
        settings::SettingPayload("visit-form", json::object({{"fields", 3}})), &id);
  EXPECT_EQ(Effect::kApplied, hq.log->GetVersion(id).value().effect);
}

TEST_F(SettingsTest, TheValueInForceDoesNotDependOnArrivalOrder) {
  Node a(dir_.Sub("a")), b(dir_.Sub("b"));
  ASSERT_TRUE(settings::SetSetting(*a.log, kName, Intervals(3)).ok());
  ASSERT_TRUE(settings::SetSetting(*b.log, kName, Intervals(7)).ok());
  auto from_a = a.AllEntries(), from_b = b.AllEntries();
  // The later by (hlc, id), as every node orders them.
  auto in_force = [](Node& n) {
    return std::make_pair(HlcInForce(n), settings::GetSetting(*n.log, kName).value()->id);
  };
  std::uint32_t later = in_force(b) > in_force(a) ? 7 : 3;

  auto c = Node::Observe(dir_.Sub("c"));
  auto d = Node::Observe(dir_.Sub("d"));
  for (Node* n : {c.get(), d.get()}) ASSERT_EQ("ok", Ingest(*n, TestRoot::Get().feed()));
  ASSERT_EQ("ok", Ingest(*c, from_a));
  ASSERT_EQ("ok", Ingest(*c, from_b));
  ASSERT_EQ("ok", Ingest(*d, from_b));
  ASSERT_EQ("ok", Ingest(*d, from_a));
  ASSERT_EQ("ok", Ingest(a, from_b));
  ASSERT_EQ("ok", Ingest(b, from_a));
  for (Node* n : {&a, &b, c.get(), d.get()}) {
    EXPECT_EQ(later, FaqMonths(*n));
    EXPECT_EQ(2u, settings::SettingHistory(*n->log, kName, 10).value().size());
  }
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
  EXPECT_EQ(a.DigestHex(), c->DigestHex());
  EXPECT_EQ(a.DigestHex(), d->DigestHex());
}

TEST_F(SettingsTest, ARebuildComesToTheSameValue) {
  Node a(dir_.Sub("a")), b(dir_.Sub("b"));
  ASSERT_TRUE(settings::SetSetting(*a.log, kName, Intervals(3)).ok());
  ASSERT_EQ("ok", Ingest(b, a.AllEntries()));
  ASSERT_TRUE(settings::SetSetting(*b.log, kName, Intervals(7)).ok());
  ASSERT_EQ("ok", Ingest(a, b.AllEntries()));
  EXPECT_EQ(7u, FaqMonths(a));
  std::string before = a.DigestHex();

  // Revoking an unrelated key reaches back into what was judged: every
  // effect is recomputed, to the same value.
  KeyPair other = GenerateKeyPair();
  testing::Admit(other);
  Statement st;
  st.type = Statement::Type::kRevoke;
  st.key = other.public_key;
  st.from_seq = 1;
  st.reason = "test";
  TestRoot::Get().Sign(st);
  TestRoot::Get().Broadcast();
  EXPECT_EQ(7u, FaqMonths(a));
  EXPECT_EQ(a.DigestHex(), b.DigestHex());

  // Revoking b's setting makes a's the one in force again, everywhere.
  st.key = b.log->self();
  TestRoot::Get().Sign(st);
  TestRoot::Get().Broadcast();
  EXPECT_EQ(3u, FaqMonths(a));
  EXPECT_EQ(3u, FaqMonths(b));
  EXPECT_EQ(a.DigestHex(), b.DigestHex());
  EXPECT_NE(before, a.DigestHex());
  EXPECT_EQ(1u, settings::SettingHistory(*a.log, kName, 10).value().size());
}

}  // namespace
}  // namespace mrc::sync
