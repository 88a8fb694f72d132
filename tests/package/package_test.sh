#!/usr/bin/env bash
# The Debian package (scripts/package.sh), built from the mrcnode of this
# build ($MRCNODE) and checked: lintian reports no error, and it is installed
# into a scratch root where systemd-analyze verifies its unit. The scratch
# root is this machine's own system under a copy-on-write overlay, in a
# mount namespace of the test's own: dpkg, the maintainer scripts and the
# node change only the overlay, which goes away with the namespace. There it
# is installed, initialised and run as the unit runs it (as the user
# mrcnode, on loopback); then systemd boots in a container of that root and
# starts the service with its sandbox, an upgrade to a newer version
# restarts it and removal stops it; it is installed again and purged. The
# node's data must survive all of it. Where systemd cannot boot (no
# writable cgroup2), the test says so and upgrades and removes in the chroot.
#   tests/package/package_test.sh   (MRCNODE=path/to/mrcnode)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
: "${MRCNODE:?MRCNODE must name the mrcnode binary to package}"

work=$(mktemp -d /tmp/mrc-package-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "package_test: FAIL: $*" >&2
  exit 1
}

echo "== build the package (version 1.0~test1), and the same as 1.0~test2"
deb1=$("$repo/scripts/package.sh" --binary "$MRCNODE" --version 1.0~test1 "$work/out")
# The newer package: the same files under a higher version, as an upgrade
# from one commit's package to the next's.
dpkg-deb -R "$deb1" "$work/v2"
sed -i 's/^Version: .*/Version: 1.0~test2/' "$work/v2/DEBIAN/control"
deb2="$work/out/mrcnode_1.0~test2.deb"
dpkg-deb --root-owner-group -Zgzip --build "$work/v2" "$deb2" >/dev/null

echo "== the package's contents"
contents=$(dpkg-deb -c "$deb1")
for path in ./usr/bin/mrcnode ./lib/systemd/system/mrcnode.service ./etc/mrcnode/config.toml \
  ./usr/share/doc/mrcnode/copyright ./usr/share/man/man1/mrcnode.1.gz; do
  grep -q " $path\$" <<<"$contents" || fail "$path is not in the package"
done
[[ "$(dpkg-deb -f "$deb1" Depends)" == *libsodium* ]] || fail "Depends lacks the shared libraries"
[[ "$(dpkg-deb --ctrl-tarfile "$deb1" | tar -xOf - ./conffiles)" == /etc/mrcnode/config.toml ]] ||
  fail "/etc/mrcnode/config.toml is not a conffile"

echo "== lintian"
lintian --fail-on error "$deb1" || fail "lintian reports errors"

echo "== install, initialise, run, upgrade, remove and purge in a scratch root"
timeout 240 unshare --mount --propagation private \
  bash "$repo/tests/package/scratch_root.sh" "$work" "$deb1" "$deb2"
echo "package_test: passed"
