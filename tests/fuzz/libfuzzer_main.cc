// libFuzzer's entry points for every target of tests/fuzz/targets.h; the
// target is named by the environment variable MRC_FUZZ_TARGET. With
// MRC_FUZZ_SEEDS=DIR it writes the target's seeds into DIR and exits (the
// starting corpus). Built only with clang (-DMRC_FUZZ=ON); bench/fuzz.sh
// builds and runs it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tests/fuzz/targets.h"

namespace {
const mrc::fuzz::Target* target = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* name = std::getenv("MRC_FUZZ_TARGET");
  target = name ? mrc::fuzz::FindTarget(name) : nullptr;
  if (!target) {
    std::fprintf(stderr, "set MRC_FUZZ_TARGET to one of:");
    for (const auto& t : mrc::fuzz::Targets()) {
      std::fprintf(stderr, " %.*s", static_cast<int>(t.name.size()), t.name.data());
    }
    std::fprintf(stderr, "\n");
    std::exit(2);
  }
  if (const char* dir = std::getenv("MRC_FUZZ_SEEDS")) {
    int n = 0;
    for (const std::string& seed : target->seeds()) {
      std::string path = std::string(dir) + "/seed-" + std::to_string(n++);
      FILE* f = std::fopen(path.c_str(), "wb");
      if (!f || std::fwrite(seed.data(), 1, seed.size(), f) != seed.size()) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        std::exit(1);
      }
      std::fclose(f);
    }
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  target->run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
