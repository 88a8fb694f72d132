#!/usr/bin/env bash
# Builds the benchmarks (Release) and prints their tables: the signed log,
# then Markdown rendering of ordinary and adversarial 256 KiB texts.
#   bench/run.sh [--entries N] [--runs R]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMRC_BUILD_TESTS=OFF >/dev/null
ninja -C build-release log_bench markdown_bench >/dev/null
echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
build-release/bench/log_bench "$@"
echo
build-release/bench/markdown_bench
