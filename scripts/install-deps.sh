#!/usr/bin/env bash
# Installs the Debian packages mrcnode needs to build, test and run, when they
# are missing. Safe to run repeatedly: it does nothing when all are present.
#   scripts/install-deps.sh           build + test dependencies
#   scripts/install-deps.sh --browser also Chromium and playwright-core (UI tests)
#   scripts/install-deps.sh --fuzz    also clang and libFuzzer (bench/fuzz.sh)
#   scripts/install-deps.sh --package also what scripts/package.sh and its test
#                                     use (dpkg-dev, lintian, systemd)
set -euo pipefail

browser=0
fuzz=0
package=0
for arg in "$@"; do
  case "$arg" in
    --browser) browser=1 ;;
    --fuzz) fuzz=1 ;;
    --package) package=1 ;;
    *) echo "install-deps.sh: unknown argument: $arg (--browser, --fuzz, --package)" >&2; exit 2 ;;
  esac
done
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev librocksdb-dev libsodium-dev nlohmann-json3-dev
  libtomlplusplus-dev libcli11-dev libgtest-dev libgmock-dev
  libxapian-dev libicu-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  libtcmalloc-minimal4 libssl-dev curl python3 python3-prometheus-client procps iproute2
)
# --browser: Debian's Chromium (/usr/bin/chromium; the tests never download a
# browser of their own) and a font with Arabic glyphs for the screenshots.
# nodejs and npm only when the commands are missing: a Node.js from elsewhere
# (NodeSource, whose nodejs package bundles npm) is used as it is.
if ((browser)); then
  packages+=(chromium fonts-dejavu-core)
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi
# --fuzz: clang and its runtime libraries (libFuzzer and the sanitizers).
if ((fuzz)); then
  packages+=(clang libclang-rt-14-dev)
fi

# --package: building the .deb (dpkg-deb, dpkg-shlibdeps, strip), checking
# it (lintian, systemd-analyze verify) and installing it into a scratch root
# made of this system (adduser and deb-systemd-helper for its maintainer
# scripts, unshare from util-linux for the scratch root's mounts).
if ((package)); then
  packages+=(dpkg-dev binutils lintian systemd init-system-helpers adduser util-linux)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# playwright-core and axe-core, exactly as tests/browser/package-lock.json pins them.
if ((browser)); then
  browser_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
  # Every dependency package.json names must be there (a new one added
  # since the last install counts as missing).
  if ! (cd "$browser_dir" && node -e 'for (const d of Object.keys(require("./package.json").dependencies)) require.resolve(d + "/package.json")' 2>/dev/null); then
    echo "installing: the browser tests' npm packages (npm ci in tests/browser)"
    npm ci --prefix "$browser_dir" --no-audit --no-fund
  fi
fi
