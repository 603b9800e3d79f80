#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot Debian's stock kernel (the one matching the installed linux-headers)
# under qemu with software emulation and run tests/vm/guest-tests.sh in it.
# The guest's root is the host's own root, shared read-only over virtio 9p;
# the --results directory is shared writable at the same path.
#
#   stock-vm.sh --ko DIR --results DIR [--timeout S] [--append 'ARGS']
#               [--image-dir DIR] [--kind NAME]
#
# --image-dir boots another stock kernel, unpacked as stock-kernel.sh
# leaves it (boot/vmlinuz-VER, lib/modules/VER depmod'ed, "kver"); --kind
# names the guest's results (default "stock").
#
# Exits 0 when the guest wrote $RESULTS/done, 124 on timeout, 1 otherwise.
# RSTMON_GUEST_TESTS overrides the guest script (for testing the rig itself);
# RSTMON_QEMU_ACCEL (tcg), RSTMON_QEMU_CPU (max), RSTMON_QEMU_MEM (1024) tune qemu.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	echo "usage: $0 --ko DIR --results DIR [--timeout SECONDS] [--append ARGS]" \
		"[--image-dir DIR] [--kind NAME]" >&2
	exit 2
}
KO='' RESULTS='' TIMEOUT=600 APPEND='' IMAGE='' KIND=stock
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--ko) KO=$2 ;;
	--results) RESULTS=$2 ;;
	--timeout) TIMEOUT=$2 ;;
	--append) APPEND=$2 ;;
	--image-dir) IMAGE=$2 ;;
	--kind) KIND=$2 ;;
	*) usage ;;
	esac
	shift 2
done
if [ -z "$KO" ] || [ -z "$RESULTS" ]; then usage; fi
[ -d "$KO" ] || die "--ko $KO is not a directory"
mkdir -p "$RESULTS"
KO=$(realpath "$KO") RESULTS=$(realpath "$RESULTS")
TESTS=$(realpath "${RSTMON_GUEST_TESTS:-$RSTMON_TOP/tests/vm/guest-tests.sh}")
TOP=$(realpath "$RSTMON_TOP")
[ -f "$TESTS" ] || die "no guest test script $TESTS"
# The kernel command line splits on spaces; keep the paths simple.
for p in "$KO" "$RESULTS" "$TESTS" "$TOP"; do
	case $p in *[[:space:]]*) die "path with white space not supported: $p" ;; esac
done
rm -f "$RESULTS/done" "$RESULTS/console.log"

if [ -n "$IMAGE" ]; then
	need_pkgs qemu-system-x86 busybox-static cpio kmod xz-utils zstd
	kdir=$(realpath "$IMAGE")
	[ -e "$kdir/.done" ] && read -r ver < "$kdir/kver" || die "no prepared kernel in $IMAGE"
else
	# The kernel of the installed linux-headers.
	need_pkgs qemu-system-x86 busybox-static cpio kmod linux-headers-amd64
	ver=$(find /usr/src -maxdepth 1 -name 'linux-headers-*-amd64' ! -name '*-rt-amd64' \
		! -name '*-cloud-amd64' -printf '%f\n' |
		sed 's/^linux-headers-//' | sort -V | tail -n 1)
	[ -n "$ver" ] || die "no /usr/src/linux-headers-*-amd64"

	# The kernel image package, unpacked (never installed: that would touch the
	# host's /boot) and cached.  depmod here gives the tree its modules.dep.
	kdir="$RSTMON_CACHE/stock-$ver"
	if [ ! -e "$kdir/.done" ]; then
		tmp=$(mktemp -d "$RSTMON_CACHE/dl.XXXXXX")
		log "downloading linux-image-$ver"
		dl() { (cd "$tmp" && apt-get -o APT::Sandbox::User=root download -qq "linux-image-$ver" >&2); }
		# Stale lists are the usual cause of a failure; an old ABI that left the
		# archive is the other: upgrading linux-headers-amd64 fixes that.
		dl || { apt-get update -qq >&2 && dl; } ||
			die "cannot download linux-image-$ver (is linux-headers-amd64 up to date?)"
		rm -rf "$kdir"
		dpkg-deb -x "$tmp"/*.deb "$kdir" || die "cannot unpack linux-image-$ver"
		rm -rf "$tmp"
		depmod -b "$kdir" "$ver" || die "depmod on $kdir failed"
		touch "$kdir/.done"
	fi
fi
mdir="$kdir/lib/modules/$ver"

# /init of the initramfs: load virtio-pci and 9p, mount the host root and
# hand over to stock-init.sh.  With no one at the console, any failure
# powers off rather than dropping to a shell.
read -r -d '' INIT <<'EOF' || true
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
fail() { echo "[initramfs] $*"; echo o > /proc/sysrq-trigger; sleep 30; }
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
for m in $(cat /modules); do insmod "/m/$m" || fail "insmod $m failed"; done
top=
for a in $(cat /proc/cmdline); do
	case $a in rstmon_top=*) top=${a#rstmon_top=} ;; esac
done
mkdir -p /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro hostroot /newroot ||
	fail "cannot mount the host root"
[ -e "/newroot$top/tests/vm/stock-init.sh" ] || fail "no $top/tests/vm/stock-init.sh"
umount /proc
mount --move /dev /newroot/dev
exec switch_root /newroot /bin/bash "$top/tests/vm/stock-init.sh"
EOF

# The initramfs, keyed by kernel version and the /init above.
key=$(printf '%s\n%s' "$ver" "$INIT" | sha256sum | cut -c1-12)
initrd="$kdir/initrd-$key.cpio.gz"
if [ ! -e "$initrd" ]; then
	log "building initramfs $initrd"
	stage=$(mktemp -d "$RSTMON_CACHE/initrd.XXXXXX")
	mkdir -p "$stage"/{bin,dev,proc,m}
	cp /bin/busybox "$stage/bin/busybox"
	printf '%s\n' "$INIT" > "$stage/init"
	chmod +x "$stage/init"
	# modules.dep lists a module's dependencies nearest first: load in reverse.
	# Built-in ones need no loading.
	order=()
	add() { local x; for x in "${order[@]}"; do [ "$x" = "$1" ] && return; done; order+=("$1"); }
	for m in virtio_pci 9pnet_virtio 9p; do
		grep -qE "(^|/)$m\.ko\$" "$mdir/modules.builtin" && continue
		line=$(grep -E "(^|/)$m\.ko(\.(xz|zst|gz))?:" "$mdir/modules.dep") || die "$m.ko not in $mdir"
		read -ra deps <<<"${line#*:}"
		for ((i = ${#deps[@]} - 1; i >= 0; i--)); do add "${deps[i]}"; done
		add "${line%%:*}"
	done
	# busybox's insmod takes them uncompressed.
	for m in "${order[@]}"; do
		b=$(basename "$m")
		case $m in
		*.xz) xz -dc "$mdir/$m" > "$stage/m/${b%.xz}" ;;
		*.zst) zstd -qdc "$mdir/$m" > "$stage/m/${b%.zst}" ;;
		*.gz) gzip -dc "$mdir/$m" > "$stage/m/${b%.gz}" ;;
		*) cp "$mdir/$m" "$stage/m/" ;;
		esac
		echo "${b%.ko*}.ko" >> "$stage/modules"
	done
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$stage"
fi

# This run's module tree: the stock modules plus --ko's in updates/ (searched
# first by depmod's default configuration).  depmod runs here because in the
# emulated guest, reading every module over 9p takes a minute.
run=$(mktemp -d "$RSTMON_CACHE/run.XXXXXX")
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/lib/modules/$ver/updates"
ln -s "$mdir/kernel" "$run/lib/modules/$ver/kernel"
cp "$mdir"/modules.order "$mdir"/modules.builtin* "$run/lib/modules/$ver/"
find "$KO" -maxdepth 1 -name '*.ko' -exec cp -t "$run/lib/modules/$ver/updates/" {} +
depmod -b "$run" "$ver" || die "depmod for $KO failed"

# The whole kernel log goes to the console (it costs ~1 s of boot);
# panic=-1 with -no-reboot makes a panic end qemu at once.  log_buf_len:
# the guest reads each phase's records from /dev/kmsg after the phase, so
# the ring must hold a whole phase's (an overrun fails the phase).
cmdline="console=ttyS0 loglevel=7 log_buf_len=4M panic=-1 rstmon_top=$TOP rstmon_results=$RESULTS"
cmdline+=" rstmon_ko=$KO rstmon_tests=$TESTS rstmon_kdir=$mdir"
cmdline+=" rstmon_mods=$run/lib/modules/$ver rstmon_kind=$KIND $APPEND"
# A selftest name filter and phases to leave out, as for the UML guest
# (ad-hoc runs).
[ -n "${RSTMON_ONLY:-}" ] && cmdline+=" rstmon_only=$RSTMON_ONLY"
[ -n "${RSTMON_SKIP:-}" ] && cmdline+=" rstmon_skip=$RSTMON_SKIP"
log "booting $KIND $ver (${RSTMON_QEMU_ACCEL:-tcg}, timeout ${TIMEOUT}s), console in $RESULTS/console.log"
start=$SECONDS
rc=0
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
	-accel "${RSTMON_QEMU_ACCEL:-tcg}" -cpu "${RSTMON_QEMU_CPU:-max}" -m "${RSTMON_QEMU_MEM:-1024}" -smp 2 \
	-nodefaults -display none -no-reboot \
	-serial "file:$RESULTS/console.log" \
	-kernel "$kdir/boot/vmlinuz-$ver" -initrd "$initrd" -append "$cmdline" \
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
	-fsdev "local,id=res,path=$RESULTS,security_model=none,multidevs=remap" \
	-device virtio-9p-pci,fsdev=res,mount_tag=results \
	</dev/null >&2 || rc=$?
log "stock guest ran $((SECONDS - start)) s (qemu exit $rc)"

if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	tail -n 30 "$RESULTS/console.log" >&2 || true
	log "stock guest timed out after $TIMEOUT s"
	exit 124
fi
[ -e "$RESULTS/done" ] && exit 0
tail -n 40 "$RESULTS/console.log" >&2 || true
if grep -q 'Kernel panic' "$RESULTS/console.log" 2>/dev/null; then
	log "stock guest panicked (see $RESULTS/console.log)"
elif [ "$rc" -ne 0 ]; then
	log "qemu failed with exit code $rc"
else
	log "stock guest never finished: no $RESULTS/done (see $RESULTS/console.log)"
fi
exit 1
