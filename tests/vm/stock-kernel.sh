#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian's newest stock amd64 kernel of SUITE, to boot with stock-vm.sh
# --image-dir and to build rstmon for with stock-build.sh.  Prints a
# directory holding the unpacked image (boot/vmlinuz-VER, lib/modules/VER,
# depmod'ed), "kver" (VER) and root/: the SUITE build root of
# build-root.sh, where linux-headers-VER and the compiler the kernel was
# built with are installed from the suite.  (A linux-source tree prepared
# with this machine's toolchain is not the kernel's: its struct module can
# differ, and modprobe refuses the module, issue 23.)  The kernel's
# packages are unpacked, never installed; cached by a hash of this script
# and the version.
#
# Any failure is one of the environment (the archive, a download, the
# build root), never rstmon's: exit 3 with "reason: ..." last on stdout.
#
#   stock-kernel.sh SUITE
set -euo pipefail
. "$(dirname "$0")/lib.sh"
die() { env_die "$@"; }
# An unexpected failure (set -e) too.
tmp=''
on_exit() {
	local rc=$?
	[ -z "$tmp" ] || rm -rf "$tmp"
	[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || env_die "stock-kernel.sh failed (exit $rc, line ${err_line:-?})"
}
trap 'err_line=$LINENO' ERR
trap on_exit EXIT

suite=$1
need_pkgs kmod
private_apt
aptc() { apt-cache "${APT_OPTS[@]}" "$@" 2>/dev/null; }
# depends_on PKG=VER REGEX: the dependencies of PKG=VER matching REGEX.
depends_on() {
	aptc show "$1" | sed -n 's/^Depends: //p' | tr ',|' '\n\n' |
		awk '{ print $1 }' | grep -E "$2" || true
}

# linux-image-amd64 names the image of the suite's default ABI.
meta=$(pkg_version linux-image-amd64 "$suite")
[ -n "$meta" ] || die "no linux-image-amd64 in $suite"
image=$(depends_on "linux-image-amd64=$meta" '^linux-image-.*-amd64$' | head -n 1)
[ -n "$image" ] || die "linux-image-amd64=$meta depends on no linux-image"
kver=${image#linux-image-}
ver=$(pkg_version "$image" "$suite")

# The build root, cached on its own (several kernel directories may share it).
root=$(bash "$(dirname "$0")/build-root.sh" "$suite" "$kver" "$ver") ||
	die "cannot make the $suite build root for $kver${root:+: ${root##*reason: }}"
key=$( (cat "$0"; echo "$image=$ver") | sha256sum | cut -c1-12)
out="$RSTMON_CACHE/stock-$kver-$key"
if [ -e "$out/.done" ]; then
	ln -sfn "$root" "$out/root"
	echo "$out"
	exit 0
fi
start=$SECONDS
# Since 7.x linux-image-VER is a metapackage of linux-binary-VER (the
# kernel), linux-modules-VER and linux-base-VER (modules.builtin & co);
# before, it held all of them itself.
kre=$(printf '%s' "$kver" | sed 's/[.+]/\\&/g')
pkgs=("$image" $(depends_on "$image=$ver" "^linux-(binary|modules|base)-$kre\$"))
tmp=$(mktemp -d "$RSTMON_CACHE/dl.XXXXXX")
log "downloading ${pkgs[*]} ($ver)"
(cd "$tmp" && apt-get "${APT_OPTS[@]}" download -qq "${pkgs[@]/%/=$ver}" >&2) ||
	die "apt-get download ${pkgs[*]} failed"
for d in "$tmp"/*.deb; do
	dpkg-deb -x "$d" "$tmp/x" || die "cannot unpack $d"
done
rm -rf "$out" && mkdir -p "$out/boot" "$out/lib/modules"
# /lib or /usr/lib: whichever the packages use.
x=$tmp/x
mods=$( (find "$x/lib/modules" "$x/usr/lib/modules" -maxdepth 1 -name "$kver" 2>/dev/null || true) |
	head -n 1)
vmlinuz=$x/boot/vmlinuz-$kver
[ -e "$vmlinuz" ] || vmlinuz=$mods/vmlinuz
[ -n "$mods" ] && [ -e "$vmlinuz" ] || die "no vmlinuz-$kver or modules in ${pkgs[*]}"
mv "$vmlinuz" "$out/boot/vmlinuz-$kver"
mv "$mods" "$out/lib/modules/"
rm -f "$out/lib/modules/$kver/build" "$out/lib/modules/$kver/source"
depmod -b "$out" "$kver" || die "depmod on $out failed"

echo "$kver" > "$out/kver"
echo "$image=$ver" > "$out/.source"
ln -sfn "$root" "$out/root"
touch "$out/.done"
log "$image=$ver ready in $((SECONDS - start)) s"
echo "$out"
