#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A build root of Debian SUITE in which to build rstmon for the stock kernel
# KVER as a user of that suite does: linux-headers-KVER=VERSION installed
# from the suite, with the linux-kbuild and the gcc-NN it depends on (the
# compiler the kernel was built with), and make.  A tree of the kernel's
# sources prepared with this machine's toolchain is not the same: Kconfig
# re-evaluates the options that depend on it (the compiler, pahole) there,
# and a module built against it can have another struct module layout than
# the kernel (issue 23: no pahole, so no DEBUG_INFO_BTF_MODULES, 24 bytes
# less).
#
# Made by mmdebstrap from the archive this machine's apt uses, cached by a
# hash of this script, SUITE, KVER and VERSION; prints its directory.  It
# has the device nodes a build needs and an empty /rstmon on which
# stock-build.sh binds the sources.  Any failure is the environment's
# (the archive, a package missing in SUITE): exit 3, "reason: ..." last on
# stdout.
#
#   build-root.sh SUITE KVER VERSION
set -euo pipefail
. "$(dirname "$0")/lib.sh"
die() { env_die "$@"; }

[ $# -eq 3 ] || { echo "usage: $0 SUITE KVER VERSION" >&2; exit 2; }
suite=$1 kver=$2 ver=$3
[ "$(id -u)" -eq 0 ] || die "making a build root needs root (mmdebstrap --mode=root)"
need_pkgs mmdebstrap debian-archive-keyring
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

key=$( (cat "$0"; echo "$suite linux-headers-$kver=$ver") | sha256sum | cut -c1-12)
root="$RSTMON_CACHE/root-$suite-$kver-$key"
if [ -e "$root/.done" ]; then
	echo "$root"
	exit 0
fi

uris=$(_debian_uris)
[ -n "$uris" ] || die "no Debian archive found in this machine's apt configuration"
mirrors=()
for u in $uris; do
	mirrors+=("deb [signed-by=$keyring] $u $suite main")
done

# mmdebstrap wants an empty or missing target: make it beside the cache
# entry and move it in place once complete, so an interrupted run leaves
# nothing that looks done.
new="$root.new"
# rm_root DIR: remove a partial build root, never through a mount left in it.
rm_root() {
	! grep -qF " $1/" /proc/self/mounts || die "$1 still has mounts; not removing it"
	rm -rf "$1"
}
rm_root "$new"
trap 'rm_root "$new"' EXIT
start=$SECONDS
log "making the $suite build root for $kver in $root (mmdebstrap)"
# Acquire::Check-Valid-Until: the machine's archive may be a snapshot whose
# Release files are past their Valid-Until; they are still verified against
# the keyring.  The documentation is of no use to a build.  A mount
# namespace of its own takes the mounts mmdebstrap makes in the root along
# with it, however it ends.
unshare --mount --propagation private mmdebstrap --mode=root --variant=apt --keyring="$keyring" \
	--aptopt='Acquire::Check-Valid-Until "false"' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--include="linux-headers-$kver=$ver,make" \
	"$suite" "$new" "${mirrors[@]}" >&2 ||
	die "mmdebstrap of $suite with linux-headers-$kver=$ver failed"
# mmdebstrap --mode=root creates these; make sure, as the build runs with
# no /dev mounted.
for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
	IFS=: read -r name major minor <<<"$n"
	[ -c "$new/dev/$name" ] || mknod -m 666 "$new/dev/$name" c "$major" "$minor" ||
		die "cannot create /dev/$name in the build root"
done
mkdir -p "$new/rstmon"
[ -e "$new/usr/src/linux-headers-$kver/.config" ] ||
	die "the $suite build root has no /usr/src/linux-headers-$kver"
echo "$suite linux-headers-$kver=$ver" > "$new/.source"
touch "$new/.done"
rm_root "$root"
mv "$new" "$root"
log "$suite build root for $kver ready in $((SECONDS - start)) s"
echo "$root"
