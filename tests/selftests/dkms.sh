#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS, on Debian's stock kernel (the guest whose kernel has headers on
# this machine): "make dkms-install" registers, builds and installs rstmon
# for the running kernel, modprobe loads that copy and a refused connection
# is classified; "make dkms-uninstall" removes it.  DKMS keeps its state in
# scratch space (tmpfs over /var/lib/dkms, sources under a scratch
# DKMS_SRC); the test's own copy of rstmon is put back afterwards.
#
# No DKMS build under emulation where another covers it (one takes up to
# 15 minutes here): where deb.sh runs too (this guest, the packages of
# "make deb" and the host's DKMS build for this kernel at hand, deb.sh
# selected), its rstmon-dkms has DKMS build rstmon for this stock kernel
# (on the host: tests/host/dkms-build.sh), install and load it here, from
# the very files "make dkms-source" lays out, with module/dkms.conf.  Then
# this script checks only what is its own: the commands "make
# dkms-install" runs (a dry run: DKMS add, build and
# install of this version for this kernel), the sources and registration
# it starts with (run for real: dkms-source and "dkms add"), and "make
# dkms-uninstall".  Otherwise (an ad-hoc run, no packages) the whole build.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
kver=$(uname -r)
hdr=/usr/src/linux-headers-$kver
command -v dkms > /dev/null || skip "dkms is not installed"
[ -e "$hdr/Makefile" ] || skip "no headers for $kver (not the stock kernel)"
mods=/lib/modules/$kver
[ -e "$mods/updates/rstmon.ko" ] || skip "the harness's rstmon.ko is not in $mods/updates"
ver=$(sed -n 's/^#define RSTMON_VERSION "\(.*\)"/\1/p' "$TOP/module/rstmon.h")

# deb_builds: deb.sh has rstmon built by DKMS for this kernel (its own
# conditions, and RSTMON_ONLY, matched as guest-tests.sh does, selects it).
deb_builds() {
	local w
	command -v dpkg > /dev/null || return 1
	ls "$TOP"/build/deb/rstmon-dkms_*_all.deb > /dev/null 2>&1 || return 1
	[ -e "$TOP/build/deb/dkms-$kver/rstmon-$ver.dkms.tar.gz" ] || return 1
	[ -z "${RSTMON_ONLY:-}" ] && return 0
	for w in ${RSTMON_ONLY//,/ }; do [[ deb == *"$w"* ]] && return 0; done
	return 1
}

if deb_builds; then
	echo "# the DKMS build is deb.sh's (the host's, installed here): make dkms-install as a dry run, its registration for real"
	W=$(mktemp -d)
	dk_cleanup() {
		cleanup
		make -s -C "$TOP" dkms-uninstall DKMS_SRC="$W/src" > /dev/null 2>&1
		mountpoint -q /var/lib/dkms && umount /var/lib/dkms
		rm -rf "$W"
	}
	trap dk_cleanup EXIT
	mkdir -p /var/lib/dkms "$W/src" 2>/dev/null
	mount -t tmpfs tmpfs /var/lib/dkms || { fail "scratch /var/lib/dkms"; finish; }
	make -s -n -C "$TOP" dkms-install KDIR="$hdr" DKMS_SRC="$W/src" > "$W/cmds" 2>&1
	expect "make dkms-install: DKMS add, build, install" \
		"$(sed -n 's/^dkms \([a-z]*\) .*/\1/p' "$W/cmds" | xargs)" "add build install"
	expect "make dkms-install: rstmon $ver for $kver" \
		"$(grep -c -- "--sourcetree $W/src -m rstmon -v $ver -k $kver\$" "$W/cmds")" 2
	# The recipe up to its "dkms add", as make would run it (in $TOP).
	sed '/^dkms add /q' "$W/cmds" > "$W/head.sh"
	if (cd "$TOP" && bash -e "$W/head.sh") > "$W/add.log" 2>&1; then
		pass "make dkms-install: its sources and dkms add"
	else
		fail "make dkms-install: its sources and dkms add" "$(tail -n 3 "$W/add.log" | tr '\n' ' ')"
	fi
	expect "the sources' dkms.conf names version $ver" \
		"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$W/src/rstmon-$ver/dkms.conf" 2>&1)" "$ver"
	case $(dkms status -m rstmon 2>&1) in
	"rstmon/$ver: added"*) pass "dkms status: rstmon/$ver added" ;;
	*) fail "dkms status: rstmon/$ver added" "$(dkms status -m rstmon 2>&1)" ;;
	esac
	if make -C "$TOP" dkms-uninstall DKMS_SRC="$W/src" > "$W/remove.log" 2>&1; then
		pass "make dkms-uninstall"
	else
		fail "make dkms-uninstall" "$(tail -n 5 "$W/remove.log" | tr '\n' ' ')"
	fi
	expect "dkms-uninstall: no rstmon in DKMS, no sources" \
		"$(dkms status -m rstmon 2>&1)/$(ls "$W/src")" "/"
	own_rstmon_back
	finish
fi

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
