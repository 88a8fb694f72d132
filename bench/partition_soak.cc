// Partitions (TARGETS.md): five real mrcnode processes on 127.0.0.1, with a
// fault-injecting proxy on each of their ten links, for MRC_SOAK_MINUTES
// minutes (default 30) of rounds of 20-60 s: most rounds split the network
// in two at random for their whole length, and links are cut, refused,
// delayed and restored at random, while documents are written and edited
// at every node; then every link heals and the round measures how long the
// five digests take to agree (the target: 60 s), and checks that
// acknowledged writes are at every node.
// Prints a table; exits non-zero when a round misses the target or loses a
// write. Run through bench/partition_bench.sh.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/cluster.h"
#include "tests/e2e/proxy.h"

namespace mrc::e2e {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

std::uint16_t PortOf(const std::string& address) {
  return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

struct Round {
  double chaos_s = 0;
  int writes = 0, edits = 0, refused_writes = 0, cuts = 0, refusals = 0, delays = 0;
  double converge_s = -1;  // -1: not within the limit
  std::size_t documents = 0;
  std::size_t missing = 0;  // acknowledged writes not found at some node
};

class PartitionSoak : public Cluster {
 protected:
  // A write at `n`; its document id when the node acknowledged it.
  std::string Write(const std::string& n, const std::string& body) {
    auto r = Call(n, "POST", "/api/v1/docs", body);
    if (!r.ok() || r->status != 201) return "";
    json j = json::parse(r->body, nullptr, false);
    return j.is_object() ? j.value("id", "") : "";
  }
  // An edit at `n` of a document it holds, on top of its current heads.
  bool Edit(const std::string& n, const std::string& id, const std::string& question) {
    json doc = Get(n, "/api/v1/docs/" + id);
    if (!doc.is_object() || !doc.contains("heads")) return false;
    json body{{"base", doc["heads"]},
              {"content", {{"question", question}, {"answer", "Edited."}, {"language", "en"}}}};
    auto r = Call(n, "PUT", "/api/v1/docs/" + id, body.dump());
    return r.ok() && r->status == 200;
  }
};

TEST_F(PartitionSoak, LinksCutAtRandomHealAndConverge) {
  const char* env = std::getenv("MRC_SOAK_MINUTES");
  const double minutes = env ? std::atof(env) : 30;
  const std::vector<std::string> names = {"hq", "c1", "c2", "c3", "c4"};
  Init("hq");
  for (std::size_t i = 1; i < names.size(); ++i) Init(names[i], "hq");
  // One proxy on each link: node i dials the next two around the ring,
  // each through a proxy of its own, so that there are several paths
  // between any two nodes and a link can be cut on its own.
  struct Link {
    std::string from, to;
    std::unique_ptr<Proxy> proxy;
  };
  std::vector<Link> links;
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t hop : {1, 2}) {
      Link link{names[i], names[(i + hop) % names.size()], std::make_unique<Proxy>()};
      AddPeer(link.from, link.proxy->address());
      links.push_back(std::move(link));
    }
  }
  for (const auto& n : names) Start(n);
  for (auto& l : links) l.proxy->SetUpstream(PortOf(PeerAddress(l.to)));
  ASSERT_TRUE(Converge(names, seconds(60)));
  std::mt19937 rng(20261125);
  std::vector<Round> rounds;
  std::vector<std::string> acknowledged;
  const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(minutes * 60));
  // Bounded by time and by count.
  for (int r = 0; r < 10000 && Clock::now() < end; ++r) {
    Round round;
    auto chaos_for = seconds(20 + rng() % 41);
    auto chaos_start = Clock::now();
    auto chaos_end = std::min(chaos_start + chaos_for, std::max(chaos_start + seconds(5), end));
    // Most rounds split the network in two for their whole length (each
    // side keeps working); links within a side still fail now and then.
    std::map<std::string, int> side;
    bool split = rng() % 4 != 0;
    for (const auto& n : names) side[n] = split ? static_cast<int>(rng() % 2) : 0;
    auto crosses = [&](const Link& l) { return side[l.from] != side[l.to]; };
    for (auto& l : links) {
      if (!crosses(l)) continue;
      l.proxy->Refuse(true);
      l.proxy->Cut();
      ++round.cuts;
    }
    for (int step = 0; step < 100000 && Clock::now() < chaos_end; ++step) {
      const std::string& n = names[rng() % names.size()];
      Link& l = links[rng() % links.size()];
      switch (rng() % 10) {
        case 0:
          l.proxy->Cut();
          ++round.cuts;
          break;
        case 1:
          if (!crosses(l)) {
            bool refuse = rng() % 2 == 0;
            l.proxy->Refuse(refuse);
            round.refusals += refuse;
          }
          break;
        case 2:
          l.proxy->Delay(milliseconds(rng() % 50));
          ++round.delays;
          break;
        case 3:
          if (!acknowledged.empty() && Edit(n, acknowledged[rng() % acknowledged.size()],
                                            "edited in round " + std::to_string(r) + " at " + n))
            ++round.edits;
          break;
        default: {
          std::string id = Write(
              n, Faq("round " + std::to_string(r) + " step " + std::to_string(step) + " at " + n));
          if (id.empty()) {
            ++round.refused_writes;
          } else {
            acknowledged.push_back(id);
            ++round.writes;
          }
        }
      }
      std::this_thread::sleep_for(milliseconds(50 + rng() % 200));
    }
    round.chaos_s = std::chrono::duration<double>(Clock::now() - chaos_start).count();
    for (auto& l : links) {
      l.proxy->Refuse(false);
      l.proxy->Delay(milliseconds(0));
    }
    auto healed = Clock::now();
    if (Converge(names, seconds(120)))
      round.converge_s = std::chrono::duration<double>(Clock::now() - healed).count();
    json digest = Get("c3", "/api/v1/digest");
    round.documents = digest.is_object() ? digest.value("documents", std::size_t{0}) : 0;
    // Every acknowledged write, at every node (a sample of 200 per round,
    // and all of them in the last round).
    std::vector<std::string> check = acknowledged;
    if (Clock::now() < end && check.size() > 200) {
      std::shuffle(check.begin(), check.end(), rng);
      check.resize(200);
    }
    for (const auto& id : check) {
      for (const auto& n : names) {
        if (!Get(n, "/api/v1/docs/" + id).is_object()) ++round.missing;
      }
    }
    rounds.push_back(round);
    std::fprintf(stderr, "round %d: %.0f s of chaos (%s), %d writes, converged in %.1f s\n", r,
                 round.chaos_s, split ? "split in two" : "links failing", round.writes,
                 round.converge_s);
  }

  for (const auto& n : names) EXPECT_EQ(0, nodes_[n]->Stop()) << n;
  int failed_verifies = 0;
  for (const auto& n : names) failed_verifies += Mrc({"verify", "--data", Dir(n)}).status != 0;

  std::vector<double> times;
  int writes = 0, edits = 0, refused = 0, cuts = 0, refusals = 0, late = 0;
  std::size_t missing = 0;
  for (const auto& r : rounds) {
    writes += r.writes;
    edits += r.edits;
    refused += r.refused_writes;
    cuts += r.cuts;
    refusals += r.refusals;
    missing += r.missing;
    if (r.converge_s < 0 || r.converge_s > 60) ++late;
    times.push_back(r.converge_s < 0 ? 1e9 : r.converge_s);
  }
  std::sort(times.begin(), times.end());
  auto at = [&](double q) {
    return times.empty() ? 0.0 : times[std::min(times.size() - 1, std::size_t(q * times.size()))];
  };
  std::printf("\npartition soak: 5 nodes, %g minutes, %zu rounds of 20-60 s of chaos\n\n", minutes,
              rounds.size());
  std::printf("| what | value |\n|---|---|\n");
  std::printf("| writes acknowledged / refused (node busy) | %d / %d |\n", writes, refused);
  std::printf("| edits | %d |\n", edits);
  std::printf("| links cut / refusals | %d / %d |\n", cuts, refusals);
  std::printf("| documents at the end | %zu |\n", rounds.empty() ? 0 : rounds.back().documents);
  std::printf(
      "| time to identical digests after healing: median / p90 / max | %.1f / %.1f / %.1f s |\n",
      at(0.5), at(0.9), times.empty() ? 0.0 : times.back());
  std::printf("| rounds over 60 s (or not converged in 120 s) | %d |\n", late);
  std::printf("| acknowledged writes missing at some node | %zu |\n", missing);
  std::printf("| nodes failing `mrcnode verify` | %d |\n", failed_verifies);
  EXPECT_EQ(0, late);
  EXPECT_EQ(0u, missing);
  EXPECT_EQ(0, failed_verifies);
}

}  // namespace
}  // namespace mrc::e2e
