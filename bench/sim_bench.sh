#!/usr/bin/env bash
# A network of NODES nodes in simulation (bench/sim_bench.cc): real logs,
# stores and sessions, simulated links and time. Prints a table (see
# docs/benchmarks.md); progress goes to stderr every simulated hour.
#   bench/sim_bench.sh [NODES] [ENTRIES_PER_NODE] [SEED]   (default 300 3 1)
# The stores are kept in memory: nothing is written to disk.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes="${1:-300}" entries="${2:-3}" seed="${3:-1}"
scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMRC_BUILD_TESTS=OFF >/dev/null
ninja -C build-release sim_bench >/dev/null
echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
build-release/bench/sim_bench --nodes "$nodes" --entries "$entries" --seed "$seed"
