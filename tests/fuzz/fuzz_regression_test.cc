// The fuzz targets (tests/fuzz/targets.h) in the test suite, so that the
// sanitizer build runs them on every change: each target's seeds, every
// input kept under tests/fuzz/corpus/TARGET/ (what fuzzing found, and
// inputs that reach deep paths), and a fixed number of mutations of the
// seeds made from a fixed random sequence. A broken property aborts the
// test binary with the property's name.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/targets.h"

namespace mrc::fuzz {
namespace {

constexpr int kMutationsPerSeed = 3000;
constexpr auto kTimePerTarget = std::chrono::seconds(15);

std::vector<std::string> Kept(std::string_view target) {
  std::vector<std::string> out;
  std::filesystem::path dir = std::filesystem::path(MRC_FUZZ_CORPUS) / std::string(target);
  if (!std::filesystem::is_directory(dir)) return out;
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(dir)) files.push_back(f.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

// One of the changes a fuzzer makes: flip a bit, set a byte to an edge
// value, insert or erase a run, repeat a run, or splice in part of another
// input.
std::string Mutate(std::string s, const std::vector<std::string>& pool, std::mt19937& random) {
  auto pick = [&](std::size_t n) { return n == 0 ? 0 : random() % n; };
  int changes = 1 + static_cast<int>(random() % 4);
  for (int c = 0; c < changes; ++c) {
    switch (random() % 6) {
      case 0:
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1 << (random() % 8));
        break;
      case 1:
        if (!s.empty()) {
          static const char kEdges[] = {'\0', '\x01', '\x7f', '\x80', '\xff', '"', '\\', '<'};
          s[pick(s.size())] = kEdges[random() % sizeof kEdges];
        }
        break;
      case 2:
        s.insert(pick(s.size() + 1), std::string(1 + random() % 8, static_cast<char>(random())));
        break;
      case 3:
        if (!s.empty()) {
          std::size_t at = pick(s.size());
          s.erase(at, 1 + pick(std::min<std::size_t>(16, s.size() - at)));
        }
        break;
      case 4:
        if (!s.empty() && s.size() < 100000) {
          std::size_t at = pick(s.size());
          std::size_t n = 1 + pick(std::min<std::size_t>(64, s.size() - at));
          s.insert(at, s.substr(at, n));
        }
        break;
      default: {
        const std::string& other = pool[pick(pool.size())];
        if (!other.empty()) {
          std::size_t from = pick(other.size());
          s.insert(pick(s.size() + 1), other.substr(from, 1 + pick(other.size() - from)));
        }
      }
    }
  }
  return s;
}

class FuzzRegressionTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FuzzRegressionTest, SeedsKeptInputsAndMutationsBreakNothing) {
  const Target* target = FindTarget(GetParam());
  ASSERT_NE(target, nullptr);
  std::vector<std::string> seeds = target->seeds();
  ASSERT_FALSE(seeds.empty());
  std::vector<std::string> kept = Kept(target->name);
  for (const auto& in : seeds) target->run(in);
  for (const auto& in : kept) target->run(in);
  std::vector<std::string> pool = seeds;
  pool.insert(pool.end(), kept.begin(), kept.end());
  std::mt19937 random(20261125);
  // Each seed gets an equal share of the time, so that on a slow build
  // the last seeds are mutated as much as the first.
  const auto share = kTimePerTarget / static_cast<int>(seeds.size());
  int runs = 0;
  for (const auto& seed : seeds) {
    auto deadline = std::chrono::steady_clock::now() + share;
    for (int i = 0; i < kMutationsPerSeed && std::chrono::steady_clock::now() < deadline; ++i) {
      target->run(Mutate(seed, pool, random));
      ++runs;
    }
  }
  RecordProperty("mutations", runs);
  RecordProperty("kept_inputs", static_cast<int>(kept.size()));
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzRegressionTest,
                         ::testing::Values("wire", "frames", "handshake", "entry", "content",
                                           "markdown", "http", "api", "ingest", "bundle",
                                           "session"),
                         [](const auto& info) { return info.param; });

TEST(FuzzTargetsTest, EveryTargetIsInTheSuite) {
  std::vector<std::string> names;
  for (const auto& t : Targets()) names.emplace_back(t.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"wire", "frames", "handshake", "entry", "content", "markdown",
                                      "http", "api", "ingest", "bundle", "session"}));
}

}  // namespace
}  // namespace mrc::fuzz
