#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the rstmon test rig: package installation, the private
# apt configuration used to fetch Debian kernel packages, and the cache.
#
# Nothing here names a package registry: the archive addresses are read from
# this machine's own apt configuration.

RSTMON_TOP=${RSTMON_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
RSTMON_CACHE=${RSTMON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rstmon}
mkdir -p "$RSTMON_CACHE"

log() { printf '[rig] %s\n' "$*" >&2; }
die() { printf '[rig] error: %s\n' "$*" >&2; exit 1; }
# env_die MSG: fail for a reason outside rstmon (the archive, a package, the
# toolchain): exit 3 with "reason: MSG" as the last line of stdout, which is
# how the stock-kernel scripts tell tests/run.sh that rstmon is not at fault.
env_die() {
	printf '[rig] error: %s\n' "$*" >&2
	echo "reason: $*"
	exit 3
}

# need_pkgs PKG...: install the Debian packages that are missing.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root or install them"
	log "installing ${missing[*]}"
	if [ ! -e "$RSTMON_CACHE/.apt-updated" ] ||
	   [ -n "$(find "$RSTMON_CACHE/.apt-updated" -mmin +360 2>/dev/null)" ]; then
		apt-get update -qq >&2 || die "apt-get update failed"
		touch "$RSTMON_CACHE/.apt-updated"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
}

# The Debian archive URI(s) this machine's apt already uses for its main suite.
_debian_uris() {
	{
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -e "$f" ] || continue
			awk 'BEGIN{RS=""; FS="\n"}
			     { uri=""; suites=""; en=1
			       for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); uri=$i }
				if ($i ~ /^Suites:/) { sub(/^Suites:[ \t]*/, "", $i); suites=$i }
				if ($i ~ /^Enabled:[ \t]*no/) en=0
			       }
			       if (en && uri != "" && suites !~ /security/ && suites ~ /^[a-z]+( |$)/)
				print uri }' "$f"
		done
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -e "$f" ] || continue
			awk '$1 == "deb" { u = ($2 ~ /^\[/) ? $3 : $2; s = ($2 ~ /^\[/) ? $4 : $3
			     if (s !~ /security/ && u ~ /debian\/?$/) print u }' "$f"
		done
	} | awk '!seen[$0]++'
}

# private_apt: set APT_OPTS to a private apt configuration that knows the
# suites in $RSTMON_SUITES (default: the backports of this release, the
# next stable and unstable), updated at most every 6 hours.
private_apt() {
	local dir="$RSTMON_CACHE/apt" codename uris u s
	codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
	local suites=${RSTMON_SUITES:-"$codename-backports trixie sid"}
	uris=$(_debian_uris)
	[ -n "$uris" ] || die "no Debian archive found in this machine's apt configuration"
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	: > "$dir/sources.list.new"
	for u in $uris; do
		for s in $suites; do
			echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $u $s main" \
				>> "$dir/sources.list.new"
		done
	done
	mv "$dir/sources.list.new" "$dir/sources.list"
	APT_OPTS=(-o "Dir::Etc::SourceList=$dir/sources.list"
		  -o "Dir::Etc::SourceParts=$dir/none"
		  -o "Dir::State::Lists=$dir/lists"
		  -o "Dir::Cache=$dir/cache"
		  -o "APT::Sandbox::User=root")
	if [ ! -e "$dir/updated" ] || [ -n "$(find "$dir/updated" -mmin +360)" ] ||
	   ! cmp -s "$dir/sources.list" "$dir/updated"; then
		log "updating private apt lists ($suites)"
		apt-get "${APT_OPTS[@]}" update -qq >&2 || die "private apt-get update failed"
		cp "$dir/sources.list" "$dir/updated"
	fi
}

# pkg_version PKG [SUITE]: candidate version of PKG in the private apt
# configuration, from SUITE when given.
pkg_version() {
	local pkg=$1 suite=${2:-}
	if [ -n "$suite" ]; then
		apt-cache "${APT_OPTS[@]}" madison "$pkg" 2>/dev/null |
			awk -F'|' -v s="$suite" '$3 ~ " "s"/" { gsub(/ /, "", $2); print $2; exit }'
	else
		apt-cache "${APT_OPTS[@]}" madison "$pkg" 2>/dev/null |
			awk -F'|' '{ gsub(/ /, "", $2); print $2; exit }'
	fi
}

# fetch_kernel_source PKG VERSION: download and unpack linux-source-X into
# the cache; prints the source directory.
fetch_kernel_source() {
	local pkg=$1 ver=$2 dir
	dir="$RSTMON_CACHE/src/$pkg-$ver"
	if [ ! -e "$dir/.unpacked" ]; then
		local tmp
		tmp=$(mktemp -d "$RSTMON_CACHE/dl.XXXXXX")
		log "downloading $pkg=$ver"
		(cd "$tmp" && apt-get "${APT_OPTS[@]}" download -qq "$pkg=$ver" >&2) ||
			die "apt-get download $pkg=$ver failed"
		dpkg-deb -x "$tmp"/*.deb "$tmp/x" || die "cannot unpack $pkg"
		rm -rf "$dir" && mkdir -p "$dir"
		log "unpacking $pkg"
		tar -C "$dir" --strip-components=1 -xf "$tmp"/x/usr/src/linux-source-*.tar.* ||
			die "cannot unpack the kernel tarball of $pkg"
		rm -rf "$tmp"
		touch "$dir/.unpacked"
	fi
	echo "$dir"
}
