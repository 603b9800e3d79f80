#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS, on Debian's stock kernel (the guest whose kernel has headers on
# this machine): "make dkms-install" registers, builds and installs rstmon
# for the running kernel, modprobe loads that copy and a refused connection
# is classified; "make dkms-uninstall" removes it.  DKMS keeps its state in
# scratch space (tmpfs over /var/lib/dkms, sources under a scratch
# DKMS_SRC); the test's own copy of rstmon is put back afterwards.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
kver=$(uname -r)
hdr=/usr/src/linux-headers-$kver
command -v dkms > /dev/null || skip "dkms is not installed"
[ -e "$hdr/Makefile" ] || skip "no headers for $kver (not the stock kernel)"
mods=/lib/modules/$kver
[ -e "$mods/updates/rstmon.ko" ] || skip "the harness's rstmon.ko is not in $mods/updates"

W=$(mktemp -d)
restore() {
	cleanup
	modprobe -r rstmon 2>/dev/null
	make -s -C "$TOP" dkms-uninstall KDIR="$hdr" DKMS_SRC="$W/src" > /dev/null 2>&1
	# DKMS removes directories it left empty: updates/ may be gone.
	mkdir -p "$mods/updates"
	mv "$W/rstmon.ko" "$mods/updates/rstmon.ko"
	depmod "$kver"
	mountpoint -q /var/lib/dkms && umount /var/lib/dkms
	modprobe rstmon || echo "# the test's own rstmon does not load again"
	rm -rf "$W"
}
trap restore EXIT

modprobe -r rstmon
mv "$mods/updates/rstmon.ko" "$W/rstmon.ko"
depmod "$kver"
mkdir -p /var/lib/dkms 2>/dev/null
mount -t tmpfs tmpfs /var/lib/dkms || fail "scratch /var/lib/dkms"
[ -e "$mods/build" ] || ln -s "$hdr" "$mods/build"
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
mkdir -p "$W/src"

if make -C "$TOP" dkms-install KDIR="$hdr" DKMS_SRC="$W/src" > "$W/install.log" 2>&1; then
	pass "make dkms-install"
else
	fail "make dkms-install" "$(tail -n 5 "$W/install.log" | tr '\n' ' ')"
	find /var/lib/dkms -name make.log -exec tail -n 20 {} + | sed 's/^/# /'
fi
sed 's/^/# /' "$W/install.log" | tail -n 15
case $(dkms status -m rstmon 2>/dev/null) in
*"$kver"*installed*) pass "dkms status: installed for $kver" ;;
*) fail "dkms status: installed for $kver" "$(dkms status -m rstmon 2>&1)" ;;
esac
case $(modinfo -n rstmon 2>&1) in
*/updates/dkms/rstmon.ko*) pass "modinfo finds DKMS's copy" ;;
*) fail "modinfo finds DKMS's copy" "$(modinfo -n rstmon 2>&1)" ;;
esac
modprobe rstmon && pass "modprobe rstmon (DKMS)" || fail "modprobe rstmon (DKMS)"

add_ns a b
link a b 1
expect "refused connect" "$(tcp_connect a 10.1.0.2 8901)" ECONNREFUSED
expect_event "DKMS's rstmon classifies it" b 8901 out local refused

modprobe -r rstmon
if make -C "$TOP" dkms-uninstall KDIR="$hdr" DKMS_SRC="$W/src" > "$W/remove.log" 2>&1; then
	pass "make dkms-uninstall"
else
	fail "make dkms-uninstall" "$(tail -n 5 "$W/remove.log" | tr '\n' ' ')"
fi
if modinfo -n rstmon > /dev/null 2>&1; then
	fail "no rstmon left after dkms-uninstall" "$(modinfo -n rstmon)"
else
	pass "no rstmon left after dkms-uninstall"
fi
# The tests after this one need the test's own rstmon back.
trap - EXIT
restore
own_rstmon_back
finish
