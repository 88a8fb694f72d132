#!/usr/bin/env bash
# Installs what is missing, builds, and runs the demo: a headquarters node
# with the sample content, serving its API on loopback until Ctrl-C.
#   MRC_DEMO_PORT=8080 (default)   MRC_DEMO_DIR=./demo-data (default; wiped)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build mrcnode
bin=build/node/mrcnode
dir="${MRC_DEMO_DIR:-./demo-data}"
port="${MRC_DEMO_PORT:-8080}"

rm -rf "$dir"
"$bin" init --data "$dir/hq" --hq --network "Demo MRC network (sample content)" \
  --name "Headquarters (demo)" --http "127.0.0.1:$port"
"$bin" import --data "$dir/hq" scripts/sample
"$bin" verify --data "$dir/hq"
echo
echo "Demo headquarters node: http://127.0.0.1:$port/api/v1/docs"
echo "  try: curl -s http://127.0.0.1:$port/api/v1/docs?kind=bulletin"
echo "       $bin doc list --data $dir/hq --kind centre"
echo "Stop with Ctrl-C."
exec "$bin" run --data "$dir/hq"
