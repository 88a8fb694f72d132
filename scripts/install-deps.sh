#!/usr/bin/env bash
# Installs the Debian packages mrcnode needs to build, test and run, when they
# are missing. Safe to run repeatedly: it does nothing when all are present.
#   scripts/install-deps.sh           build + test dependencies
#   scripts/install-deps.sh --browser also Chromium and playwright-core (UI tests)
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev librocksdb-dev libsodium-dev nlohmann-json3-dev
  libtomlplusplus-dev libcli11-dev libgtest-dev libgmock-dev
  libxapian-dev libicu-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  curl python3 procps
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
