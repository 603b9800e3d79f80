#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian's newest stock amd64 kernel of SUITE, to boot with stock-vm.sh
# --image-dir and to build rstmon for.  Prints a directory holding the
# unpacked image (boot/vmlinuz-VER, lib/modules/VER, depmod'ed), "kver"
# (VER) and build/: a "make modules_prepare" tree of the linux-source of
# the very same version with the headers package's .config and
# Module.symvers and VER as its release, so the module's vermagic and
# symbol CRCs are those of the image.  (The headers package itself needs
# its suite's linux-kbuild, whose helpers may not run on this release.)
# Packages are unpacked, never installed; cached by a hash of this script
# and the version.
#
#   stock-kernel.sh SUITE
set -euo pipefail
. "$(dirname "$0")/lib.sh"

suite=$1
need_pkgs build-essential flex bison bc libelf-dev libssl-dev xz-utils kmod
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
# The source: the linux-source-X.Y of the image's upstream version, at
# the image's package version.
src_pkg=linux-source-$(echo "$kver" | cut -d. -f1-2)
src_ver=$(pkg_version "$src_pkg" "$suite")
[ "$src_ver" = "$ver" ] ||
	die "$image is $ver in $suite but $src_pkg is ${src_ver:-missing}: no matching source"

key=$( (cat "$0"; echo "$image=$ver") | sha256sum | cut -c1-12)
out="$RSTMON_CACHE/stock-$kver-$key"
if [ -e "$out/.done" ]; then
	echo "$out"
	exit 0
fi
start=$SECONDS
# Since 7.x linux-image-VER is a metapackage of linux-binary-VER (the
# kernel), linux-modules-VER and linux-base-VER (modules.builtin & co);
# before, it held all of them itself.
kre=$(printf '%s' "$kver" | sed 's/[.+]/\\&/g')
pkgs=("$image" $(depends_on "$image=$ver" "^linux-(binary|modules|base)-$kre\$")
      "linux-headers-$kver" "linux-headers-${kver%-amd64}-common")
tmp=$(mktemp -d "$RSTMON_CACHE/dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
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
hdr=$x/usr/src/linux-headers-$kver
[ -n "$mods" ] && [ -e "$vmlinuz" ] || die "no vmlinuz-$kver or modules in ${pkgs[*]}"
[ -e "$hdr/.config" ] && [ -e "$hdr/Module.symvers" ] || die "no .config or Module.symvers in $hdr"
mv "$vmlinuz" "$out/boot/vmlinuz-$kver"
mv "$mods" "$out/lib/modules/"
rm -f "$out/lib/modules/$kver/build" "$out/lib/modules/$kver/source"
depmod -b "$out" "$kver" || die "depmod on $out failed"

src=$(fetch_kernel_source "$src_pkg" "$ver")
log "preparing a $src_pkg=$ver tree for $kver in $out/build (modules_prepare)"
mkdir -p "$out/build"
cp "$hdr/.config" "$out/build/.config"
# The kernel was built by its suite's compiler: olddefconfig settles the
# options that depend on this machine's.
make -s -C "$src" O="$out/build" KERNELRELEASE="$kver" olddefconfig >&2
make -s -C "$src" O="$out/build" KERNELRELEASE="$kver" -j"$(nproc)" modules_prepare >&2 ||
	die "modules_prepare of $src_pkg failed"
cp "$hdr/Module.symvers" "$out/build/"
rel=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$out/build/include/generated/utsrelease.h")
[ "$rel" = "$kver" ] || die "the tree's release is '$rel', not $kver"
echo "$kver" > "$out/kver"
echo "$src_pkg=$ver" > "$out/build/.source"
touch "$out/.done"
log "$image=$ver ready in $((SECONDS - start)) s"
echo "$out"
