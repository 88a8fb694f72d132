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
source bench/web_common.sh
web_setup tls-bench
# HTTPS on loopback too (by default loopback is plain HTTP).
sed -i 's/^tls = "auto"/tls = "on"/' "$work/node/config.toml"
grep -q '^tls = "on"' "$work/node/config.toml"
python3 bench/content.py "$work/content" "$docs"
"$bin" import --data "$work/node" "$work/content" >/dev/null 2>&1

"$bin" run --data "$work/node" 2>"$work/node.log" >/dev/null & pids+=($!)
api() { curl -sk -H "Authorization: Bearer $token" "https://127.0.0.1:$port$1"; }
wait_up "https://127.0.0.1:$port/healthz"
wait_indexed "https://127.0.0.1:$port"

# nginx with the node's certificate and key, two workers as the node has two
# HTTP threads (http.threads), TLS 1.2 and 1.3, the same
# ECDHE + AEAD suites; its workers run unprivileged, so the files are
# copied where they may read them.
mkdir -p "$work/www"
chmod 755 "$work"
api "/guides/DE" >"$work/www/guide.html"
curl -sk "https://127.0.0.1:$port/healthz" >"$work/www/healthz.json"
cp "$work/node/tls/cert.pem" "$work/node/tls/key.pem" "$work/"
chmod 644 "$work/www/"* "$work/cert.pem" "$work/key.pem"
cat >"$work/nginx.conf" <<EOF
worker_processes 2;
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

write_new_queries_lua "$work/new.lua"


echo
echo "tls bench: $docs documents, 32 connections, 2 wrk threads, ${secs} s per run ($(nproc) cores)"
echo
printf "| %-40s | %10s | %8s | %8s | %s |\n" "what (HTTPS)" "requests/s" "p50" "p99" "errors"
printf "|%s|%s|%s|%s|%s|\n" "------------------------------------------" "------------" "----------" "----------" "------"
run guide "node: guide page, keep-alive" "https://127.0.0.1:$port/guides/DE"
run nginx "nginx: same bytes, keep-alive" "https://127.0.0.1:$nginx_port/guide.html"
run new "node: search API, every query new" "https://127.0.0.1:$port" -s "$work/new.lua"
run hs "node: /healthz, a new connection each" "https://127.0.0.1:$port/healthz" -H "Connection: close"
run nginx_hs "nginx: same bytes, a new connection each" "https://127.0.0.1:$nginx_port/healthz.json" -H "Connection: close"
echo
echo "guide page ($(wc -c <"$work/www/guide.html") bytes): the node serves" \
  "$(calc %.0f "100 * $(cat "$work/guide.rps") / $(cat "$work/nginx.rps")")% of nginx's requests/s;" \
  "new TLS connections: $(calc %.0f "100 * $(cat "$work/hs.rps") / $(cat "$work/nginx_hs.rps")")% of nginx's"
printf "node peak RSS: %d MB\n" "$(($(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/${pids[0]}/status") / 1024))"
