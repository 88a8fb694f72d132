#!/usr/bin/env bash
# Crash safety under writes, as a table (docs/benchmarks.md): `mrcnode run`
# is killed with SIGKILL at a random moment while a client creates
# documents through the API, then checked and restarted, CYCLES times:
#   - `mrcnode verify` passes (signatures, hash chains, indexes, digest sum);
#   - after the restart, every document whose creation was acknowledged
#     (HTTP 201, sent once the entry is durable) is there.
#   bench/crash_bench.sh [CYCLES]      (default 1000, about 16 minutes: the
#   store grows by ~180 entries a cycle and verify reads it all each time;
#   progress every 100 cycles on stderr)
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-1000}"
scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMRC_BUILD_TESTS=OFF >/dev/null
ninja -C build-release mrcnode >/dev/null

bin=build-release/node/mrcnode
work=$(mktemp -d)
trap 'pkill -KILL -f "$bin run --data $work" 2>/dev/null || true; rm -rf "$work"' EXIT
http=127.0.0.1:18380
"$bin" init --data "$work/n" --hq --http "$http" --listen none >/dev/null

python3 - "$bin" "$work/n" "$http" "$cycles" <<'PY'
import http.client, json, os, random, signal, subprocess, sys, threading, time
bin_, data, addr, cycles = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
host, port = addr.rsplit(":", 1)
rng = random.Random(20261125)

def token():
    with open(os.path.join(data, "api-token")) as f:
        return f.read().strip()

def start():
    p = subprocess.Popen([bin_, "run", "--data", data], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection(host, int(port), timeout=5)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200 and os.path.exists(os.path.join(data, "api-token")):
                return p
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.02)
    p.kill()
    sys.exit("the node did not answer within 20 s")

def writer(acked, stop, cycle):
    try:
        c = http.client.HTTPConnection(host, int(port), timeout=10)
        auth = {"Authorization": "Bearer " + token(), "Content-Type": "application/json"}
        i = 0
        while not stop.is_set() and i < 100000:
            body = json.dumps({"kind": "faq", "content": {
                "question": f"Crash {cycle}-{i}?", "answer": "x" * 900, "language": "en"}})
            c.request("POST", "/api/v1/docs", body, auth)
            r = c.getresponse()
            text = r.read()
            if r.status == 201:
                acked.append(json.loads(text)["id"])
            i += 1
    except (OSError, http.client.HTTPException, ValueError):
        pass  # the node was killed mid-request: that one was not acknowledged

def exists(ids):
    c = http.client.HTTPConnection(host, int(port), timeout=10)
    auth = {"Authorization": "Bearer " + token()}
    missing = 0
    for doc in ids:
        c.request("GET", "/api/v1/docs/" + doc, headers=auth)
        r = c.getresponse()
        r.read()
        missing += r.status != 200
    return missing

acked_total, lost, verify_failures, kills_mid_write = 0, 0, 0, 0
to_check = []
t0 = time.monotonic()
node = start()
for cycle in range(cycles):
    lost += exists(to_check)  # acknowledged before the last kill
    acked, stop = [], threading.Event()
    w = threading.Thread(target=writer, args=(acked, stop, cycle))
    w.start()
    time.sleep(rng.uniform(0.02, 0.2))
    node.send_signal(signal.SIGKILL)
    node.wait()
    stop.set()
    w.join(30)
    acked_total += len(acked)
    to_check = acked
    v = subprocess.run([bin_, "verify", "--data", data], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if v.returncode != 0:
        verify_failures += 1
        print(f"cycle {cycle}: verify failed: {v.stderr.strip()[:300]}", file=sys.stderr)
    node = start()
    if (cycle + 1) % 100 == 0:
        print(f"{cycle + 1} cycles, {acked_total:,} acknowledged, {lost} lost, "
              f"{verify_failures} failed verifies, {time.monotonic() - t0:.0f} s", file=sys.stderr)
lost += exists(to_check)
node.send_signal(signal.SIGTERM)
node.wait(30)
elapsed = time.monotonic() - t0
print(f"| measure ({cycles} SIGKILL cycles during API writes) | result |")
print("|---|---|")
print(f"| documents acknowledged before a kill | {acked_total:,} |")
print(f"| acknowledged documents missing after restart | {lost} |")
print(f"| cycles where `mrcnode verify` failed | {verify_failures} |")
print(f"| time | {elapsed:.0f} s ({elapsed / max(cycles, 1):.2f} s per cycle) |")
sys.exit(1 if lost or verify_failures else 0)
PY
