#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A kernel build tree to compile rstmon against another kernel version:
# Debian's linux-source package of SUITE (newest version when PKG is
# "newest"), x86_64 defconfig plus what rstmon uses, and "make
# modules_prepare".  Cached by a hash of this script and the version;
# prints the tree's directory.  There is no Module.symvers in such a tree:
# modpost cannot check exports (KBUILD_MODPOST_WARN=1), and the compile
# probes decide by compiling alone.
#
# ARCH i386 gives a 32-bit tree (i386_defconfig, the same additions) with
# CONFIG_CGROUPS off: one tree for what 32-bit breaks (64-bit divisions,
# torn u64 counters) and for a kernel without cgroups.  Build against it
# with ARCH=i386.  Its directory is tree-PKG-i386-KEY.
#
#   kernel-tree.sh PKG|newest SUITE [x86_64|i386]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkg=$1 suite=$2 arch=${3:-x86_64}
case $arch in
x86_64) tag='' arch_args=() ;;
i386) tag=-i386 arch_args=(ARCH=i386) ;;
*) die "ARCH $arch: x86_64 or i386" ;;
esac
need_pkgs build-essential flex bison bc libelf-dev libssl-dev xz-utils
private_apt
if [ "$pkg" = newest ]; then
	pkg=$(apt-cache "${APT_OPTS[@]}" pkgnames linux-source- 2>/dev/null |
	      grep -E '^linux-source-[0-9]+\.[0-9]+$' | sort -V |
	      while read -r p; do [ -n "$(pkg_version "$p" "$suite")" ] && echo "$p"; done | tail -n 1)
	[ -n "$pkg" ] || die "no linux-source package in $suite"
fi
ver=$(pkg_version "$pkg" "$suite")
[ -n "$ver" ] || die "$pkg not found in $suite"
key=$( (cat "$0"; echo "$pkg=$ver") | sha256sum | cut -c1-16)
out="$RSTMON_CACHE/tree-$pkg$tag-$key"
if [ -e "$out/.done" ]; then
	echo "$out"
	exit 0
fi
src=$(fetch_kernel_source "$pkg" "$ver")
rm -rf "$out" && mkdir -p "$out"
log "preparing a $pkg=$ver tree in $out (modules_prepare)"
make -s -C "$src" O="$out" "${arch_args[@]}" "${arch}_defconfig" >&2
"$src/scripts/config" --file "$out/.config" -e MODULES -e MODULE_UNLOAD -e NET -e INET \
	-e IPV6 -e NETFILTER -e NETFILTER_ADVANCED -m NF_CONNTRACK -m NF_TABLES \
	-m NF_FLOW_TABLE -e FTRACE -e TRACEPOINTS -e PROC_FS -e SYSFS >&2
if [ "$arch" = i386 ]; then
	"$src/scripts/config" --file "$out/.config" -d CGROUPS >&2
fi
make -s -C "$src" O="$out" "${arch_args[@]}" olddefconfig >&2
if [ "$arch" = i386 ] && grep -qx 'CONFIG_CGROUPS=y' "$out/.config"; then
	die "CONFIG_CGROUPS is still on in the i386 tree (something selects it)"
fi
make -s -C "$src" O="$out" "${arch_args[@]}" -j"$(nproc)" modules_prepare >&2 ||
	die "modules_prepare of $pkg ($arch) failed"
echo "$pkg=$ver" > "$out/.source"
touch "$out/.done"
echo "$out"
