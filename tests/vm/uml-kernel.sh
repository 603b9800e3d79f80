#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or find in the cache) the UML debug kernel of the test rig and print
# the build directory.  With "bench": the same kernel without its debugging
# options (tests/vm/uml.config up to its "# Debugging:" section), for
# "make bench", where KASAN and lockdep would distort the timings.  The kernel comes from Debian's linux-source package of
# $RSTMON_UML_SUITE (default: this release's backports); the build is keyed by
# a hash of the config fragment, this script and the source version, so a warm
# run skips the build entirely.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

UML_PKG=${RSTMON_UML_PKG:-linux-source-6.12}
UML_SUITE=${RSTMON_UML_SUITE:-$(. /etc/os-release && echo "$VERSION_CODENAME")-backports}
FRAG="$RSTMON_TOP/tests/vm/uml.config"
variant=${1:-debug}
case $variant in
debug) frag() { cat "$FRAG"; } ;;
bench) frag() { sed -e '/^# Debugging:/,$d' -e '/^CONFIG_KALLSYMS_ALL=/d' "$FRAG"; } ;;
*) die "uml-kernel.sh: unknown variant '$variant' (debug or bench)" ;;
esac

need_pkgs build-essential flex bison bc libelf-dev libssl-dev xz-utils python3
private_apt
ver=$(pkg_version "$UML_PKG" "$UML_SUITE")
[ -n "$ver" ] || ver=$(pkg_version "$UML_PKG")
[ -n "$ver" ] || die "$UML_PKG not found in $UML_SUITE"
PATCHES=("$RSTMON_TOP"/tests/vm/uml-patches/*.patch)
key=$( (frag; cat "$0" "${PATCHES[@]}"; echo "$UML_PKG=$ver") | sha256sum | cut -c1-16)
out="$RSTMON_CACHE/uml-$variant-$key"
# One build at a time (two checkouts, or a helper and make check): the
# second waits for the first and takes its result.
exec 9> "$out.lock"
flock 9
if [ -x "$out/linux" ] && [ -e "$out/.done" ]; then
	echo "$out"
	exit 0
fi

src=$(fetch_kernel_source "$UML_PKG" "$ver")
# tests/vm/uml-patches: fixes UML needs on the machines the rig runs on
# (each says why), applied once to the cached source; they touch only
# arch/um and arch/x86/um, so the x86 trees built from it are unchanged.
need_pkgs patch
for p in "${PATCHES[@]}"; do
	if patch -d "$src" -p1 -R -s -f --dry-run < "$p" > /dev/null 2>&1; then
		continue
	fi
	log "applying $(basename "$p")"
	patch -d "$src" -p1 -s -f -N < "$p" >&2 || die "$(basename "$p") does not apply to $UML_PKG=$ver"
done
rm -rf "$out" && mkdir -p "$out"
log "building UML $variant kernel $UML_PKG=$ver in $out (a few minutes, cached afterwards)"
# Like kunit.py: the fragment over Kconfig's defaults (not the much larger
# UML defconfig), so a cold build takes minutes.
frag > "$out/.config"
make -s -C "$src" ARCH=um O="$out" olddefconfig >&2

# Every option the fragment asks for must have survived olddefconfig.
awk 'FNR == NR { if ($0 ~ /^CONFIG_/) { split($0, a, "="); want[a[1]] = a[2] } next }
     /^CONFIG_/ { split($0, a, "="); have[a[1]] = a[2] }
     /^# CONFIG_.* is not set$/ { have[$2] = "n" }
     END { bad = 0
	   for (k in want) { h = (k in have) ? have[k] : "n"
		if (h != want[k]) { printf "[rig] config %s=%s did not stick (%s)\n", k, want[k], h > "/dev/stderr"; bad = 1 } }
	   exit bad }' <(frag) "$out/.config" || die "UML config fragment does not apply to $UML_PKG=$ver"

make -s -C "$src" ARCH=um O="$out" -j"$(nproc)" linux modules >&2 ||
	die "UML kernel build failed"
make -s -C "$src" ARCH=um O="$out" modules_prepare >&2
echo "$UML_PKG=$ver" > "$out/.source"
ln -sfn "$src" "$out/source-tree"
touch "$out/.done"
echo "$out"
