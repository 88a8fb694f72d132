#!/usr/bin/env bash
# The web UI over HTTPS next to nginx over HTTPS, on the same machine, with
# the same certificate (the node's own ECDSA P-256 one), the same protocol
# versions and the same load generator (wrk):
#   - with keep-alive, 32 clients: a country guide page, and a search in the
#     JSON API with every query new; nginx serves the guide page's bytes as
#     a file;
#   - without keep-alive (every request a new TCP connection and a full TLS
#     handshake): /healthz, and nginx answering a file of the same size.
#   bench/tls_bench.sh [DOCS] [SECONDS]     defaults: 20000 documents, 10 s per run
# Prints a table (requests/s, p50, p99) and the node's share of nginx's
# requests/s for the guide page and for new connections.
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-20000}
secs=${2:-10}
scripts/install-deps.sh
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMRC_BUILD_TESTS=OFF >/dev/null
ninja -C build-release mrcnode >/dev/null
bin=$PWD/build-release/node/mrcnode

work=$(mktemp -d /tmp/mrc-tls-bench-XXXXXX)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=$((20000 + RANDOM % 20000))
nginx_port=$((port + 1))

"$bin" init --data "$work/node" --hq --network "tls bench" --name "Bench centre" \
  --http "127.0.0.1:$port" --listen none >/dev/null
# HTTPS on loopback too (by default loopback is plain HTTP).
sed -i 's/^tls = "auto"/tls = "on"/' "$work/node/config.toml"
grep -q '^tls = "on"' "$work/node/config.toml"
echo "bench-password" | "$bin" user add bench --role counsellor --password-stdin --data "$work/node" >/dev/null
token=$("$bin" user token bench --data "$work/node" | sed -n 's/.*"token": "\(mrc_[0-9a-f]*\)".*/\1/p')
python3 bench/content.py "$work/content" "$docs"
"$bin" import --data "$work/node" "$work/content" >/dev/null 2>&1

"$bin" run --data "$work/node" 2>"$work/node.log" >/dev/null & pids+=($!)
api() { curl -sk -H "Authorization: Bearer $token" "https://127.0.0.1:$port$1"; }
for _ in $(seq 1 400); do
  [[ "$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/healthz")" == 200 ]] && break
  sleep 0.05
done
for _ in $(seq 1 1800); do
  api "/api/v1/search?q=visa&limit=1" | grep -q '"complete":true' && break
  sleep 0.2
done

# nginx with the node's certificate and key, TLS 1.2 and 1.3, the same
# ECDHE + AEAD suites; its workers run unprivileged, so the files are
# copied where they may read them.
mkdir -p "$work/www"
chmod 755 "$work"
api "/guides/DE" >"$work/www/guide.html"
curl -sk "https://127.0.0.1:$port/healthz" >"$work/www/healthz.json"
cp "$work/node/tls/cert.pem" "$work/node/tls/key.pem" "$work/"
chmod 644 "$work/www/"* "$work/cert.pem" "$work/key.pem"
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 512; }
http {
  access_log off;
  types { text/html html; application/json json; }
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305;
    ssl_session_cache off;
    ssl_session_tickets off;
    root $work/www;
  }
}
EOF
nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)
sleep 0.5
curl -sk -o /dev/null "https://127.0.0.1:$nginx_port/guide.html"

cat >"$work/new.lua" <<'EOF'
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
EOF

run() {  # run KEY LABEL URL [LUA|close]
  local args=(-t2 -c32 -d"${secs}s" --latency -H "Authorization: Bearer $token")
  if [[ "${4:-}" == close ]]; then
    args+=(-H "Connection: close")
  elif [[ -n "${4:-}" ]]; then
    args+=(-s "$4")
  fi
  wrk "${args[@]}" "$3" >"$work/$1.txt" 2>&1
  local rps p50 p99 errors
  rps=$(sed -n 's/^Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p' "$work/$1.txt")
  p50=$(awk '$1=="50%"{print $2}' "$work/$1.txt")
  p99=$(awk '$1=="99%"{print $2}' "$work/$1.txt")
  errors=$(grep -c "Non-2xx\|Socket errors" "$work/$1.txt" || true)
  printf "| %-40s | %10s | %8s | %8s | %s |\n" "$2" "$rps" "$p50" "$p99" \
    "$([[ $errors == 0 ]] && echo none || grep "Non-2xx\|Socket errors" "$work/$1.txt" | tr -s ' ')"
  echo "$rps" >"$work/$1.rps"
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

echo
echo "tls bench: $docs documents, 32 connections, 2 wrk threads, ${secs} s per run ($(nproc) cores)"
echo
printf "| %-40s | %10s | %8s | %8s | %s |\n" "what (HTTPS)" "requests/s" "p50" "p99" "errors"
printf "|%s|%s|%s|%s|%s|\n" "------------------------------------------" "------------" "----------" "----------" "------"
run guide "node: guide page, keep-alive" "https://127.0.0.1:$port/guides/DE"
run nginx "nginx: same bytes, keep-alive" "https://127.0.0.1:$nginx_port/guide.html"
run new "node: search API, every query new" "https://127.0.0.1:$port" "$work/new.lua"
run hs "node: /healthz, a new connection each" "https://127.0.0.1:$port/healthz" close
run nginx_hs "nginx: same bytes, a new connection each" "https://127.0.0.1:$nginx_port/healthz.json" close
echo
echo "guide page ($(wc -c <"$work/www/guide.html") bytes): the node serves" \
  "$(calc %.0f "100 * $(cat "$work/guide.rps") / $(cat "$work/nginx.rps")")% of nginx's requests/s;" \
  "new TLS connections: $(calc %.0f "100 * $(cat "$work/hs.rps") / $(cat "$work/nginx_hs.rps")")% of nginx's"
printf "node peak RSS: %d MB\n" "$(($(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/${pids[0]}/status") / 1024))"
