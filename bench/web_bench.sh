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

work=$(mktemp -d /tmp/mrc-web-bench-XXXXXX)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=$((20000 + RANDOM % 20000))
nginx_port=$((port + 1))

"$bin" init --data "$work/node" --hq --network "web bench" --name "Bench centre" \
  --http "127.0.0.1:$port" --listen none >/dev/null
echo "bench-password" | "$bin" user add bench --role counsellor --password-stdin --data "$work/node" >/dev/null
token=$("$bin" user token bench --data "$work/node" | sed -n 's/.*"token": "\(mrc_[0-9a-f]*\)".*/\1/p')

# Content shaped like a real network's: FAQ entries in four languages, each
# in its own words (the common ones translated, the rare ones of the
# language's own script); guides for 200 countries (12 topics in 4
# languages), bulletins, centres; words drawn from each language's
# vocabulary with a Zipf-like distribution. MRC_BENCH_SAME_WORDS=1 writes
# the English words into every language's texts instead, as this bench did
# before 2026-12-06: no network's texts look like that, and with words
# indexed per language, a query then matches four times over.
python3 - "$work/content" "$docs" "${MRC_BENCH_SAME_WORDS:-0}" <<'PY'
import json, os, random, sys
out, total, same_words = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
random.seed(7)
os.makedirs(out)
common = {
    "en": "visa permit residence work family reunification asylum embassy passport employer contract "
          "study university health insurance return quota agreement citizenship support centre office "
          "application document fee appointment deadline renewal extension border entry stay season "
          "worker student spouse child parent refugee protection interview court appeal decision right "
          "obligation language course integration housing rent tax bank account social security pension",
    "fr": "visa permis résidence travail famille regroupement asile ambassade passeport employeur contrat "
          "études université santé assurance retour quota accord citoyenneté soutien centre bureau "
          "demande document frais rendezvous délai renouvellement prolongation frontière entrée séjour "
          "saison travailleur étudiant conjoint enfant parent réfugié protection entretien tribunal "
          "recours décision droit obligation langue cours intégration logement loyer impôt banque compte "
          "social sécurité retraite",
    "ru": "виза разрешение проживание работа семья воссоединение убежище посольство паспорт работодатель "
          "договор учёба университет здоровье страховка возвращение квота соглашение гражданство "
          "поддержка центр офис заявление документ пошлина запись срок продление пролонгация граница "
          "въезд пребывание сезон работник студент супруг ребёнок родитель беженец защита собеседование "
          "суд апелляция решение право обязанность язык курс интеграция жильё аренда налог банк счёт "
          "социальный обеспечение пенсия",
    "ar": "تأشيرة تصريح إقامة عمل أسرة لمّ لجوء سفارة جواز مشغّل عقد دراسة جامعة صحة تأمين عودة حصة "
          "اتفاقية جنسية دعم مركز مكتب طلب وثيقة رسوم موعد مهلة تجديد تمديد حدود دخول بقاء موسم عامل "
          "طالب زوج طفل والد لاجئ حماية مقابلة محكمة استئناف قرار حق التزام لغة دورة اندماج سكن إيجار "
          "ضريبة بنك حساب اجتماعي ضمان معاش",
}
rare_letter = {"en": "w", "fr": "x", "ru": "ж", "ar": "ع"}
langs = ["en", "fr", "ru", "ar"]
vocab = {}
for l in langs:
    w = "en" if same_words else l
    vocab[l] = common[w].split() + [rare_letter[w] + "%05d" % i for i in range(5000)]
weights = [1.0 / (i + 1) for i in range(len(vocab["en"]))]
def words(n, lang):
    return " ".join(random.choices(vocab[lang], weights, k=n))
categories = common["en"].split()[:20]
countries = ["AF","AL","DZ","AR","AM","AU","AT","AZ","BD","BY","BE","BJ","BO","BA","BR","BG","BF","KH","CM","CA",
             "CL","CN","CO","CD","CR","HR","CU","CY","CZ","DK","DO","EC","EG","SV","ER","EE","ET","FI","FR","GE",
             "DE","GH","GR","GT","GN","HT","HN","HU","IS","IN","ID","IR","IQ","IE","IL","IT","CI","JM","JP","JO",
             "KZ","KE","XK","KW","KG","LA","LV","LB","LR","LY","LT","LU","MG","MW","MY","ML","MT","MR","MX","MD",
             "MN","ME","MA","MZ","MM","NA","NP","NL","NZ","NI","NE","NG","MK","NO","OM","PK","PS","PA","PY","PE",
             "PH","PL","PT","QA","RO","RU","RW","SA","SN","RS","SL","SG","SK","SI","SO","ZA","KR","SS","ES","LK",
             "SD","SE","CH","SY","TW","TJ","TZ","TH","TG","TN","TR","TM","UG","UA","AE","GB","US","UY","UZ","VE",
             "VN","YE","ZM","ZW","AO","BH","BW","BI","CV","CF","TD","KM","DJ","GQ","GA","GM","GW","LS","MU","NC",
             "PG","SR","SZ","TL","TT","BT","BN","FJ","GY","BZ","BB","BS","MV","MC","LI","SM","AD","VA","ST","SC",
             "KI","MH","FM","NR","PW","WS","SB","TO","TV","VU","LC","VC","GD","DM","KN","AG","MO","HK","PR","GL"]
topics = ["entry-and-stay","visas-and-embassy","residence-and-work-permits","job-search","quotas-and-agreements",
          "study","family-reunification","health-and-social-insurance","support-services","citizenship","return",
          "legislation"]
items = []
for c in countries:
    for t in topics:
        for l in langs:
            items.append({"kind": "guide", "content": {"country": c, "topic": t, "language": l,
                          "body": words(120, l), "verified_on": "2026-10-01", "sources": ["ministry website"]}})
for i in range(400):
    items.append({"kind": "centre", "content": {"name": "Centre %d" % i,
                  "location": {"city": "City %d" % i, "country": random.choice(countries)},
                  "languages": ["en", "fr"], "services": ["counselling", "referral"]}})
for i in range(1000):
    l = random.choice(langs)
    items.append({"kind": "bulletin", "content": {"title": words(6, l), "body": words(150, l),
                  "effective_date": "2026-%02d-%02d" % (1 + i % 12, 1 + i % 28), "urgency": "normal",
                  "language": l, "countries": [random.choice(countries)]}})
i = 0
while len(items) < total:
    l = langs[i % 4]
    items.append({"kind": "faq", "content": {"question": words(8, l) + "?", "answer": words(110, l),
                  "language": l, "categories": [random.choice(categories)]}})
    i += 1
for k in range(0, len(items), 10000):
    with open(os.path.join(out, "part%03d.json" % (k // 10000)), "w") as f:
        json.dump(items[k:k + 10000], f, ensure_ascii=False)
PY
t0=$(date +%s.%N)
"$bin" import --data "$work/node" "$work/content" >/dev/null
t1=$(date +%s.%N)

api() { curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port$1"; }
start=$(date +%s.%N)
"$bin" run --data "$work/node" 2>"$work/node.log" >/dev/null & pids+=($!)
for _ in $(seq 1 400); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" == 200 ]] && break
  sleep 0.01
done
up=$(date +%s.%N)
for _ in $(seq 1 1800); do
  api "/api/v1/search?q=visa&limit=1" | grep -q '"complete":true' && break
  sleep 0.2
done
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
# Every request a new query (a common word and a rare one), so that no
# result can come from the node's cache of recent results.
# The sequence runs through all 24,000 pairs of a common word and a rare one
# (w01000..w04999) before it repeats; each wrk thread starts halfway from
# the other, so that the threads do not ask each other's queries.
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

run() {  # run KEY LABEL URL [LUA]
  local args=(-t2 -c32 -d"${secs}s" --latency -H "Authorization: Bearer $token")
  [[ -n "${4:-}" ]] && args+=(-s "$4")
  wrk "${args[@]}" "$3" >"$work/$1.txt"
  local rps p50 p99 errors
  rps=$(sed -n 's/^Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p' "$work/$1.txt")
  p50=$(awk '$1=="50%"{print $2}' "$work/$1.txt")
  p99=$(awk '$1=="99%"{print $2}' "$work/$1.txt")
  errors=$(grep -c "Non-2xx\|Socket errors" "$work/$1.txt" || true)
  printf "| %-32s | %10s | %8s | %8s | %s |\n" "$2" "$rps" "$p50" "$p99" \
    "$([[ $errors == 0 ]] && echo none || grep "Non-2xx\|Socket errors" "$work/$1.txt" | tr -s ' ')"
  echo "$rps" >"$work/$1.rps"
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

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
printf "| %-32s | %10s | %8s | %8s | %s |\n" "what" "requests/s" "p50" "p99" "errors"
printf "|%s|%s|%s|%s|%s|\n" "----------------------------------" "------------" "----------" "----------" "------"
run new "search API, every query new" "http://127.0.0.1:$port" "$work/new.lua"
run api "search API, 15 queries repeating" "http://127.0.0.1:$port" "$work/api.lua"
run page "search page (HTML)" "http://127.0.0.1:$port" "$work/page.lua"
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
  printf "| %-32s | %10s | %8s | %8s | %s |\n" "what" "requests/s" "p50" "p99" "errors"
  printf "|%s|%s|%s|%s|%s|\n" "----------------------------------" "------------" "----------" "----------" "------"
  for round in 1 2 3; do
    for which in A B; do
      kill "$node" 2>/dev/null || true
      wait "$node" 2>/dev/null || true
      b=$bin data=$work/node
      [[ $which == B ]] && b=$other data=$work/node-b
      "$b" run --data "$data" 2>>"$work/node.log" >/dev/null &
      node=$!
      pids+=("$node")
      for _ in $(seq 1 1800); do
        api "/api/v1/search?q=visa&limit=1" | grep -q '"complete":true' && break
        sleep 0.2
      done
      run "ab-$round-$which" "$which, round $round" "http://127.0.0.1:$port" "$work/new.lua"
      rss[$which]=$(( $(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$node/status") / 1024 ))
      peak[$which]=$(( rss[$which] > ${peak[$which]:-0} ? rss[$which] : ${peak[$which]:-0} ))
    done
  done
  echo
  echo "node peak RSS over the rounds (each from a start, new queries only): A ${peak[A]} MB, B ${peak[B]} MB"
fi
