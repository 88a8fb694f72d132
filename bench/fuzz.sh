#!/usr/bin/env bash
# Fuzzing of what a node reads from others (TARGETS.md, "bad input"): every
# target of tests/fuzz/targets.h under libFuzzer, built with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer.
#   bench/fuzz.sh [SECONDS] [TARGET...]    default: 60 s for each target
# Each target starts from its seeds and its kept inputs
# (tests/fuzz/corpus/TARGET/). A crash, a sanitizer report, a broken
# property, a timeout (25 s for one input) or memory past 2 GB is a
# finding: its input is copied to tests/fuzz/corpus/TARGET/, where the
# test suite replays it from then on (commit it with the fix), and the
# script exits 1 after the table.
# Prints a table: runs, runs/s, coverage (edges), corpus, findings.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
scripts/install-deps.sh --fuzz
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMRC_FUZZ=ON -DMRC_BUILD_BENCH=OFF >/dev/null
ninja -C build-fuzz mrc_fuzz >/dev/null
bin=$PWD/build-fuzz/tests/fuzz/mrc_fuzz
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(wire frames handshake entry content markdown http api ingest bundle session)
fi

work=$(mktemp -d /tmp/mrc-fuzz-XXXXXX)
trap 'rm -rf "$work"' EXIT
found=0
rows=()
for t in "${targets[@]}"; do
  corpus="$work/$t"
  mkdir -p "$corpus" "$work/$t-findings"
  MRC_FUZZ_TARGET=$t MRC_FUZZ_SEEDS=$corpus "$bin"
  kept=tests/fuzz/corpus/$t
  [[ -d $kept ]] && cp "$kept"/* "$corpus"/ 2>/dev/null || true
  echo "fuzzing $t for ${secs} s" >&2
  # ASan's leak check at exit is off: the targets keep one node open for
  # the whole run on purpose.
  set +e
  MRC_FUZZ_TARGET=$t ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
    "$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/$t-findings/" "$corpus" >"$work/$t.log" 2>&1
  status=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t.log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -1 | cut -d' ' -f2)
  size=$(find "$corpus" -type f | wc -l)
  findings=0
  for f in "$work/$t-findings"/*; do
    [[ -f $f ]] || continue
    mkdir -p "$kept"
    name="finding-$(sha1sum "$f" | cut -c1-12)"
    cp "$f" "$kept/$name"
    echo "$t: $(basename "$f") kept as $kept/$name; the log: $work/$t.log" >&2
    grep -m3 -E "ERROR: |runtime error|fuzz property broken" "$work/$t.log" >&2 || true
    findings=$((findings + 1))
  done
  if ((status != 0 && findings == 0)); then
    echo "$t: libFuzzer exited with $status and left no input; its log:" >&2
    tail -20 "$work/$t.log" >&2
    findings=1
  fi
  ((findings == 0)) || { found=1; trap - EXIT; echo "logs kept in $work" >&2; }
  rows+=("$(printf "| %-9s | %10s | %7s | %6s | %6s | %8s |" "$t" "${runs:-?}" "${rate:-?}" \
    "${cov:-?}" "$size" "$findings")")
done

echo
echo "fuzzing: ${secs} s per target ($(nproc) cores, clang $(clang -dumpversion), ASan+UBSan)"
echo
printf "| %-9s | %10s | %7s | %6s | %6s | %8s |\n" target runs "runs/s" edges corpus findings
printf "|%s|%s|%s|%s|%s|%s|\n" "-----------" "------------" "---------" "--------" "--------" "----------"
printf "%s\n" "${rows[@]}"
exit $found
