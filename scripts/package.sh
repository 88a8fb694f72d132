#!/usr/bin/env bash
# Builds the Debian package of mrcnode into OUTDIR and prints its path.
#   scripts/package.sh OUTDIR                  builds mrcnode in build/ first
#   scripts/package.sh --binary PATH OUTDIR    packages that mrcnode binary
#   scripts/package.sh --version V OUTDIR      instead of the version below
# The version is CMake's project version and the number of commits
# (0.1.0+git367): each commit's package upgrades the one before it.
# The package: /usr/bin/mrcnode (stripped), the systemd unit mrcnode.service,
# /etc/mrcnode/config.toml (a conffile: the settings `mrcnode init` writes),
# a manual page, and the maintainer scripts of scripts/debian/ (docs/operations.md,
# "Install and first start"). dpkg-deb rather than CPack: the maintainer
# scripts and the unit are plain files one can read, and dpkg-shlibdeps
# computes the dependencies either way.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

binary=
version=
outdir=
while (($#)); do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    -*) echo "package.sh: unknown option $1 (--binary PATH, --version V)" >&2; exit 2 ;;
    *) outdir="$1"; shift ;;
  esac
done
if [[ -z "$outdir" ]]; then
  echo "usage: scripts/package.sh [--binary PATH] [--version V] OUTDIR" >&2
  exit 2
fi
for tool in dpkg-deb dpkg-shlibdeps strip; do
  if ! command -v "$tool" >/dev/null; then
    echo "package.sh: $tool is missing (scripts/install-deps.sh --package)" >&2
    exit 1
  fi
done

if [[ -z "$binary" ]]; then
  export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
  cmake -S "$repo" -B "$repo/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$repo/build" -j"${MRC_JOBS:-$(nproc)}" mrcnode >/dev/null
  binary="$repo/build/node/mrcnode"
fi
if [[ -z "$version" ]]; then
  project=$(sed -n 's/^project(mrcnode VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
  commits=$(git -C "$repo" rev-list --count HEAD 2>/dev/null || echo 0)
  version="$project+git$commits"
fi
arch=$(dpkg --print-architecture)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/root"
doc="$root/usr/share/doc/mrcnode"
src="$repo/scripts/debian"

install -d -m 0755 "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/mrcnode" "$doc" \
  "$root/DEBIAN"
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
  -o "$root/usr/bin/mrcnode" "$binary"
chmod 0755 "$root/usr/bin/mrcnode"
install -m 0644 "$src/mrcnode.service" "$root/lib/systemd/system/"

# The shipped settings are exactly those `init` writes: every key, its
# default and what it does.
"$root/usr/bin/mrcnode" init --data "$stage/init" --hq >/dev/null
install -m 0644 "$stage/init/config.toml" "$root/etc/mrcnode/config.toml"

# The manual page: the program's own --help, and where the package keeps
# things.
install -d -m 0755 "$root/usr/share/man/man1"
{
  printf '.TH MRCNODE 1 "" "mrcnode %s" "User Commands"\n' "$version"
  printf '.SH NAME\nmrcnode \\- network node for Migrant Resource Centres\n'
  printf '.SH SYNOPSIS\n.B mrcnode\n.I command\n.RB [ \\-\\-data\n.IR DIR ]\n'
  printf '.RI [ options ]\n.SH DESCRIPTION\n.nf\n'
  "$root/usr/bin/mrcnode" --help | sed -e 's/\\/\\e/g' -e 's/^[.'"'"']/\\\&&/' \
    -e 's|^Usage: .*|Usage: mrcnode [OPTIONS] SUBCOMMAND|'
  printf '.fi\n.PP\nEach command has its own \\-\\-help.\n.SH FILES\n'
  printf '.TP\n.I /etc/mrcnode/config.toml\nsettings\n'
  printf '.TP\n.I /var/lib/mrcnode\nthe data directory: keys, store, search index\n'
  printf '.SH SEE ALSO\n/usr/share/doc/mrcnode/operations.md\n'
} | gzip -9n >"$root/usr/share/man/man1/mrcnode.1.gz"
chmod 0644 "$root/usr/share/man/man1/mrcnode.1.gz"
install -m 0644 "$src/copyright" "$doc/copyright"
install -m 0644 "$repo/docs/operations.md" "$doc/operations.md"
date=$(git -C "$repo" log -1 --format=%cD 2>/dev/null || date -R)
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
cat >"$stage/changelog" <<EOF
mrcnode ($version) unstable; urgency=medium

  * Built from commit $commit of the mrcnode repository.

 -- mrcnode maintainers <maintainers@mrcnode.invalid>  $date
EOF
gzip -9n <"$stage/changelog" >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

for script in postinst prerm postrm; do
  install -m 0755 "$src/$script" "$root/DEBIAN/"
done
echo /etc/mrcnode/config.toml >"$root/DEBIAN/conffiles"

# dpkg-shlibdeps reads debian/control for the package's name.
mkdir -p "$stage/debian"
printf 'Source: mrcnode\n\nPackage: mrcnode\nArchitecture: any\n' >"$stage/debian/control"
shlibs=$(cd "$stage" && dpkg-shlibdeps -O -e root/usr/bin/mrcnode 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')
if [[ -z "$shlibs" ]]; then
  echo "package.sh: dpkg-shlibdeps found no dependencies of $binary" >&2
  exit 1
fi
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" \
  -e "s|@SHLIBS@|$shlibs|" "$src/control.in" >"$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
  xargs -0 md5sum) >"$root/DEBIAN/md5sums"

mkdir -p "$outdir"
deb="$outdir/mrcnode_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
