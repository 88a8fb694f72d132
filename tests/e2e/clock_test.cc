// Real mrcnode processes whose clocks are a year apart (the test setting
// MRC_CLOCK_OFFSET_MS, docs/testing.md): what they write converges over TCP,
// and nothing is refused for its time alone.
#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "tests/e2e/cluster.h"

namespace mrc::e2e {
namespace {

using nlohmann::json;
using ClockTest = Cluster;

constexpr long long kYearMillis = 365LL * 24 * 3600 * 1000;

// Days since the epoch of an RFC 3339 time ("2027-01-15T08:00:00.000Z").
long long Days(const std::string& rfc3339) {
  std::tm tm{};
  if (!strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return -1;
  return static_cast<long long>(timegm(&tm)) / 86400;
}

TEST_F(ClockTest, NodesAYearApartConvergeAndRefuseNothing) {
  // Headquarters keeps the right time; the two others join as hq members,
  // so that each may edit every document.
  const std::vector<std::string> names = {"hq", "ahead", "behind"};
  std::map<std::string, std::vector<std::string>> env = {
      {"hq", {}},
      {"ahead", {"MRC_CLOCK_OFFSET_MS=" + std::to_string(kYearMillis)}},
      {"behind", {"MRC_CLOCK_OFFSET_MS=" + std::to_string(-kYearMillis)}}};
  Init("hq");
  for (const std::string n : {"ahead", "behind"}) {
    Init(n, "hq", /*enrol=*/false);
    std::string req = Dir(n) + ".request";
    ASSERT_EQ(0, Mrc({"member", "request", "--data", Dir(n), "--name", n, "--out", req}).status);
    ASSERT_EQ(0, Mrc({"member", "approve", "--data", Dir("hq"), "--roles", "hq", req}).status);
  }
  Start("hq");
  for (const std::string n : {"ahead", "behind"}) {
    AddPeer(n, PeerAddress("hq"));
    ASSERT_FALSE(Start(n, env[n]).empty());
  }

  // Each writes a document; its time is its own clock's.
  std::map<std::string, std::string> doc;
  for (const auto& n : names) doc[n] = Post(n, Faq("written at " + n))["id"];
  ASSERT_TRUE(Converge(names));
  long long hq_day = Days(Get("hq", "/api/v1/docs/" + doc["hq"])["created_at"]);
  EXPECT_NEAR(hq_day + 365, Days(Get("hq", "/api/v1/docs/" + doc["ahead"])["created_at"]), 1);
  EXPECT_NEAR(hq_day - 365, Days(Get("hq", "/api/v1/docs/" + doc["behind"])["created_at"]), 1);

  // Each edits the other two's documents, one edit after another: each
  // edit replaces the one before, two years apart in either direction.
  for (const auto& n : names) {
    for (const auto& owner : names) {
      if (n == owner) continue;
      std::string question = "edited at " + n;
      json edit{{"content", {{"question", question}, {"answer", "A"}, {"language", "en"}}}};
      auto r = Call(n, "PUT", "/api/v1/docs/" + doc[owner], edit.dump());
      ASSERT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.status().ToString());
      ASSERT_TRUE(Converge(names)) << question << " on " << owner;
      for (const auto& m : names) {
        json d = Get(m, "/api/v1/docs/" + doc[owner]);
        EXPECT_EQ(question, d["content"]["question"]) << m << ": " << d.dump();
        EXPECT_FALSE(d["conflict"].get<bool>()) << m;
      }
    }
  }

  // Restarted, each node writes again: its clock now starts from the store,
  // behind what it wrote last when that was an edit of a later document.
  // Headquarters listens on a new port: the others are told it.
  for (const auto& n : names) ASSERT_EQ(0, nodes_[n]->Stop());
  Start("hq");
  for (const std::string n : {"ahead", "behind"}) {
    AddPeer(n, PeerAddress("hq"));
    ASSERT_FALSE(Start(n, env[n]).empty());
  }
  for (const auto& n : names) Post(n, Faq("written at " + n + " after a restart"));
  ASSERT_TRUE(Converge(names));

  for (const auto& n : names) {
    json status = Get(n, "/api/v1/status");
    EXPECT_EQ(6u, status["documents"].get<std::uint64_t>()) << n;
    EXPECT_EQ(0u, status["pending"].get<std::uint64_t>()) << n;
    EXPECT_EQ(0u, status["trust"]["rejected"].get<std::uint64_t>())
        << n << ": " << status["trust"]["rejections"].dump();
  }
}

}  // namespace
}  // namespace mrc::e2e
