#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the stock-kernel guest started by stock-vm.sh.  The root is the
# host's own root, read-only over 9p: cover every path the tests may write
# with tmpfs so nothing reaches the host, install the stock modules plus the
# --ko modules under /lib/modules, run guest-tests.sh, and power off
# whatever happens (PID 1 exiting would panic the kernel).
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LC_ALL=C.UTF-8

poweroff_now() {
	echo "[stock-init] powering off (status $?)"
	sync
	echo o > /proc/sysrq-trigger
	sleep 30
}
trap poweroff_now EXIT

# Under emulation a static busybox starts several times faster than the
# dynamically linked tools (each of those costs ~0.3 s of loading over 9p).
for t in mount mkdir cp chmod hostname ip; do
	eval "$t() { busybox $t \"\$@\"; }"
done
uptime() { local u; read -r u _ < /proc/uptime; echo "$u"; }

mount -t proc proc /proc
for a in $(< /proc/cmdline); do
	case $a in
	rstmon_top=*) TOP=${a#*=} ;;
	rstmon_results=*) RESULTS=${a#*=} ;;
	rstmon_ko=*) KO=${a#*=} ;;
	rstmon_tests=*) TESTS=${a#*=} ;;
	rstmon_kdir=*) KDIR=${a#*=} ;;
	rstmon_mods=*) MODS=${a#*=} ;;
	rstmon_only=*) export RSTMON_ONLY=${a#*=} ;;
	rstmon_skip=*) export RSTMON_SKIP=${a#*=} ;;
	rstmon_kind=*) KIND=${a#*=} ;;
	esac
done
read -r ver < /proc/sys/kernel/osrelease
echo "[stock-init] $ver up after $(uptime) s"

mount -t sysfs sysfs /sys
# The initramfs moved its devtmpfs here already.
[[ $(< /proc/mounts) == *" /dev devtmpfs "* ]] || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t bpf bpf /sys/fs/bpf
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/lock /run/netns /run/rig/top

# The module tree stock-vm.sh prepared (modules.dep & co and updates/ with
# the --ko modules), the unpacked stock modules bound under kernel/.
mount -t tmpfs -o mode=0755 tmpfs /lib/modules
mkdir -p "/lib/modules/$ver/kernel"
mount --bind "$KDIR/kernel" "/lib/modules/$ver/kernel"
cp -r "$MODS"/modules.* "$MODS/updates" "/lib/modules/$ver/"

# Keep the repository and the test script reachable should they live under
# a path the tmpfs mounts below cover.
mount --bind "$TOP" /run/rig/top
cp "$TESTS" /run/rig/
covered=(/tmp /var/tmp /root /var/log)
for d in "${covered[@]}"; do
	mount -t tmpfs -o mode=0755 tmpfs "$d"
	case $TOP/ in "$d"/*) mkdir -p "$TOP" && mount --bind /run/rig/top "$TOP" ;; esac
done
chmod 1777 /tmp /var/tmp
[ -e "$TESTS" ] || TESTS=/run/rig/${TESTS##*/}

# The writable results share, at the same path as on the host.
mkdir -p "$RESULTS"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results "$RESULTS"

hostname rstmon-stock
ip link set lo up

# Keep the kernel's patched branches still while tests load and unload
# rstmon.  Registering the first netfilter hook of a family and hook point
# (and the first probe of a tracepoint) turns a static key on, which the
# kernel does by rewriting live code with int3 (text_poke_bp); the last
# one turns it off again.  Under QEMU's multi-threaded TCG a vCPU can keep
# running its translation of the rewritten code: a 6.1 guest (ci19, in
# reload.sh under traffic) had both vCPUs loop on an int3 at
# ip_local_deliver+0x5c (nf_hook()'s static branch) whose memory already
# held the final 2-byte NOP; kprobes' handler steps back over the "removed"
# int3 and the stale translation takes it again, forever.  Real hardware
# and KVM serialise on the IPIs text_poke_bp sends, so this is the
# emulator's.  A hook of every point rstmon uses, in init_net, and the
# tcp_send_reset tracepoint enabled (with a filter that writes nothing)
# hold those keys at one or more for the whole run, so rstmon's load and
# unload never rewrite code; on a server, firewalls and conntrack hold them
# the same way.  rstmon's own hooks and probe are registered exactly as
# without them (UML, which patches nothing, runs without them).  The
# prerouting and postrouting chains do the same for the tests' conntrack
# and NAT, whose hooks come and go with their namespaces.
if command -v nft > /dev/null && nft -f - <<'EOF'
table inet rstmon_rig_keys {
	chain keep_pre { type filter hook prerouting priority 0; policy accept; }
	chain keep_in { type filter hook input priority 0; policy accept; }
	chain keep_out { type filter hook output priority 0; policy accept; }
	chain keep_fwd { type filter hook forward priority 0; policy accept; }
	chain keep_post { type filter hook postrouting priority 0; policy accept; }
}
EOF
then
	echo "[stock-init] netfilter's static keys held on (all five hook points)"
else
	echo "[stock-init] could not hold netfilter's static keys on (nft above)"
fi
tp=/sys/kernel/tracing/events/tcp/tcp_send_reset
if echo 'common_pid < 0' > $tp/filter && echo 1 > $tp/enable; then
	echo "[stock-init] tcp_send_reset's key held on"
fi
echo "[stock-init] ready after $(uptime) s, running $TESTS"

export RSTMON_KERNEL=${KIND:-stock} RSTMON_RESULTS="$RESULTS" RSTMON_TOP="$TOP" RSTMON_KO="$KO"
cd "$TOP"
rc=0
bash "$TESTS" || rc=$?
echo "[stock-init] ${TESTS##*/} exited $rc after $(uptime) s"
