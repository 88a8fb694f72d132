#!/usr/bin/env bash
# Partitions (TARGETS.md), as a table: five mrcnode processes on 127.0.0.1,
# each behind a proxy that cuts, refuses and delays its links at random
# while documents are written and edited at every node, in rounds of 20-60 s;
# after each round every link heals, and the round measures the time until
# the five digests agree (target: 60 s) and checks that acknowledged writes
# are at every node; at the end every node passes `mrcnode verify`.
#   bench/partition_bench.sh [MINUTES]   (default 30; progress on stderr)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-30}"
scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMRC_BUILD_TESTS=OFF \
  -DMRC_BUILD_BENCH=ON >/dev/null
ninja -C build-release mrcnode partition_soak >/dev/null
MRC_SOAK_MINUTES="$minutes" build-release/bench/partition_soak --gtest_brief=1
