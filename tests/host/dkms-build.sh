#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS builds rstmon for the stock guest's kernel here, on the host, at
# native speed; the guest's deb.sh installs the packages and DKMS only
# installs what was built here (under QEMU TCG the build alone took 15
# minutes of the 6.1 guest).  Same dkms, same compiler, same headers: the
# guest's root is this root.
#
# dpkg installs "make deb"'s rstmon-dkms in a chroot whose root is an
# overlay over / (tmpfs upper layer, in a mount namespace of its own: the
# host's root is not changed) with /var/lib/dkms empty and /lib/modules
# holding only KVER (its headers as "build").  The package's postinst
# (/usr/lib/dkms/common.postinst) finds the running kernel is not the
# chroot's ("belongs to a chroot's host") and adds, builds and installs
# rstmon for every kernel in /lib/modules: KVER, as it does on a machine
# that boots KVER.  Then "dkms mktarball --binaries-only" packs that build
# the way the postinst loads prebuilt modules ("dkms ldtarball" of
# /usr/share/rstmon-dkms/rstmon-VER.dkms.tar.gz, where deb.sh puts it).
#
# Left in OUT (build/deb/dkms-KVER/, as tests/run.sh calls it):
#   rstmon-VER.dkms.tar.gz  the tarball for deb.sh
#   tree/                   /var/lib/dkms/rstmon/VER/KVER/ as DKMS left it
#                           (ARCH/module/rstmon.ko, ARCH/log/make.log)
#   build-id                the GNU build ID of DKMS's rstmon.ko
#   package-sha256          the SHA-256 of the rstmon-dkms package built from
#   dpkg.log                dpkg -i and the postinst's output
#   make.log                DKMS's make.log, when the build failed
# TAP lines ("ok - dkms-build-MAJOR.MINOR..." ) on stdout; exit 1 on a
# failure (OUT then has no tarball: deb.sh skips).
#
#   tests/host/dkms-build.sh DEBDIR KVER OUT
set -u
if [ $# -ne 3 ]; then
	echo "usage: $0 DEBDIR KVER OUT" >&2
	exit 2
fi
DEBDIR=$(realpath "$1")
KVER=$2
OUT=$(realpath -m "$3")
name=dkms-build-$(echo "$KVER" | cut -d. -f1,2)
hdr=/usr/src/linux-headers-$KVER
debs=("$DEBDIR"/rstmon-dkms_*_all.deb)
deb=${debs[0]}
ver=${deb##*/rstmon-dkms_}
ver=${ver%_all.deb}

# The chroot's part, in the mount namespace (all its mounts go with it).
# (Its scratch directory W is the caller's, which removes it afterwards:
# the mounts go when the namespace does.)
if [ -n "${RSTMON_DKMS_W:-}" ]; then
	W=$RSTMON_DKMS_W
	R=$W/root
	mkdir -p "$W/rw" "$R"
	mount -t tmpfs -o mode=0755 tmpfs "$W/rw" && mkdir "$W/rw/upper" "$W/rw/work" &&
		mount -t overlay overlay -o "lowerdir=/,upperdir=$W/rw/upper,workdir=$W/rw/work" "$R" ||
		{ echo "not ok - $name # no overlay over the root"; exit 1; }
	for d in /proc /sys /dev /dev/pts; do mount --bind "$d" "$R$d"; done
	for d in /run /tmp /var/lib/dkms /lib/modules; do
		mount -t tmpfs -o mode=0755 tmpfs "$R$d"
	done
	chmod 1777 "$R/tmp"
	mkdir -p "$R/lib/modules/$KVER"
	ln -s "$hdr" "$R/lib/modules/$KVER/build"
	rm -f "$R/var/lib/man-db/auto-update"
	cp "$deb" "$R/tmp/"
	t0=$SECONDS
	if ! DEBIAN_FRONTEND=noninteractive chroot "$R" dpkg -i --force-unsafe-io \
	     "/tmp/${deb##*/}" > "$OUT/dpkg.log" 2>&1; then
		echo "not ok - $name # dpkg -i rstmon-dkms failed, see $OUT/dpkg.log"
		find "$R/var/lib/dkms" -name make.log -exec cp {} "$OUT/make.log" \;
		[ -e "$OUT/make.log" ] && tail -n 30 "$OUT/make.log" | sed 's/^/# /'
		exit 1
	fi
	echo "# dpkg -i rstmon-dkms (DKMS's build for $KVER): $((SECONDS - t0)) s"
	st=$(chroot "$R" dkms status -m rstmon -v "$ver" -k "$KVER" 2>&1)
	case $st in
	"rstmon/$ver, $KVER, "*": installed"*) ;;
	*)
		echo "not ok - $name # dkms status after the postinst: $st"
		exit 1
		;;
	esac
	grep -q "^Building initial module for $KVER" "$OUT/dpkg.log" ||
		{ echo "not ok - $name # the postinst did not build for $KVER, see $OUT/dpkg.log"; exit 1; }
	arch=${st#"rstmon/$ver, $KVER, "}
	arch=${arch%%:*}
	chroot "$R" dkms mktarball -m rstmon -v "$ver" -k "$KVER" --binaries-only \
		--archive "/tmp/rstmon-$ver.dkms.tar.gz" > "$W/mktarball.log" 2>&1 &&
		cp "$R/tmp/rstmon-$ver.dkms.tar.gz" "$W/tarball" ||
		{ echo "not ok - $name # dkms mktarball: $(tail -n 2 "$W/mktarball.log" | tr '\n' ' ')"; exit 1; }
	cp -a "$R/var/lib/dkms/rstmon/$ver/$KVER" "$OUT/tree"
	mv "$W/tarball" "$OUT/rstmon-$ver.dkms.tar.gz"
	echo "$arch" > "$OUT/arch"
	exit 0
fi

[ -e "$deb" ] || { echo "not ok - $name # no rstmon-dkms package in $DEBDIR (make deb)"; exit 1; }
[ -e "$hdr/Makefile" ] || { echo "not ok - $name # no headers for $KVER in $hdr"; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT" || exit 1
W=$(mktemp -d)
inner=$(RSTMON_DKMS_W=$W unshare -m --propagation private bash "$0" "$@" 2>&1)
rc=$?
rm -rf "$W"
[ -n "$inner" ] && printf '%s\n' "$inner"
if [ "$rc" -ne 0 ]; then
	printf '%s\n' "$inner" | grep -q '^not ok' || echo "not ok - $name # exit $rc (unshare -m?)"
	rm -f "$OUT"/*.tar.gz
	exit 1
fi
ko=$(ls "$OUT"/tree/*/module/rstmon.ko* 2>/dev/null | head -n 1)
[ -n "$ko" ] || { echo "not ok - $name # no rstmon.ko in DKMS's tree"; rm -f "$OUT"/*.tar.gz; exit 1; }
vm=$(modinfo -F vermagic "$ko")
case $vm in
"$KVER "*) ;;
*) echo "not ok - $name # vermagic '$vm', not $KVER"; rm -f "$OUT"/*.tar.gz; exit 1 ;;
esac
readelf -n "$ko" | sed -n 's/.*Build ID: //p' > "$OUT/build-id"
sha256sum < "$deb" | cut -d' ' -f1 > "$OUT/package-sha256"
echo "ok - $name # rstmon $ver for $KVER by DKMS's postinst, build ID $(cat "$OUT/build-id")"
