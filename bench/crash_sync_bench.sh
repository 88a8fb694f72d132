#!/usr/bin/env bash
# Crash safety during sync, as a table (docs/benchmarks.md): a centre
# catching up from headquarters over TCP loopback is killed with SIGKILL at
# a random moment, checked and restarted, CYCLES times, while a client keeps
# writing documents at headquarters (so that there is always something in
# flight); every tenth cycle headquarters, the sender, is killed too.
#   - `mrcnode verify` passes at the centre after every kill;
#   - what the centre reported holding before a kill (its entry count, read
#     through its API just before the SIGKILL) is still there after the
#     restart: entries are counted only once durable;
#   - at the end, with the writes stopped, both digests are equal within
#     60 s.
#   bench/crash_sync_bench.sh [CYCLES] [ENTRIES]   (defaults 1000 cycles,
#   20000 entries at headquarters to start with; progress every 50 cycles on
#   stderr)
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-1000}"
entries="${2:-20000}"
scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMRC_BUILD_TESTS=OFF >/dev/null
ninja -C build-release mrcnode >/dev/null

bin=$PWD/build-release/node/mrcnode
work=$(mktemp -d)
trap 'pkill -KILL -f "$bin run --data $work" 2>/dev/null || true; rm -rf "$work"' EXIT
http_hq=127.0.0.1:18480 http_c=127.0.0.1:18481 peer_hq=127.0.0.1:18490
"$bin" init --data "$work/hq" --hq --http "$http_hq" --listen "$peer_hq" >/dev/null
"$bin" init --data "$work/c" --genesis "$work/hq/genesis.txt" --http "$http_c" --listen none >/dev/null
"$bin" peer add --data "$work/c" "$peer_hq" >/dev/null
python3 - "$work/content" "$entries" <<'PY'
import json, os, sys
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
with open(os.path.join(out, "faq.json"), "w") as f:
    json.dump([{"kind": "faq", "content": {"question": f"Question {i}?", "answer": "x" * 900,
                                           "language": "en"}} for i in range(n)], f)
PY
"$bin" import --data "$work/hq" "$work/content" >/dev/null

python3 - "$bin" "$work" "$http_hq" "$http_c" "$cycles" <<'PY'
import http.client, json, os, random, signal, subprocess, sys, threading, time
bin_, work, addr_hq, addr_c, cycles = sys.argv[1:6]
cycles = int(cycles)
rng = random.Random(20261125)
nodes = {"hq": addr_hq, "c": addr_c}

def call(name, path, body=None, timeout=5):
    host, port = nodes[name].rsplit(":", 1)
    with open(os.path.join(work, name, "api-token")) as f:
        token = f.read().strip()
    c = http.client.HTTPConnection(host, int(port), timeout=timeout)
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        headers["Content-Type"] = "application/json"
    c.request("POST" if body is not None else "GET", path, body, headers)
    r = c.getresponse()
    return r.status, r.read()

def digest(name):
    try:
        status, body = call(name, "/api/v1/digest")
        return json.loads(body) if status == 200 else None
    except (OSError, http.client.HTTPException, ValueError):
        return None

def start(name):
    p = subprocess.Popen([bin_, "run", "--data", os.path.join(work, name)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if os.path.exists(os.path.join(work, name, "api-token")) and digest(name) is not None:
            return p
        time.sleep(0.02)
    p.kill()
    sys.exit(f"{name} did not answer within 20 s")

def kill(p):
    p.send_signal(signal.SIGKILL)
    p.wait()

stop = threading.Event()
written = [0]
def writer():
    i = 0
    while not stop.is_set() and i < 10_000_000:
        body = json.dumps({"kind": "faq", "content": {
            "question": f"Written during sync {i}?", "answer": "y" * 900, "language": "en"}})
        try:
            status, _ = call("hq", "/api/v1/docs", body, timeout=10)
            written[0] += status == 201
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)  # headquarters is restarting
        i += 1
        # About 50 a second: enough to keep the link busy, few enough that
        # the store (which verify re-reads after every kill) stays small.
        time.sleep(0.02)

def verify(name):
    v = subprocess.run([bin_, "verify", "--data", os.path.join(work, name)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return v.returncode == 0, v.stderr.strip()[:300]

t0 = time.monotonic()
hq = start("hq")
w = threading.Thread(target=writer)
w.start()
c = start("c")
verify_failures = lost = hq_kills = 0
held_max = 0
for cycle in range(cycles):
    time.sleep(rng.uniform(0.05, 0.5))
    d = digest("c")
    before = d["entries"] if d else 0
    kill(c)
    if cycle % 10 == 9:
        kill(hq)
        hq_kills += 1
    ok, why = verify("c")
    if not ok:
        verify_failures += 1
        print(f"cycle {cycle}: verify failed at the centre: {why}", file=sys.stderr)
    if cycle % 10 == 9:
        hq = start("hq")
    c = start("c")
    after = digest("c")
    after = after["entries"] if after else 0
    if after < before:
        lost += before - after
        print(f"cycle {cycle}: the centre held {before} entries before the kill, {after} after",
              file=sys.stderr)
    held_max = max(held_max, after)
    if (cycle + 1) % 50 == 0:
        print(f"{cycle + 1} cycles, centre holds {after:,} entries, {lost} lost, "
              f"{verify_failures} failed verifies, {time.monotonic() - t0:.0f} s", file=sys.stderr)
stop.set()
w.join(30)
# Converged: equal digests, both sides' entries counted.
t1 = time.monotonic()
converged = None
while time.monotonic() - t1 < 60:
    a, b = digest("hq"), digest("c")
    if a and b and a["digest"] == b["digest"]:
        converged = time.monotonic() - t1
        break
    time.sleep(0.2)
final = digest("c")
for p in (c, hq):
    p.send_signal(signal.SIGTERM)
    p.wait(30)
ok, why = verify("c")
verify_failures += not ok
elapsed = time.monotonic() - t0
print(f"| measure ({cycles} SIGKILL cycles of a centre during sync; headquarters killed every tenth) | result |")
print("|---|---|")
held = f"{final['entries']:,}" if final else "?"
print(f"| entries held by the centre at the end | {held} |")
print(f"| documents written at headquarters during the cycles | {written[0]:,} |")
print(f"| entries the centre reported before a kill and lacked after restart | {lost} |")
print(f"| kills after which `mrcnode verify` failed (and the final verify) | {verify_failures} |")
print(f"| headquarters killed | {hq_kills} times |")
print(f"| equal digests after the writes stopped | "
      f"{f'{converged:.1f} s' if converged is not None else 'not within 60 s'} |")
print(f"| time | {elapsed:.0f} s ({elapsed / max(cycles, 1):.2f} s per cycle) |")
sys.exit(1 if lost or verify_failures or converged is None else 0)
PY
