# Shared by bench/web_bench.sh and bench/tls_bench.sh (sourced, not run):
# the load tools, a Release build, a scratch directory with an initialised
# headquarters node and a counsellor's API token, and wrk runs printed as
# table rows.
#   web_setup NAME   sets bin, work, pids, port, nginx_port, token
#                    (MRC_BENCH_BIN=PATH: that mrcnode instead of a Release build)
#   write_new_queries_lua FILE
#   run KEY LABEL URL [WRK_ARGS...]    prints a row; KEY.rps holds requests/s
#   calc FORMAT EXPRESSION
#   wait_up URL          until URL answers 200 (20 s at most)
#   wait_indexed BASE    until a search at BASE says its index is complete
#                        (6 minutes at most)

web_setup() {
  scripts/install-deps.sh
  local need=()
  command -v wrk >/dev/null || need+=(wrk)
  command -v nginx >/dev/null || need+=(nginx-light)
  if ((${#need[@]})); then
    if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  # MRC_BENCH_BIN: a build of mrcnode to use as it is (a quick check of the
  # script); otherwise a Release build of this tree.
  if [[ -n "${MRC_BENCH_BIN:-}" ]]; then
    bin=$(realpath "$MRC_BENCH_BIN")
  else
    cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMRC_BUILD_TESTS=OFF >/dev/null
    ninja -C build-release mrcnode >/dev/null
    bin=$PWD/build-release/node/mrcnode
  fi
  work=$(mktemp -d "/tmp/mrc-$1-XXXXXX")
  pids=()
  trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
  port=$((20000 + RANDOM % 20000))
  nginx_port=$((port + 1))
  "$bin" init --data "$work/node" --hq --network "$1" --name "Bench centre" \
    --http "127.0.0.1:$port" --listen none >/dev/null
  echo "bench-password" | "$bin" user add bench --role counsellor --password-stdin --data "$work/node" >/dev/null
  token=$("$bin" user token bench --data "$work/node" | sed -n 's/.*"token": "\(mrc_[0-9a-f]*\)".*/\1/p')
}

# Every request a new query (a common word and a rare one), so that no
# result can come from the node's cache of recent results.
# The sequence runs through all 24,000 pairs of a common word and a rare one
# (w01000..w04999) before it repeats; each wrk thread starts halfway from
# the other, so that the threads do not ask each other's queries.
write_new_queries_lua() {
  cat >"$1" <<'LUA'
local common = {"visa", "permit", "residence", "family", "work", "study"}
local threads = 0
function setup(thread)
  thread:set("first", threads * 12000)
  threads = threads + 1
end
local i = 0
request = function()
  i = i + 1
  local n = (first or 0) + i
  local rare = 1000 + (math.floor(n / #common) * 7919) % 4000
  local q = common[(n % #common) + 1] .. "+w" .. string.format("%05d", rare)
  return wrk.format("GET", "/api/v1/search?q=" .. q)
end
LUA
}

run() {
  local key=$1 label=$2 url=$3
  shift 3
  wrk -t2 -c32 -d"${secs}s" --latency -H "Authorization: Bearer $token" "$@" "$url" >"$work/$key.txt" 2>&1
  local rps p50 p99 errors
  rps=$(sed -n 's/^Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p' "$work/$key.txt")
  p50=$(awk '$1=="50%"{print $2}' "$work/$key.txt")
  p99=$(awk '$1=="99%"{print $2}' "$work/$key.txt")
  errors=$(grep -c "Non-2xx\|Socket errors" "$work/$key.txt" || true)
  printf "| %-40s | %10s | %8s | %8s | %s |\n" "$label" "$rps" "$p50" "$p99" \
    "$([[ $errors == 0 ]] && echo none || grep "Non-2xx\|Socket errors" "$work/$key.txt" | tr -s ' ')"
  echo "$rps" >"$work/$key.rps"
}

calc() { awk "BEGIN { printf \"$1\", $2 }"; }

wait_up() {
  for _ in $(seq 1 2000); do
    [[ "$(curl -sk -o /dev/null -w '%{http_code}' "$1")" == 200 ]] && return 0
    sleep 0.01
  done
  return 1
}

wait_indexed() {
  for _ in $(seq 1 1800); do
    curl -sk -H "Authorization: Bearer $token" "$1/api/v1/search?q=visa&limit=1" |
      grep -q '"complete":true' && return 0
    sleep 0.2
  done
  return 1
}
