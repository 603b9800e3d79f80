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
echo "[stock-init] ready after $(uptime) s, running $TESTS"

export RSTMON_KERNEL=${KIND:-stock} RSTMON_RESULTS="$RESULTS" RSTMON_TOP="$TOP" RSTMON_KO="$KO"
cd "$TOP"
rc=0
bash "$TESTS" || rc=$?
echo "[stock-init] ${TESTS##*/} exited $rc after $(uptime) s"
