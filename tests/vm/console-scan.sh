#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side: scan a guest's whole console log for kernel reports.
#
#   console-scan.sh RESULTS_DIR KIND
#
# Reads RESULTS_DIR/console.log (UML: the kernel's stdout; QEMU: the serial
# port) and prints TAP lines: "ok - KIND/console-log-clean" when it holds
# no report (tests/vm/kernel-reports.sh, less tests/vm/known-reports), else
# one "not ok - KIND/NAME/console # FIRST REPORT" per phase that has one.
# NAME is the phase of the last "rstmon-rig: start NAME" marker before the
# report (guest-tests.sh writes one into the kernel log as each phase
# starts), "boot" before the first.  The console sees what the guest's own
# /dev/kmsg reading cannot: a report printed as the guest dies, or one the
# guest never got to read.  Only the kernel's lines count, told from the
# output of the guest's init on the same console by their timestamps
# (printk.time=1).  Exits 1 when a report was found, 2 when there is no
# console log.
set -u
[ $# -eq 2 ] || { echo "usage: $0 RESULTS_DIR KIND" >&2; exit 64; }
res=$1 kind=$2
# shellcheck source=tests/vm/kernel-reports.sh
. "$(dirname "$0")/kernel-reports.sh"

log=$res/console.log
if [ ! -r "$log" ]; then
	echo "not ok - $kind/console-log-clean # no $log"
	exit 2
fi

# The console cut at each marker into chunks, in order (tmp/N, its phase's
# name in tmp/N.name); each chunk is scanned as the kernel printed it.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/console-scan.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tr -d '\r' < "$log" |
	awk -v d="$tmp" '
		function start(name) {
			if (out != "") close(out)
			n++; out = d "/" n; print name > (out ".name"); close(out ".name")
			printf "" > out
		}
		BEGIN { start("boot") }
		!/^\[ *[0-9]+\.[0-9]+\] / { next }
		match($0, /rstmon-rig: start [^ ]+/) { start(substr($0, RSTART + 18, RLENGTH - 18)) }
		{ print > out }'

bad=0
for f in $(find "$tmp" -name '[0-9]*' ! -name '*.name' -printf '%f\n' | sort -n); do
	reports=$(kernel_reports < "$tmp/$f" | known_filter "$kind")
	[ -n "$reports" ] || continue
	bad=1
	echo "not ok - $kind/$(cat "$tmp/$f.name")/console # $(echo "$reports" | head -n 1)"
done
[ "$bad" = 0 ] && echo "ok - $kind/console-log-clean"
exit "$bad"
