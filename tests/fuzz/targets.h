// Fuzz targets: what a node does with bytes it did not make (TARGETS.md,
// "bad input"). Each target takes any input, must never crash, leak or
// trip a sanitizer, and checks properties of what it decodes (a decoded
// entry re-encodes to the same bytes, rendered Markdown holds no script).
// A broken property aborts with a message, which a fuzzer reports as a
// crash like any other.
//
// The same targets run two ways:
//   - under libFuzzer (clang), one binary for every target, chosen by the
//     MRC_FUZZ_TARGET environment variable: bench/fuzz.sh;
//   - in the test suite (tests/fuzz/fuzz_regression_test.cc): every seed,
//     every kept input under tests/fuzz/corpus/TARGET/ (what fuzzing
//     found, kept as regression inputs), and a fixed number of
//     deterministic mutations of the seeds.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mrc::fuzz {

struct Target {
  std::string_view name;
  // Runs one input. Aborts when a property breaks.
  void (*run)(std::string_view input);
  // Well-formed inputs to start from.
  std::vector<std::string> (*seeds)();
};

const std::vector<Target>& Targets();
// Null when there is no target of that name.
const Target* FindTarget(std::string_view name);

}  // namespace mrc::fuzz
