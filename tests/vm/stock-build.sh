#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build rstmon for a stock kernel prepared by stock-kernel.sh, inside that
# kernel's build root (its suite's linux-headers and compiler), as
# tests/run.sh's build_module does for the other kernels: a copy of the
# sources in OUT_DIR/src, "make module" with W=1, the log in
# OUT_DIR/build.log, any warning fails.  OUT_DIR gets rstmon.ko and
# module/generated/compat-probes.h.  Then, before any guest boots, the
# module must match the kernel where modprobe will look:
#
#   vermagic      rstmon.ko's is that of the kernel's own modules;
#   this_module   its .gnu.linkonce.this_module (struct module) has the
#                 size of theirs and its init and exit pointers at the
#                 same offsets: a tree configured with another toolchain
#                 can lay struct module out otherwise, and the kernel then
#                 refuses the module with "Exec format error" (issue 23),
#                 vermagic notwithstanding;
#   cc-version    the compiler of the build root prints the headers'
#                 CONFIG_CC_VERSION_TEXT (checked before the build).
#
# Exit status: 0 built and every check passed; 1 an rstmon defect (it does
# not compile, or warns); 3 the environment (no build root, the toolchain,
# a check of layout): rstmon is not at fault.  On failure, the last line of
# stdout is "reason: ...".  TAP-style progress goes to stderr.
#
#   stock-build.sh KERNEL_DIR OUT_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=0 verdict='' tmp=''
pass() { n=$((n + 1)); echo "ok $n - $1" >&2; }
# fail STATUS NAME REASON
fail() {
	n=$((n + 1))
	verdict=$1
	echo "not ok $n - $2 # $3" >&2
	echo "reason: $3"
	exit "$1"
}
env_fail() { fail 3 "$@"; }
# need_pkgs and the like fail by die: the environment.
die() { env_fail setup "$*"; }
# So does anything unforeseen (set -e): never mistaken for rstmon's defect.
on_exit() {
	local rc=$?
	[ -z "$tmp" ] || rm -rf "$tmp"
	[ "$rc" -eq 0 ] || [ -n "$verdict" ] ||
		env_fail setup "stock-build.sh failed (exit $rc, line ${err_line:-?})"
}
trap 'err_line=$LINENO' ERR
trap on_exit EXIT

if [ $# -ne 2 ]; then
	verdict=usage
	echo "usage: $0 KERNEL_DIR OUT_DIR" >&2
	exit 2
fi
need_pkgs rsync binutils kmod xz-utils zstd
kdir=$1
out=$(realpath -m "$2")
[ -e "$kdir/.done" ] && read -r kver < "$kdir/kver" ||
	env_fail kernel "no kernel prepared by stock-kernel.sh in $kdir"
root=$(realpath -e "$kdir/root" 2>/dev/null) && [ -e "$root/.done" ] ||
	env_fail build-root "no build root in $kdir/root (run stock-kernel.sh again)"
hdr=/usr/src/linux-headers-$kver
[ -e "$root$hdr/.config" ] || env_fail build-root "no $hdr in the build root $root"
[ -d "$root/rstmon" ] || env_fail build-root "no /rstmon in the build root $root"
mkdir -p "$out"
src=$out/src
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rstmon-stock-build.XXXXXX")

# in_root CMD...: run CMD in the build root with $src on /rstmon, /proc and
# a /tmp of its own.  The mounts live in a mount namespace of the command
# alone: they can neither outlive it nor be seen by the host, so nothing
# ever removes the cache through them.
# shellcheck disable=SC2016 # expanded by the inner shell
in_root() {
	unshare --mount --propagation private /bin/bash -c '
		set -e
		root=$1 src=$2
		shift 2
		trap "umount \"\$root/rstmon\" \"\$root/tmp\" \"\$root/proc\" 2>/dev/null || true" EXIT
		mount -t proc proc "$root/proc"
		mount -t tmpfs tmpfs "$root/tmp"
		mount --bind "$src" "$root/rstmon"
		chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C.UTF-8 "$@"' in-root "$root" "$src" "$@"
}

# The compiler, before anything is built with it: a mismatch would show as
# warnings or errors that are no fault of rstmon's.
cc_text=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$root$hdr/.config")
[ -n "$cc_text" ] || env_fail cc-version "no CONFIG_CC_VERSION_TEXT in $hdr/.config"
cc=${cc_text%% *}
mkdir -p "$src"
cc_got=$(in_root "$cc" --version 2>/dev/null | head -n 1) || true
[ "$cc_got" = "$cc_text" ] ||
	env_fail cc-version "the build root's $cc is '${cc_got:-missing}', the kernel's '$cc_text'"
in_root make --version > /dev/null 2>&1 || env_fail build-root "no make in the build root $root"
pass cc-version

# The sources, as build_module copies them.  Objects stay between runs
# (rsync replaces changed sources only), unless they are another build
# root's.
rm -f "$out/rstmon.ko" "$out/module/generated/compat-probes.h"
if [ "$(cat "$src/.root" 2>/dev/null)" != "$root" ]; then
	rm -rf "$src" && mkdir -p "$src"
fi
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' --exclude '/.root' \
	--exclude generated "$RSTMON_TOP"/{Kbuild,Makefile,module,uapi,tests} "$src/" >&2 ||
	env_fail copy "cannot copy the sources to $src"
echo "$root" > "$src/.root"

log=$out/build.log
start=$SECONDS
if ! in_root make -C /rstmon -j2 module KDIR="$hdr" KBUILD_ARGS="W=1" > "$log" 2>&1; then
	tail -n 30 "$log" >&2
	fail 1 build "rstmon does not build for $kver, see $log"
fi
if grep -E 'warning:|error:' "$log" >&2; then
	fail 1 build "rstmon builds with warnings for $kver, see $log"
fi
pass "build ($((SECONDS - start)) s, $log)"
mkdir -p "$out/module/generated"
cp "$src/rstmon.ko" "$out/" &&
	cp "$src/module/generated/compat-probes.h" "$out/module/generated/" ||
	env_fail copy "cannot copy rstmon.ko and compat-probes.h to $out"

# One of the kernel's own modules to compare with, uncompressed.
ref=$(find "$kdir/lib/modules/$kver" -name 'nf_conntrack.ko*' | head -n 1)
[ -n "$ref" ] || env_fail vermagic "no nf_conntrack.ko* in $kdir/lib/modules/$kver"
case $ref in
*.xz) xz -dc "$ref" > "$tmp/ref.ko" ;;
*.zst) zstd -qdc "$ref" > "$tmp/ref.ko" ;;
*.gz) gzip -dc "$ref" > "$tmp/ref.ko" ;;
*) cp "$ref" "$tmp/ref.ko" ;;
esac || env_fail vermagic "cannot decompress $ref"
ko=$out/rstmon.ko

# modprobe refuses a module whose vermagic differs from the kernel's.
want=$(modinfo -F vermagic "$tmp/ref.ko")
got=$(modinfo -F vermagic "$ko")
[ -n "$want" ] && [ "$got" = "$want" ] ||
	env_fail vermagic "rstmon.ko has vermagic '$got', the kernel's modules '$want'"
pass "vermagic ($got)"

# The kernel relocates into struct module by the offsets it was built
# with: .gnu.linkonce.this_module must have the size of the kernel's and
# its init and exit pointers the same offsets.  The size alone is not
# enough: the tree of issue 23 (no pahole, so no DEBUG_INFO_BTF_MODULES)
# made a struct module 24 bytes shorter within the same 0x500 bytes of
# section, its exit pointer at 0x4a8 where the kernel has it at 0x4c0.
# this_module KO: "SIZE init_module@OFF cleanup_module@OFF", in hex.
this_module() {
	objdump -h "$1" | awk '$2 == ".gnu.linkonce.this_module" { n = $3; sub(/^0+/, "", n); printf "0x%s ", n }'
	readelf -rW "$1" | awk '
		/^Relocation section/ { on = index($0, "'"'"'.rela.gnu.linkonce.this_module'"'"'") > 0; next }
		on && $1 ~ /^[0-9a-f]+$/ && ($5 == "init_module" || $5 == "cleanup_module") {
			off = $1; sub(/^0+/, "", off); print $5 "@0x" off }' | sort | tr '\n' ' '
}
want=$(this_module "$tmp/ref.ko")
got=$(this_module "$ko")
[[ $want == 0x*cleanup_module@*init_module@* ]] ||
	env_fail this_module "cannot read struct module of $ref ('$want')"
[ "$got" = "$want" ] ||
	env_fail this_module "rstmon.ko's struct module is '${got% }', the kernel's '${want% }'"
pass "this_module (${got% })"

# The module was compiled by that compiler indeed (not, say, a gcc found
# earlier in the PATH).
used=$(sed -n '1s/^[^=]*:= *//p' "$src/module/.main.o.cmd" | tr ' ' '\n' | grep -v -e '^$' -e ccache | head -n 1)
[ "$used" = "$cc" ] || env_fail cc-used "rstmon was compiled by '$used', not by the kernel's $cc"
pass "cc-used ($cc_text)"
