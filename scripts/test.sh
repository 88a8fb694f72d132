#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the normal build,
# then the same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
# The normal build's tests include BrowserUi (tests/browser: the web UI in
# headless Chromium), so Chromium and playwright-core are installed too, and
# Package (tests/package: the Debian package), so lintian and dpkg-dev.
#   scripts/test.sh            both builds
#   MRC_SKIP_SANITIZE=1 scripts/test.sh   the normal build only
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --browser --package

# The browser test (tests/browser) must run, never be left out quietly.
chromium_bin="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium_bin" ]]; then
  echo "test.sh: no Chromium at $chromium_bin after install-deps.sh --browser" >&2
  exit 1
fi
if [[ ! -d tests/browser/node_modules/playwright-core ]]; then
  echo "test.sh: tests/browser/node_modules/playwright-core is missing after install-deps.sh --browser" >&2
  exit 1
fi
if ! command -v node >/dev/null || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
  echo "test.sh: the browser test needs Node.js 18 or later; this is $(node --version 2>/dev/null || echo none)" >&2
  exit 1
fi

jobs=$(nproc)
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"

echo "== build (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build -j"$jobs"
for t in BrowserUi BrowserLan; do
  if [[ "$(ctest --test-dir build -N -R "^$t\$")" != *"Total Tests: 1"* ]]; then
    echo "test.sh: the $t test is not registered (see tests/CMakeLists.txt)" >&2
    exit 1
  fi
done
if [[ "$(ctest --test-dir build -N -R '^Package$')" != *"Total Tests: 1"* ]]; then
  echo "test.sh: the Package test is not registered (see tests/CMakeLists.txt)" >&2
  exit 1
fi
echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 600

if [[ "${MRC_SKIP_SANITIZE:-0}" != 1 ]]; then
  echo "== build (ASan + UBSan)"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMRC_SANITIZE=ON \
    -DMRC_BUILD_BENCH=OFF >/dev/null
  ninja -C build-asan -j"$jobs"
  echo "== tests (ASan + UBSan)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 900
fi
echo "all tests passed"
