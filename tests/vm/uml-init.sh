#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the UML test guest.  The root is the host's, read-only: every
# path a test writes is a tmpfs here, so namespaces and state never leak
# onto the host.  Only the results directory is the host's, writable.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
set -u

mount -t proc proc /proc
mount -t sysfs sysfs /sys
# CONFIG_DEVTMPFS_MOUNT has mounted /dev already; never hide it.
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm 2>/dev/null
mount -t devpts devpts /dev/pts 2>/dev/null
# The host's root stays reachable under /dev/.rig-root (a plain bind sees
# under the tmpfs mounts below), so the repository and the modules can be
# put back where a masked directory hid them (a clone under /tmp, say).
mkdir -p /dev/.rig-root
mount --bind / /dev/.rig-root
for d in /run /tmp /var/tmp /var/run /root /home /var/lib /var/cache /var/log /dev/shm /mnt; do
	[ -d "$d" ] && mount -t tmpfs -o mode=1777 tmpfs "$d"
done
for p in "$RSTMON_TOP" "$RSTMON_KO"; do
	if [ ! -e "$p" ]; then
		mkdir -p "$p"
		mount --bind "/dev/.rig-root$p" "$p"
	fi
done
mkdir -p "$RSTMON_RESULTS" 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mount -t hostfs -o "$RSTMON_RESULTS" hostfs "$RSTMON_RESULTS" 2>/dev/null ||
	mount -t hostfs none "$RSTMON_RESULTS" -o "$RSTMON_RESULTS"

# A module tree of our own: the UML kernel's modules plus the ones to test.
kver=$(uname -r)
mount -t tmpfs tmpfs /lib/modules
mkdir -p "/lib/modules/$kver/updates"
cp "$RSTMON_KO"/*.ko "/lib/modules/$kver/updates/"
depmod -a "$kver"

hostname rstmon-uml
ip link set lo up

# Each test's processes get their own session; ^C never reaches init.
bash "${RSTMON_GUEST_TESTS:-$RSTMON_TOP/tests/vm/guest-tests.sh}"
sync
echo o > /proc/sysrq-trigger
sleep 10
