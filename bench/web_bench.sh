#!/usr/bin/env bash
# HTTP throughput and latency of the web UI and API at 100,000 documents,
# under 32 concurrent clients (wrk), next to nginx serving the guide page's
# bytes as a static file on the same machine with the same load generator.
#   bench/web_bench.sh [DOCS] [SECONDS]     defaults: 100000 documents, 10 s per run
# Prints a table: requests/s, p50 and p99 latency for
#   - search through the JSON API, every query new (no cached result);
#   - the same with 15 queries over common words repeating (the node keeps
#     recent results until the index changes),
#   - the search page (HTML, same queries),
#   - a country guide page (48 sections),
#   - nginx serving that guide page as a file;
# plus the node's start-up time to answering HTTP, the time the search index
# took to catch up, and the node's peak memory.
#   MRC_BENCH_AGAINST=PATH/mrcnode bench/web_bench.sh ...
# then also times new queries with that other build on the same content,
# the two builds alternating three times: on these machines the speed moves
# by half between runs, so two versions are compared only side by side.
# The other build runs on its own copy of the data, so that a build with
# another index format rebuilds its own index once, not each other's.
#   MRC_BENCH_SAME_WORDS=1 bench/web_bench.sh ...
# writes the same (English) words into every language's texts (see below).
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-100000}
secs=${2:-10}
source bench/web_common.sh
web_setup web-bench

# Content shaped like a real network's: FAQ entries in four languages, each
# in its own words (the common ones translated, the rare ones of the
# language's own script); guides for 200 countries (12 topics in 4
# languages), bulletins, centres; words drawn from each language's
# vocabulary with a Zipf-like distribution. MRC_BENCH_SAME_WORDS=1 writes
# the English words into every language's texts instead, as this bench did
# before 2026-12-06: no network's texts look like that, and with words
# indexed per language, a query then matches four times over.
python3 bench/content.py "$work/content" "$docs" "${MRC_BENCH_SAME_WORDS:-0}"
t0=$(date +%s.%N)
"$bin" import --data "$work/node" "$work/content" >/dev/null
t1=$(date +%s.%N)

api() { curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port$1"; }
start=$(date +%s.%N)
"$bin" run --data "$work/node" 2>"$work/node.log" >/dev/null & pids+=($!)
wait_up "http://127.0.0.1:$port/healthz"
up=$(date +%s.%N)
wait_indexed "http://127.0.0.1:$port"
indexed=$(date +%s.%N)

# wrk rotates over these queries (a Lua script per run).
queries="visa permit residence family asylum passport study health return citizenship fee appointment work+permit family+reunification embassy+visa"
lua() {  # lua FILE PATH_PREFIX
  {
    echo 'local qs = {}'
    for q in $queries; do echo "table.insert(qs, \"$q\")"; done
    echo 'local i = 0'
    echo "request = function() i = i + 1; return wrk.format(\"GET\", \"$2\" .. qs[(i % #qs) + 1]) end"
  } >"$1"
}
lua "$work/api.lua" "/api/v1/search?q="
lua "$work/page.lua" "/?q="
write_new_queries_lua "$work/new.lua"

# The guide page's bytes, served by nginx as a file (its workers run as
# an unprivileged user: the files must be readable to them).
mkdir -p "$work/www"
chmod 755 "$work"
api "/guides/DE" >"$work/www/guide.html"
guide_bytes=$(wc -c <"$work/www/guide.html")
chmod 644 "$work/www/guide.html"
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 256; }
http {
  access_log off;
  types { text/html html; }
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
  }
}
EOF
nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)
sleep 0.5

echo
echo "web bench: $docs documents, 32 connections, 2 wrk threads, ${secs} s per run ($(nproc) cores)"
echo "import $(calc %.1f "$t1 - $t0") s; start-up to HTTP $(calc %.2f "$up - $start") s;" \
  "search index caught up $(calc %.1f "$indexed - $start") s after start"
echo
printf "| %-40s | %10s | %8s | %8s | %s |\n" "what" "requests/s" "p50" "p99" "errors"
printf "|%s|%s|%s|%s|%s|\n" "------------------------------------------" "------------" "----------" "----------" "------"
run new "search API, every query new" "http://127.0.0.1:$port" -s "$work/new.lua"
run api "search API, 15 queries repeating" "http://127.0.0.1:$port" -s "$work/api.lua"
run page "search page (HTML)" "http://127.0.0.1:$port" -s "$work/page.lua"
run guide "guide page /guides/DE" "http://127.0.0.1:$port/guides/DE"
run nginx "nginx, same bytes as a file" "http://127.0.0.1:$nginx_port/guide.html"
echo
echo "guide page: $guide_bytes bytes; the node serves it at" \
  "$(calc %.0f "100 * $(cat "$work/guide.rps") / $(cat "$work/nginx.rps")")% of nginx's requests/s"
printf "node peak RSS: %d MB\n" "$(($(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/${pids[0]}/status") / 1024))"

if [[ -n "${MRC_BENCH_AGAINST:-}" ]]; then
  other=$(realpath "$MRC_BENCH_AGAINST")
  declare -A rss peak
  node=${pids[0]}
  kill "$node" 2>/dev/null || true
  wait "$node" 2>/dev/null || true
  cp -a "$work/node" "$work/node-b"
  echo
  echo "new queries, this build (A) and $other (B) alternating on the same data:"
  echo
  printf "| %-40s | %10s | %8s | %8s | %s |\n" "what" "requests/s" "p50" "p99" "errors"
  printf "|%s|%s|%s|%s|%s|\n" "------------------------------------------" "------------" "----------" "----------" "------"
  for round in 1 2 3; do
    for which in A B; do
      kill "$node" 2>/dev/null || true
      wait "$node" 2>/dev/null || true
      b=$bin data=$work/node
      [[ $which == B ]] && b=$other data=$work/node-b
      "$b" run --data "$data" 2>>"$work/node.log" >/dev/null &
      node=$!
      pids+=("$node")
      wait_indexed "http://127.0.0.1:$port"
      run "ab-$round-$which" "$which, round $round" "http://127.0.0.1:$port" -s "$work/new.lua"
      rss[$which]=$(( $(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$node/status") / 1024 ))
      peak[$which]=$(( rss[$which] > ${peak[$which]:-0} ? rss[$which] : ${peak[$which]:-0} ))
    done
  done
  echo
  echo "node peak RSS over the rounds (each from a start, new queries only): A ${peak[A]} MB, B ${peak[B]} MB"
fi
