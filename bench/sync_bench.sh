#!/usr/bin/env bash
# Replication between two mrcnode processes over TCP loopback, printed as a
# table (see docs/benchmarks.md):
#   1. catch-up: a fresh centre dials headquarters, which holds N entries of
#      ~1 KB from 20 authors; time until the centre's digest equals
#      headquarters' (entries durable and applied), polled every 20 ms.
#   2. five new entries written at headquarters one at a time once both hold
#      the N entries: time until each is served at the centre (median and
#      max), and bytes on the wire per entry (both directions, from the
#      link's byte counters).
#   3. the same catch-up done by Hypercore (bench/hypercore), in the same run.
#   bench/sync_bench.sh [N]      (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
authors=20
scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMRC_BUILD_TESTS=OFF >/dev/null
ninja -C build-release mrcnode log_bench >/dev/null
raw_verify=$(build-release/bench/log_bench --entries 2000 --runs 1 2>/dev/null |
  sed -n 's/^| libsodium Ed25519 verify, raw | \([0-9]*\) |$/\1/p')
bin=build-release/node/mrcnode
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
now() { date +%s.%N; }
http_hq=127.0.0.1:18180 http_c=127.0.0.1:18181 peer_hq=127.0.0.1:18190

"$bin" init --data "$work/hq" --hq --http "$http_hq" --listen "$peer_hq" >/dev/null
"$bin" init --data "$work/c" --genesis "$work/hq/genesis.txt" --http "$http_c" --listen none >/dev/null
"$bin" peer add --data "$work/c" "$peer_hq" >/dev/null

# N entries from 20 authors: each author imports its share, headquarters
# gathers them by bundle.
python3 - "$work" "$n" "$authors" <<'PY'
import json, os, sys
work, n, authors = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
answer = "x" * 900
for a in range(authors):
    d = os.path.join(work, f"content{a}")
    os.makedirs(d)
    items = [{"kind": "faq", "content": {"question": f"Question {a}-{i}?", "answer": answer, "language": "en"}}
             for i in range(n // authors)]
    with open(os.path.join(d, "faq.json"), "w") as f:
        json.dump(items, f)
PY
# The authors are members (approved by headquarters, approvals delivered to
# them), so that their entries apply everywhere instead of waiting. Untimed.
for a in $(seq 0 $((authors - 1))); do
  "$bin" init --data "$work/a$a" --genesis "$work/hq/genesis.txt" --listen none >/dev/null
  "$bin" member request --data "$work/a$a" --name "author $a" --out "$work/a$a.req" 2>/dev/null
  "$bin" member approve --data "$work/hq" "$work/a$a.req" >/dev/null
done
"$bin" bundle export --data "$work/hq" --out "$work/hq-approvals.bundle" >/dev/null
for a in $(seq 0 $((authors - 1))); do
  "$bin" bundle import --data "$work/a$a" "$work/hq-approvals.bundle" >/dev/null
done
t0=$(now)
for a in $(seq 0 $((authors - 1))); do
  "$bin" import --data "$work/a$a" "$work/content$a" >/dev/null
  "$bin" bundle export --data "$work/a$a" --out "$work/a$a.bundle" >/dev/null
done
t1=$(now)
for a in $(seq 0 $((authors - 1))); do "$bin" bundle import --data "$work/hq" "$work/a$a.bundle" >/dev/null; done
t2=$(now)
bytes=$(du -cb "$work"/a*.bundle | tail -1 | cut -f1)

# A node's API ($1: hq or c), with the admin token it writes for its own
# command line.
api() {
  local node=$1 path=$2; shift 2
  local addr=$http_hq; [[ "$node" == c ]] && addr=$http_c
  { curl -s -H "Authorization: Bearer $(cat "$work/$node/api-token" 2>/dev/null)" "$@" "http://$addr$path" || true; }
}
digest() { api "$1" /api/v1/digest | sed -n 's/.*"digest":"\([0-9a-f]*\)".*/\1/p'; }
"$bin" run --data "$work/hq" 2>"$work/hq.log" & pids+=($!)
for _ in $(seq 1 100); do [[ -n "$(digest hq)" ]] && break; sleep 0.1; done
"$bin" run --data "$work/c" 2>"$work/c.log" & pids+=($!)
t3=$(now)
# Both digests move a little at the start (each node publishes its
# encryption key): done when they are equal and cover every entry.
caught_up() { local c; c=$(digest c); [[ -n "$c" && "$c" == "$(digest hq)" ]] &&
  (( $(api c /api/v1/digest | sed -n 's/.*"entries":\([0-9]*\).*/\1/p') >= n )); }
# Polled every 20 ms over kept-alive connections (one Python process):
# a curl per poll every 0.2 s, as before, added up to 0.2 s to a 2.5 s
# catch-up, and finer polling with curl cost the nodes' cores. A digest is
# a read, not a scan (docs/architecture.md), so polling it is cheap.
python3 - "$http_c" "$http_hq" "$work/c/api-token" "$work/hq/api-token" "$n" <<'PY' || true
import http.client, json, sys, time
c_addr, hq_addr, c_tok, hq_tok, n = sys.argv[1:6]
def conn(addr):
    host, port = addr.rsplit(":", 1)
    return http.client.HTTPConnection(host, int(port), timeout=5)
nodes = {"c": [c_addr, c_tok, None], "hq": [hq_addr, hq_tok, None]}
def digest(name):
    node = nodes[name]
    try:
        if node[2] is None:
            node[2] = conn(node[0])
        token = open(node[1]).read().strip()
        node[2].request("GET", "/api/v1/digest", headers={"Authorization": "Bearer " + token})
        return json.loads(node[2].getresponse().read())
    except (OSError, ValueError, http.client.HTTPException):
        node[2] = None
        return None
deadline = time.monotonic() + 600
while time.monotonic() < deadline:
    c = digest("c")
    if c and c.get("entries", 0) >= int(n):
        hq = digest("hq")
        if hq and hq.get("digest") == c.get("digest"):
            break
    time.sleep(0.02)
PY
t4=$(now)
caught_up || { echo "catch-up did not finish" >&2; exit 1; }
peak_kb() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
rss_hq=$(peak_kb "${pids[0]}") rss_c=$(peak_kb "${pids[1]}")
# What RocksDB holds at the receiver right after the catch-up.
rocks_c=$(api c /api/v1/status | python3 -c 'import json,sys; m=json.load(sys.stdin)["memory"]; print("%.0f MB memtables, %.0f MB block cache, %.0f MB table readers" % (m["rocksdb_memtables_bytes"]/2**20, m["rocksdb_block_cache_bytes"]/2**20, m["rocksdb_table_readers_bytes"]/2**20))')

link_bytes() { api c /api/v1/status | python3 -c 'import json,sys; p=json.load(sys.stdin)["peers"][0]; print(p["bytes_sent"]+p["bytes_received"])'; }
sleep 1
# Five new entries, one at a time, from one Python process over kept-alive
# connections: each written at headquarters (a POST, durable), then the
# centre polled every 2 ms until it serves the document. (A curl process
# per poll, and the shell building the request, cost more than the entry's
# trip on a slow day.)
before=$(link_bytes)
latencies=$(python3 - "$http_c" "$http_hq" "$work/c/api-token" "$work/hq/api-token" <<'PY'
import http.client, json, sys, time
c_addr, hq_addr, c_tok, hq_tok = sys.argv[1:5]
def conn(addr):
    host, port = addr.rsplit(":", 1)
    return http.client.HTTPConnection(host, int(port), timeout=5)
hq, c = conn(hq_addr), conn(c_addr)
def auth(tok): return {"Authorization": "Bearer " + open(tok).read().strip()}
out = []
for i in range(5):
    body = json.dumps({"kind": "faq", "content": {"question": f"One more {i}?", "answer": "y" * 900,
                                                  "language": "en"}})
    t0 = time.monotonic()
    hq.request("POST", "/api/v1/docs", body=body, headers={**auth(hq_tok), "Content-Type": "application/json"})
    doc = json.loads(hq.getresponse().read())["id"]
    for _ in range(5000):  # at most 10 s
        c.request("GET", "/api/v1/docs/" + doc, headers=auth(c_tok))
        r = c.getresponse()
        r.read()
        if r.status == 200:
            break
        time.sleep(0.002)
    out.append((time.monotonic() - t0) * 1000)
    time.sleep(0.2)
print(" ".join("%.0f" % x for x in out))
PY
)
sleep 0.5
after=$(link_bytes)
kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true; pids=()

# Hypercore, same entries count and size, same machine, same run.
if ! command -v node >/dev/null; then apt-get install -y -qq nodejs npm >/dev/null; fi
(cd bench/hypercore && npm ci --no-audit --no-fund --silent >/dev/null 2>&1 || npm install --no-audit --no-fund --silent >/dev/null)
node bench/hypercore/replicate.js writer "$work/hc-a" "$n" "$work/hc.json" & pids+=($!)
for _ in $(seq 1 600); do [[ -s "$work/hc.json" ]] && break; sleep 0.2; done
hc_key=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key"])' "$work/hc.json")
hc_port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$work/hc.json")
hc_append=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["appendPerSecond"]))' "$work/hc.json")
hc_seconds=$(node bench/hypercore/replicate.js reader "$work/hc-b" "$n" "$hc_key" "$hc_port" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')

python3 - "$n" "$t0" "$t1" "$t2" "$t3" "$t4" "$latencies" "$bytes" "$before" "$after" "$raw_verify" "$rss_hq" "$rss_c" \
  "$hc_seconds" "$hc_append" "$rocks_c" <<'PY'
import statistics, sys
n = int(sys.argv[1]); t = [float(x) for x in sys.argv[2:7]]
latencies = [float(x) for x in sys.argv[7].split()]; bundle = int(sys.argv[8])
before, after = int(sys.argv[9]), int(sys.argv[10])
raw, rss_hq, rss_c = int(sys.argv[11]), int(sys.argv[12]), int(sys.argv[13])
hc_seconds, hc_append = float(sys.argv[14]), int(sys.argv[15])
catch = t[4] - t[3]
print(f"| measure ({n} entries of ~1 KB from 20 authors, loopback) | result |")
print("|---|---|")
print(f"| import at the authors (parse + sign + apply, 20 processes) | {n / (t[1] - t[0]):,.0f} entries/s |")
print(f"| bundle import at headquarters (verify + apply) | {n / (t[2] - t[1]):,.0f} entries/s |")
print(f"| catch-up replication, fresh centre, durable and applied | {n / catch:,.0f} entries/s ({bundle / catch / 1e6:.1f} MB/s), {catch:.1f} s |")
print(f"| Hypercore 11.35 catch-up, same entries, same run | {n / hc_seconds:,.0f} entries/s, {hc_seconds:.1f} s; mrcnode is {hc_seconds / catch:.1f}x |")
print(f"| Hypercore 11.35 append, batches of 1000 (for scale) | {hc_append:,} entries/s |")
print(f"| raw Ed25519 verify, one core (the one-signature-per-entry ceiling) | {raw:,} /s; catch-up is {n / catch / raw:.1f}x |")
print(f"| peak RSS during catch-up: sender / receiver | {rss_hq / 1024:.0f} MB / {rss_c / 1024:.0f} MB |")
print(f"| one new entry when both hold {n}: time to arrive, median (max) of 5 | {statistics.median(latencies):.0f} ms ({max(latencies):.0f} ms), from the POST at headquarters to the document at the centre |")
print(f"| one new entry: bytes on the wire, both directions | {(after - before) / len(latencies):.0f} |")
print(f"| RocksDB memory at the receiver after catch-up | {sys.argv[16]} |")
PY
