#!/usr/bin/env bash
# Part of package_test.sh, run in a mount namespace of its own (unshare
# --mount): mounts this machine's root under a copy-on-write overlay in
# WORK/root and takes the package through its life there: installed and
# initialised in a chroot; then, where this machine allows it, started by
# systemd in a container of that root (systemd_container.sh), upgraded
# (the service restarts) and removed (it stops); else upgraded and removed
# in the chroot; then installed again and purged.
#   scratch_root.sh WORK DEB1 DEB2   (DEB2: the same package, a newer version)
set -euo pipefail
work=$1
deb1=$2
deb2=$3
root="$work/root"
data=/var/lib/mrcnode
fail() {
  echo "package_test: FAIL: $*" >&2
  exit 1
}
# shellcheck source=tests/package/systemd_container.sh
source "$(dirname "$0")/systemd_container.sh"

mkdir -p "$work/upper" "$work/overlay-work" "$root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$work/upper,workdir=$work/overlay-work" "$root"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
# No /run/systemd/system: the maintainer scripts see no running systemd.
mount -t tmpfs tmpfs "$root/run"
mount -t tmpfs tmpfs "$root/tmp"
cp "$deb1" "$root/tmp/v1.deb"
cp "$deb2" "$root/tmp/v2.deb"

# In the chroot, or in the container while systemd runs there.
in_root() {
  if [[ -n "$sd_pid" ]]; then in_systemd "$@"; else chroot "$root" "$@" </dev/null; fi
}
# As the service runs it: the user mrcnode, from /.
as_node() {
  if [[ -n "$sd_pid" ]]; then
    node_in_systemd "$@"
  else
    chroot --userspec=mrcnode:mrcnode "$root" /usr/bin/mrcnode "$@"
  fi
}
# shellcheck disable=SC2016
installed_version() { in_root dpkg-query -W -f='${Status} ${Version}' mrcnode 2>/dev/null || true; }

echo "-- install 1.0~test1"
in_root dpkg -i /tmp/v1.deb
[[ "$(installed_version)" == "install ok installed 1.0~test1" ]] || fail "not installed"
in_root getent passwd mrcnode >/dev/null || fail "no user mrcnode"
mode=$(in_root stat -c '%U %a' "$data")
[[ "$mode" == "mrcnode 700" ]] || fail "$data: $mode"
[[ "$(readlink "$root$data/config.toml")" == /etc/mrcnode/config.toml ]] ||
  fail "$data/config.toml does not link to /etc/mrcnode/config.toml"
[[ -L "$root/etc/systemd/system/multi-user.target.wants/mrcnode.service" ]] ||
  fail "the service is not enabled"
in_root systemd-analyze verify /lib/systemd/system/mrcnode.service ||
  fail "systemd-analyze verify rejects the unit"
# Every shared library the binary needs is there.
if in_root ldd /usr/bin/mrcnode | grep -q "not found"; then fail "$(in_root ldd /usr/bin/mrcnode)"; fi
as_node --version

echo "-- initialise, as the documentation says (root is refused)"
if in_root mrcnode init --data "$data" --hq 2>"$work/err"; then fail "root could init $data"; fi
grep -q "run this as that user (sudo -u mrcnode" "$work/err" || fail "$(cat "$work/err")"
# A port of the system's choosing, so as not to meet another test's node.
sed -i -e 's/^listen = "127.0.0.1:8080"/listen = "127.0.0.1:0"/' \
  -e 's/^listen = "127.0.0.1:7400"/listen = ""/' -e 's/^name = ""/name = "Packaged centre"/' \
  "$root/etc/mrcnode/config.toml"
as_node init --data "$data" --hq --network "Package test"
key=$(cat "$root$data/identity.pub")
echo secret-password-1 | as_node user add ana --role admin --password-stdin --data "$data"

echo "-- run the node as the service does, write a document, stop it"
chroot --userspec=mrcnode:mrcnode "$root" /usr/bin/mrcnode run --data "$data" \
  >"$work/node.log" 2>&1 &
node=$!
# A node left running would keep this namespace, and its mounts, alive.
trap 'kill -KILL "$node" 2>/dev/null || true; stop_systemd' EXIT
for _ in $(seq 100); do
  [[ -s "$root$data/node.json" ]] && break
  kill -0 "$node" 2>/dev/null || break
  sleep 0.1
done
[[ -s "$root$data/node.json" ]] || fail "the node did not start: $(cat "$work/node.log")"
as_node status --data "$data" >"$work/status.json" || fail "status: $(cat "$work/status.json")"
grep -q '"name": *"Packaged centre"' "$work/status.json" ||
  fail "the running node does not read /etc/mrcnode/config.toml: $(cat "$work/status.json")"
echo '{"kind":"faq","content":{"question":"Do I need a visa?","answer":"It depends.","language":"en"}}' |
  as_node doc put --data "$data" >/dev/null
kill -TERM "$node"
for _ in $(seq 100); do
  kill -0 "$node" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$node" 2>/dev/null; then kill -KILL "$node"; fail "the node did not stop on SIGTERM"; fi
wait "$node" || fail "the node exited with $?: $(cat "$work/node.log")"
digest=$(as_node digest --data "$data")

# Checks the node's data is what it was: same key, same entries, all valid.
same_data() {
  [[ -f "$root$data/identity.key" ]] || fail "$1: identity.key is gone"
  [[ "$(cat "$root$data/identity.pub")" == "$key" ]] || fail "$1: the node's key changed"
  [[ "$(as_node digest --data "$data")" == "$digest" ]] || fail "$1: the store changed"
  as_node verify --data "$data" >/dev/null || fail "$1: verify failed"
}

echo "-- the service, started by systemd at boot"
if boot_systemd; then
  [[ "$(in_root systemctl is-enabled mrcnode)" == enabled ]] || fail "the service is not enabled"
  wait_for 300 in_root systemctl is-active mrcnode ||
    fail "the service did not start: $(in_root systemctl status mrcnode --no-pager -l)"
  wait_for 100 test -s "$root$data/node.json" || fail "the service's node does not serve"
  grep -q '"name": *"Packaged centre"' <(as_node status --data "$data") ||
    fail "the service does not read /etc/mrcnode/config.toml"
  [[ "$(as_node digest --data "$data")" == "$digest" ]] || fail "the service's node lost data"
  in_root journalctl -u mrcnode -o cat --no-pager | grep -q . || fail "no log in the journal"
  first=$(in_root systemctl show -p MainPID --value mrcnode)
  # The sandbox is in force: no new privileges, a seccomp filter, no
  # capability even in the bounding set.
  proc_status=$(in_root cat "/proc/$first/status")
  for line in 'NoNewPrivs:\s*1' 'Seccomp:\s*2' 'CapBnd:\s*0000000000000000'; do
    grep -qP "^$line\$" <<<"$proc_status" || fail "the service's process lacks $line"
  done
  in_root systemd-analyze security mrcnode --no-pager | tail -1
else
  echo "systemd cannot run here: the service is not started; the node ran as its unit runs" \
    "it, above"
fi

echo "-- upgrade to 1.0~test2"
in_root dpkg -i /tmp/v2.deb
[[ "$(installed_version)" == "install ok installed 1.0~test2" ]] || fail "not upgraded"
grep -q '^name = "Packaged centre"' "$root/etc/mrcnode/config.toml" ||
  fail "the upgrade replaced the edited /etc/mrcnode/config.toml"
if [[ -n "$sd_pid" ]]; then
  wait_for 300 in_root systemctl is-active mrcnode || fail "the service did not restart"
  [[ "$(in_root systemctl show -p MainPID --value mrcnode)" != "$first" ]] ||
    fail "the upgrade did not restart the service"
  wait_for 100 as_node digest --data "$data" || fail "the upgraded service does not serve"
  [[ "$(as_node digest --data "$data")" == "$digest" ]] || fail "the upgrade lost data"
else
  same_data "after the upgrade"
fi

echo "-- remove: the service stops, the settings and the data stay"
in_root dpkg -r mrcnode
[[ "$(installed_version)" == "deinstall ok config-files 1.0~test2" ]] || fail "not removed"
if [[ -n "$sd_pid" ]]; then
  [[ "$(in_root systemctl is-active mrcnode)" != active ]] || fail "the service still runs"
  stop_systemd
fi
[[ ! -e "$root/usr/bin/mrcnode" ]] || fail "/usr/bin/mrcnode is left"
grep -q '^name = "Packaged centre"' "$root/etc/mrcnode/config.toml" ||
  fail "removal took /etc/mrcnode/config.toml"
echo "-- install again: the node has its data"
in_root dpkg -i /tmp/v2.deb
same_data "after removing and installing again"
as_node user list --data "$data" | grep -q '"ana"' || fail "the account is gone"

echo "-- purge: the settings go, the data stays"
in_root dpkg -P mrcnode
[[ -z "$(installed_version)" ]] || fail "not purged: $(installed_version)"
[[ ! -e "$root/etc/mrcnode" ]] || fail "purge left /etc/mrcnode"
[[ -f "$root$data/identity.key" && -d "$root$data/db" ]] || fail "purge took the data"
echo "-- the scratch root is done"
