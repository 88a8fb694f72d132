# shellcheck shell=bash disable=SC2154,SC2016
# Sourced by scratch_root.sh: systemd as PID 1 of a container made of the
# scratch root, so that the package's unit runs as systemd runs it, with all
# its sandboxing. The container has its own PID, mount, network, UTS, IPC
# and cgroup namespaces, and a cgroup (v2) of its own, killed whole at the
# end. Its boot is trimmed to journald and what is enabled of mrcnode (no
# generators, no other unit), and /proc/sys and /sys are read-only, as in
# any container: nothing reaches this machine's kernel settings or network.
# Needs: root, a writable cgroup2 hierarchy. Uses $root and $work.

sd_pid=   # systemd's PID, while it runs
sd_cg=    # its cgroup
sd_job=   # the background job that started it

# Waits up to $1 tenths of a second for the command after it to succeed.
wait_for() {
  local tenths=$1
  shift
  for _ in $(seq "$tenths"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  "$@" >/dev/null 2>&1
}

# Starts systemd in the scratch root; returns 1, saying why, where this
# machine does not allow it.
boot_systemd() {
  local cgroot
  cgroot=$(findmnt -rn -t cgroup2 -o TARGET | head -1)
  if [[ -z "$cgroot" ]] || ! mkdir "$cgroot/mrc-package-$$" 2>/dev/null; then
    echo "no writable cgroup2 hierarchy"
    return 1
  fi
  sd_cg="$cgroot/mrc-package-$$"
  find "$root/lib/systemd/system" "$root/etc/systemd/system" -path '*.wants/*' \
    ! -name 'systemd-journald*' ! -name mrcnode.service -delete
  rm -f "$root"/lib/systemd/system-generators/*
  # A container image's "start no service" (exit 101) would keep the
  # maintainer scripts from restarting the service, as they do on a machine.
  rm -f "$root/usr/sbin/policy-rc.d"
  (
    echo "$BASHPID" >"$sd_cg/cgroup.procs"
    exec unshare --mount --propagation private --pid --fork --kill-child --cgroup --net \
      --uts --ipc bash -c '
        set -e
        r=$1
        mount -t proc proc "$r/proc"
        mount --bind "$r/proc/sys" "$r/proc/sys"
        mount -o remount,bind,ro "$r/proc/sys"
        mount -t sysfs -o ro sysfs "$r/sys"
        mount -t cgroup2 cgroup2 "$r/sys/fs/cgroup"
        mount -t tmpfs tmpfs "$r/run"
        exec env -i container=mrc-package-test /usr/sbin/chroot "$r" /lib/systemd/systemd \
          --unit=multi-user.target --show-status=0' _ "$root"
  ) >"$work/systemd.log" 2>&1 &
  sd_job=$!
  # systemd moves itself into init.scope of its cgroup.
  # (cgroup files have no size: read them.)
  if ! wait_for 100 grep -q . "$sd_cg/init.scope/cgroup.procs"; then
    echo "systemd did not start: $(tail -5 "$work/systemd.log")"
    stop_systemd
    return 1
  fi
  sd_pid=$(head -1 "$sd_cg/init.scope/cgroup.procs")
  if ! timeout 60 nsenter -t "$sd_pid" -a -r -w systemctl is-system-running --wait >/dev/null; then
    echo "systemd did not finish booting: $(nsenter -t "$sd_pid" -a -r -w systemctl --failed \
      --no-pager 2>&1 | tail -5)"
  fi
  return 0
}

# In the container, as root; and mrcnode as the user mrcnode.
in_systemd() { nsenter -t "$sd_pid" -a -r -w "$@" </dev/null; }
node_in_systemd() {
  nsenter -t "$sd_pid" -a -r -w -S "$(in_systemd id -u mrcnode)" -G "$(in_systemd id -g mrcnode)" \
    /usr/bin/mrcnode "$@"
}

stop_systemd() {
  [[ -n "$sd_cg" ]] || return 0
  echo 1 >"$sd_cg/cgroup.kill" 2>/dev/null || true
  wait "$sd_job" 2>/dev/null || true
  # A cgroup can go once the last of its processes has exited.
  for _ in $(seq 50); do
    find "$sd_cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
    [[ -d "$sd_cg" ]] || break
    sleep 0.1
  done
  sd_cg=
  sd_pid=
}
