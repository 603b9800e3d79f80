#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages of "make deb" (tests/run.sh builds them into
# build/deb/ before the guest boots), on Debian's stock kernel: dpkg
# installs rstmon-dkms and rstmonctl in a chroot whose root is an overlay
# (tmpfs over the read-only root), DKMS installs rstmon there for the
# running kernel, that copy loads and classifies a refused connection, the
# installed rstmonctl reports it, the man page, the documentation,
# modules-load.d and the unit (not enabled) are there, the unit's
# ExecStart sends the event to the journal, and dpkg -r takes it all away.  The chroot has a module tree
# of its own; the test's own rstmon is loaded again afterwards.
#
# DKMS's build for this kernel is the host's (tests/host/dkms-build.sh,
# run by tests/run.sh: the same package's postinst, dkms, compiler and
# headers, at native speed; under TCG it took 15 minutes here).  It left
# "dkms mktarball --binaries-only" of that build in
# build/deb/dkms-KVER/; put where the postinst loads prebuilt modules from
# (/usr/share/rstmon-dkms/rstmon-VER.dkms.tar.gz), the postinst's own
# "dkms ldtarball" registers it as built for this kernel, and the
# postinst only runs "dkms install".  Without that build, a skip.
# About 3.5 minutes under TCG on a busy 2-core machine (load 6-7; 21
# minutes with the build here): the default bound (600 s) is enough.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
kver=$(uname -r)
hdr=/usr/src/linux-headers-$kver
command -v dpkg > /dev/null && command -v dkms > /dev/null || skip "dpkg or dkms is not installed"
[ -e "$hdr/Makefile" ] || skip "no headers for $kver (not the stock kernel)"
mods=/lib/modules/$kver
[ -e "$mods/updates/rstmon.ko" ] || skip "the harness's rstmon.ko is not in $mods/updates"
debs=("$TOP"/build/deb/rstmon-dkms_*_all.deb "$TOP"/build/deb/rstmonctl_*_"$(dpkg --print-architecture)".deb)
[ -e "${debs[0]}" ] && [ -e "${debs[1]}" ] || skip "no packages in $TOP/build/deb (make deb)"
ver=${debs[0]##*/rstmon-dkms_}
ver=${ver%_all.deb}
# The host's DKMS build for this kernel (tests/host/dkms-build.sh).
seed=$TOP/build/deb/dkms-$kver
[ -e "$seed/rstmon-$ver.dkms.tar.gz" ] ||
	skip "no DKMS build of rstmon $ver for $kver in $seed (tests/host/dkms-build.sh)"

W=$(mktemp -d)
R=$W/root
restore() {
	cleanup
	modprobe -r rstmon 2>/dev/null
	mountpoint -q "$R" && umount -R "$R"
	mountpoint -q "$W/rw" && umount "$W/rw"
	modprobe rstmon || echo "# the test's own rstmon does not load again"
	rm -rf "$W"
}
trap restore EXIT

# in_root CMD...: CMD in the chroot.
in_root() { chroot "$R" "$@"; }
# build_id FILE: the GNU build ID of a module file, or of a loaded module's
# note (/sys/module/NAME/notes/.note.gnu.build-id: its last 20 bytes).
build_id() {
	case $1 in
	/sys/*) od -An -v -tx1 "$1" | tr -d ' \n' | tail -c 40 ;;
	*) readelf -n "$1" | sed -n 's/.*Build ID: //p' ;;
	esac
}

# The chroot: overlayfs with the 9p root as its lower layer (a lower layer
# may be a network file system) and a tmpfs for the upper one.  Its
# /lib/modules/$kver has no modules at all (no updates/), so DKMS's copy
# is the one rstmon its modprobe can find (rstmon depends on no module);
# /var/lib/dkms starts empty.  Without the stock modules there, DKMS's two
# depmod runs and its search for an original rstmon.ko read no 4000
# modules over 9p (under TCG: 4 of this script's 8 minutes).
modprobe overlay
mkdir -p "$W/rw" "$R"
mount -t tmpfs -o mode=0755 tmpfs "$W/rw" && mkdir "$W/rw/upper" "$W/rw/work" &&
	mount -t overlay overlay -o "lowerdir=/,upperdir=$W/rw/upper,workdir=$W/rw/work" "$R" ||
	{ fail "overlay over the root"; finish; }
pass "overlay over the root"
same "the host's DKMS build is of this rstmon-dkms package" \
	"$(sha256sum < "${debs[0]}" | cut -d' ' -f1)" "$(cat "$seed/package-sha256" 2>&1)"
echo "# [${SECONDS}s] overlay mounted"
mount --bind /proc "$R/proc"
mount --bind /sys "$R/sys"
mount --bind /dev "$R/dev"
mount --bind /dev/pts "$R/dev/pts"
for d in /run /tmp /var/lib/dkms "/lib/modules"; do
	mount -t tmpfs -o mode=0755 tmpfs "$R$d"
done
chmod 1777 "$R/tmp"
mkdir -p "$R$mods"
cp "$mods"/modules.* "$R$mods/"
ln -s "$hdr" "$R$mods/build"
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
# man-db's trigger would index every manual page over 9p: not here.
rm -f "$R/var/lib/man-db/auto-update"
cp "${debs[@]}" "$R/tmp/"
# The postinst's "dkms ldtarball" takes DKMS_NAME-DKMS_VERSION.dkms.tar.gz
# from /usr/share/DKMS_PACKAGE_NAME (its third argument), if there.
mkdir -p "$R/usr/share/rstmon-dkms"
cp "$seed/rstmon-$ver.dkms.tar.gz" "$R/usr/share/rstmon-dkms/"

# stamp: stdin as comments, each line with the seconds since the start.
stamp() { while IFS= read -r l; do echo "# [${SECONDS}s] $l"; done; }

export DEBIAN_FRONTEND=noninteractive
in_root dpkg -i --force-unsafe-io "/tmp/${debs[0]##*/}" "/tmp/${debs[1]##*/}" 2>&1 |
	tee "$W/dpkg-i.log" | stamp
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 0 ]; then
	pass "dpkg -i rstmon-dkms rstmonctl"
else
	fail "dpkg -i rstmon-dkms rstmonctl"
	find "$R/var/lib/dkms" -name make.log -exec tail -n 20 {} + | sed 's/^/# /'
fi
# The postinst loaded the host's build and compiled nothing here.
if grep -q "^Loading tarball for rstmon-$ver" "$W/dpkg-i.log" &&
   ! grep -q '^Building initial module' "$W/dpkg-i.log" &&
   [ -z "$(find "$R/var/lib/dkms/rstmon/$ver/build" -type f 2>/dev/null)" ]; then
	pass "the postinst installs the host's DKMS build (dkms ldtarball), builds nothing"
else
	fail "the postinst installs the host's DKMS build (dkms ldtarball), builds nothing" \
		"$(grep -E '^(Loading|Building)' "$W/dpkg-i.log" | tr '\n' ' ')"
fi
case $(in_root dkms status -m rstmon 2>/dev/null) in
*"rstmon/$ver, $kver"*installed*) pass "dkms status: rstmon/$ver installed for $kver" ;;
*) fail "dkms status: rstmon/$ver installed for $kver" "$(in_root dkms status 2>&1)" ;;
esac
ko=$(in_root modinfo -n rstmon 2>&1)
case $ko in
"$mods/updates/dkms/rstmon.ko"*) pass "the chroot's modinfo finds DKMS's copy" ;;
*) fail "the chroot's modinfo finds DKMS's copy" "$ko" ;;
esac

modprobe -r rstmon
in_root modprobe rstmon && pass "the chroot's modprobe rstmon" || fail "the chroot's modprobe rstmon"
same "the loaded rstmon is DKMS's build" "$(build_id /sys/module/rstmon/notes/.note.gnu.build-id)" \
	"$(build_id "$R$ko")"
same "the loaded rstmon is the host's DKMS build for $kver" \
	"$(build_id /sys/module/rstmon/notes/.note.gnu.build-id)" "$(cat "$seed/build-id")"

add_ns a b
link a b 1
expect "refused connect" "$(tcp_connect a 10.1.0.2 8951)" ECONNREFUSED
expect_event "DKMS's rstmon classifies it" b 8951 out local refused
same "the packaged rstmonctl: status" "$(nsx b chroot "$R" /usr/sbin/rstmonctl status | head -n 1)" \
	"$(report b | head -n 1)"
same "the packaged rstmonctl: events" "$(nsx b chroot "$R" /usr/sbin/rstmonctl events)" \
	"$(report b | grep '^event ')"

man=$(in_root man -w rstmonctl 2>&1)
expect "man -w rstmonctl" "$man" /usr/share/man/man8/rstmonctl.8.gz
unit=/lib/systemd/system/rstmon-events.service
[ -f "$R$unit" ] && pass "rstmon-events.service installed" || fail "rstmon-events.service installed" "no $unit"
st=$(systemctl --root="$R" is-enabled rstmon-events.service 2>&1)
expect "rstmon-events.service not enabled" "$st" disabled

# The packages' contents: the documentation, the man page, modules-load.d.
# (Each listed once: grep -q closing a pipe would stop dpkg-deb's tar.)
list0=$(dpkg-deb -c "${debs[0]}")
list1=$(dpkg-deb -c "${debs[1]}")
for f in ./usr/share/doc/rstmonctl/README.md.gz ./usr/share/doc/rstmonctl/rstmon.rst.gz \
	 ./usr/share/man/man8/rstmonctl.8.gz; do
	grep -q " $f\$" <<< "$list1" && pass "rstmonctl's .deb has $f" ||
		fail "rstmonctl's .deb has $f"
done
for f in ./usr/share/doc/rstmon-dkms/README.md.gz ./etc/modules-load.d/rstmon.conf; do
	grep -q " $f\$" <<< "$list0" && pass "rstmon-dkms's .deb has $f" ||
		fail "rstmon-dkms's .deb has $f"
done
expect "modules-load.d names rstmon" "$(grep -v '^#' "$R/etc/modules-load.d/rstmon.conf")" rstmon

# The unit's ExecStart, as systemd runs it (no systemd is PID 1 in this
# guest, nor journald: journal-listen.py stands in for it on the chroot's
# /run/systemd/journal/socket): every event to the journal.
start=$(sed -n 's/^ExecStart=//p' "$R$unit")
python3 "$(dirname "$0")/journal-listen.py" "$R/run/systemd/journal/socket" "$W/journal" &
PIDS+=($!)
wait_until 10 test -s "$W/journal.ready" || fail "the journal stand-in listens"
# shellcheck disable=SC2086
nsx b chroot "$R" timeout 120 $start > "$W/unit.out" 2>&1 &
PIDS+=($!)
# Until the stream is subscribed, a refused connection goes unseen: retry.
wait_until 30 sh -c "ip netns exec $(ns a) $KIT client connect 10.1.0.2 8952 > /dev/null;
	grep -q '\"RSTMON_SRC_PORT\": \"8952\"' '$W/journal'"
stop "${PIDS[-1]}"
line=$(grep -m 1 '"RSTMON_SRC_PORT": "8952"' "$W/journal")
expect "the unit's ExecStart sends the event to the journal" \
	"$(echo "$line" | json 'd["RSTMON_DIR"] + " " + d["RSTMON_SENDER"] + " " + d["RSTMON_CAUSE"]' 2>&1)" "out local refused"

modprobe -r rstmon
in_root dpkg -r rstmonctl rstmon-dkms 2>&1 | stamp
[ "${PIPESTATUS[0]}" -eq 0 ] && pass "dpkg -r rstmonctl rstmon-dkms" || fail "dpkg -r rstmonctl rstmon-dkms"
expect "dkms status: no rstmon" "$(in_root dkms status -m rstmon 2>&1)" ""
rm -r "$R/usr/share/rstmon-dkms"
left=$(cd "$R" && ls -d ".$mods/updates/dkms/rstmon.ko"* "./usr/src/rstmon-$ver" ./usr/sbin/rstmonctl \
	"./usr/share/man/man8/rstmonctl.8.gz" ".$unit" 2>/dev/null)
expect "no packaged file left" "$left" ""

# The tests after this one need the test's own rstmon back.
trap - EXIT
restore
own_rstmon_back
finish
