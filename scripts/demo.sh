#!/usr/bin/env bash
# Installs what is missing, builds, and runs the demo network on loopback:
# headquarters with the sample content, centre A dialling headquarters, and
# centre B dialling only centre A (it reaches headquarters through A). Shows
# a change made at B arriving at headquarters, then serves until Ctrl-C.
#   MRC_DEMO_PORT=8080 (default): HTTP ports are PORT, PORT+1, PORT+2
#   MRC_DEMO_DIR=./demo-data (default; wiped at start)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build mrcnode
bin=build/node/mrcnode
dir="${MRC_DEMO_DIR:-./demo-data}"
port="${MRC_DEMO_PORT:-8080}"
peer_port=$((port + 1000))

rm -rf "$dir"
"$bin" init --data "$dir/hq" --hq --network "Demo MRC network (sample content)" \
  --name "Headquarters (demo)" --http "127.0.0.1:$port" --listen "127.0.0.1:$peer_port"
"$bin" init --data "$dir/centre-a" --genesis "$dir/hq/genesis.txt" --name "Centre A (demo)" \
  --http "127.0.0.1:$((port + 1))" --listen "127.0.0.1:$((peer_port + 1))"
"$bin" init --data "$dir/centre-b" --genesis "$dir/hq/genesis.txt" --name "Centre B (demo)" \
  --http "127.0.0.1:$((port + 2))" --listen none
# Enrolment: each centre hands headquarters a signed request; headquarters
# approves it (until then other nodes hold the centre's entries unapplied).
for c in a b; do
  "$bin" member request --data "$dir/centre-$c" --name "Centre ${c^^} (demo)" --country AL \
    --out "$dir/centre-$c.request" 2>/dev/null
  "$bin" member approve --data "$dir/hq" "$dir/centre-$c.request" >/dev/null
done
"$bin" peer add --data "$dir/centre-a" "127.0.0.1:$peer_port"
"$bin" peer add --data "$dir/centre-b" "127.0.0.1:$((peer_port + 1))"
"$bin" import --data "$dir/hq" scripts/sample
# Staff accounts for the web UI, the same at every node (demo passwords).
for node in hq centre-a centre-b; do
  for role in admin editor counsellor; do
    echo "demo-$role" | "$bin" user add "$role" --role "$role" --password-stdin --data "$dir/$node" >/dev/null
  done
done

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
for node in hq centre-a centre-b; do
  "$bin" run --data "$dir/$node" 2>"$dir/$node.log" &
  pids+=($!)
done

# The API of a node, with the admin token it writes for its own command line.
api() {
  local node=$1 path=$2; shift 2
  local n=0; case "$node" in centre-a) n=1 ;; centre-b) n=2 ;; esac
  { curl -s -H "Authorization: Bearer $(cat "$dir/$node/api-token" 2>/dev/null)" "$@" \
      "http://127.0.0.1:$((port + n))$path" || true; }
}
digest() { api "$1" /api/v1/digest | sed -n 's/.*"digest":"\([0-9a-f]*\)".*/\1/p'; }
wait_same() {
  for _ in $(seq 1 100); do
    a=$(digest hq); b=$(digest centre-a); c=$(digest centre-b)
    if [[ -n "$a" && "$a" == "$b" && "$b" == "$c" ]]; then echo "  all three nodes: digest $a"; return 0; fi
    sleep 0.2
  done
  echo "  nodes have not converged yet; see $dir/*.log" >&2
}
echo "Replicating the sample content from headquarters to both centres..."
wait_same
echo "Centre B publishes an FAQ entry; it reaches headquarters through centre A..."
api centre-b /api/v1/docs -X POST -H 'Content-Type: application/json' \
  -d '{"kind":"faq","content":{"question":"Where is centre B? (demo)","answer":"_Sample._ Main street 1.","language":"en"}}' >/dev/null
wait_same
bulletin=$(api hq "/api/v1/docs?kind=bulletin&limit=1" | sed -n 's/.*"id":"\([0-9a-f]\{64\}\)".*/\1/p')
if [[ -n "$bulletin" ]]; then
  echo "Centre A acknowledges a bulletin; headquarters sees who received and read it..."
  "$bin" bulletin ack "$bulletin" --by "Demo counsellor" --data "$dir/centre-a" >/dev/null
  for _ in $(seq 1 50); do
    r=$(api hq "/api/v1/bulletins/$bulletin/receipts")
    [[ "$r" == *'"not_received":[]'* && "$r" == *'"by":"Demo counsellor"'* ]] && break
    sleep 0.2
  done
  api hq "/api/v1/bulletins/$bulletin/receipts" | python3 -c '
import json, sys
r = json.load(sys.stdin)
n = len(r["centres"])
got = n - len(r["not_received"])
acks = ", ".join(c["name"] + " (" + c["acknowledged"].get("by", "?") + ")" for c in r["centres"] if c["acknowledged"])
print("  %s: received by %d of %d centres; acknowledged by %s" % (r["title"], got, n, acks or "none yet"))'
fi

echo "Centre B refers a client to headquarters; the referral travels through centre A, which cannot read it..."
hq_key=$(api hq /api/v1/status | sed -n 's/.*"node":"\([0-9a-f]\{64\}\)".*/\1/p')
referral=$(api centre-b /api/v1/referrals -X POST -H 'Content-Type: application/json' -d '{"to":"'"$hq_key"'",
  "service":"legal advice","reason":"Work permit renewal refused (demo)","urgency":"urgent",
  "client":{"name":"Demo client","contact":"+000 000 000","languages":["sq","en"]},
  "consent":{"given":true,"scope":"name, contact and reason shared with headquarters (demo)"}}' |
  sed -n 's/.*"id":"\([0-9a-f]\{64\}\)".*/\1/p')
if [[ -n "$referral" ]]; then
  for _ in $(seq 1 50); do
    [[ "$(api centre-b "/api/v1/referrals/$referral")" == *'"status":"received"'* ]] && break
    sleep 0.2
  done
  api hq "/api/v1/referrals/$referral" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("  headquarters: %s, readable: %s" % (r["status"], "yes" if r["readable"] else "no"))'
  api centre-a "/api/v1/referrals/$referral" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("  centre A (relay): %s, readable: %s" % (r["status"], "yes" if r["readable"] else "no"))'
else
  echo "  the referral could not be made; see $dir/*.log" >&2
fi
echo "Centre B reports a problem with a headquarters FAQ entry; it reaches headquarters through centre A..."
faq=$(api hq "/api/v1/docs?kind=faq&limit=1" | sed -n 's/.*"id":"\([0-9a-f]\{64\}\)".*/\1/p')
if [[ -n "$faq" ]]; then
  for _ in $(seq 1 50); do
    [[ "$(api centre-b "/api/v1/docs/$faq/reports" -o /dev/null -w '%{http_code}')" == 200 ]] && break
    sleep 0.2
  done
  api centre-b "/api/v1/docs/$faq/reports" -X POST -H 'Content-Type: application/json' \
    -d '{"category":"outdated","note":"The fee changed last month (demo)."}' >/dev/null
  for _ in $(seq 1 50); do
    [[ "$(api hq /api/v1/reports)" == *'"total":1'* ]] && break
    sleep 0.2
  done
  api hq /api/v1/reports | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("  headquarters: %d open problem report(s) on its documents (see /problems)" % r["open"])'
fi
echo "Centre A translates a headquarters FAQ entry into French; headquarters then edits the English..."
source_faq=""
for id in $(api hq "/api/v1/docs?kind=faq&limit=100" |
  python3 -c 'import json, sys; print(" ".join(d["id"] for d in json.load(sys.stdin)["docs"]))'); do
  if api hq "/api/v1/docs/$id" | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if d["content"]["language"] == "en" and "translation_of" not in d["content"] else 1)'; then
    source_faq=$id
    break
  fi
done
if [[ -n "$source_faq" ]]; then
  french=$(api centre-a /api/v1/docs -X POST -H 'Content-Type: application/json' \
    -d '{"kind":"faq","content":{"question":"Traduction de démonstration","answer":"_Exemple._ Texte traduit.","language":"fr","translation_of":"'"$source_faq"'"}}' |
    sed -n 's/.*"id":"\([0-9a-f]\{64\}\)".*/\1/p' | head -1)
  wait_same
  api hq "/api/v1/docs/$source_faq" | python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d["content"]
c.pop("edited_by", None)
c["answer"] += "\n\n_Updated at headquarters (demo)._"
print(json.dumps({"content": c}))' >"$dir/source-edit.json"
  api hq "/api/v1/docs/$source_faq" -X PUT -H 'Content-Type: application/json' -d @"$dir/source-edit.json" >/dev/null
  wait_same
  if [[ -n "$french" ]]; then
    api centre-b "/api/v1/docs/$french" | python3 -c '
import json, sys
t = json.load(sys.stdin).get("translation", {})
print("  centre B: the French translation is %s (see /translations)" % ("out of date" if t.get("stale") else "current"))'
  fi
fi
echo
echo "Demo network (sample content). Open the UI in a browser:"
echo "  headquarters  http://127.0.0.1:$port/"
echo "  centre A      http://127.0.0.1:$((port + 1))/"
echo "  centre B      http://127.0.0.1:$((port + 2))/"
echo "  log in as admin / demo-admin, editor / demo-editor or counsellor / demo-counsellor"
echo "  API:          curl -H \"Authorization: Bearer \$(cat $dir/hq/api-token)\" http://127.0.0.1:$port/api/v1/status"
echo "Stop with Ctrl-C."
wait
