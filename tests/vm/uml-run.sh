#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the UML debug kernel with the host's root read-only over hostfs, run
# tests/vm/guest-tests.sh in it, and leave the results in --results DIR.
#
#   uml-run.sh --uml BUILD_DIR --ko MODULE_DIR --results DIR [--timeout S]
#              [--mode check|demo|bench]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

uml= ko= results= timeout=1200 mode=check
while [ $# -gt 0 ]; do
	case $1 in
	--uml) uml=$2; shift 2 ;;
	--ko) ko=$2; shift 2 ;;
	--results) results=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--mode) mode=$2; shift 2 ;;
	*) die "uml-run.sh: unknown argument $1" ;;
	esac
done
[ -x "$uml/linux" ] || die "no UML kernel in '$uml'"
[ -d "$ko" ] && [ -d "$results" ] || die "uml-run.sh needs --ko and --results directories"
ko=$(cd "$ko" && pwd)
results=$(cd "$results" && pwd)
rm -f "$results/done" "$results/results.tap"

# UML keeps its guest memory in a file under TMPDIR; give it its own.
umltmp=$(mktemp -d "${TMPDIR:-/tmp}/rstmon-uml.XXXXXX")
trap 'rm -rf "$umltmp"' EXIT

# Arguments with '=' that the kernel does not know become init's environment.
# loglevel=6: warnings and errors (every report: WARN, lockdep, KASAN, RCU,
# hung task) and the rig's notice-level "rstmon-rig: start NAME" markers
# reach the console, which the host scans (console-scan.sh); info lines
# stay in the ring.  printk.time: the scan tells the kernel's lines from
# init's own output on the same console by their timestamps.  log_buf_len: the guest reads each phase's records
# from /dev/kmsg after the phase, so the ring must hold a whole phase's
# (an overrun fails the phase).
rc=0
# (A host with AMX needs tests/vm/uml-patches/0001-um-host-xstate-size.patch,
# which uml-kernel.sh applies.)
TMPDIR=$umltmp timeout --kill-after=10 "$timeout" "$uml/linux" \
	mem=1536M rootfstype=hostfs ro init="$RSTMON_TOP/tests/vm/uml-init.sh" \
	con=null con0=null,fd:1 loglevel=6 printk.time=1 log_buf_len=4M panic=-1 \
	RSTMON_KERNEL=uml RSTMON_MODE="$mode" RSTMON_TOP="$RSTMON_TOP" \
	RSTMON_KO="$ko" RSTMON_RESULTS="$results" \
	RSTMON_GUEST_TESTS="${RSTMON_GUEST_TESTS:-}" RSTMON_ONLY="${RSTMON_ONLY:-}" \
	RSTMON_BENCH="${RSTMON_BENCH:-}" RSTMON_STRESS="${RSTMON_STRESS:-}" \
	RSTMON_SKIP="${RSTMON_SKIP:-}" RSTMON_RIG_PROOF="${RSTMON_RIG_PROOF:-}" \
	< /dev/null > "$results/console.log" 2>&1 || rc=$?
# UML may leave its terminal in raw mode; nothing to restore without a tty.
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	log "UML guest timed out after ${timeout}s"
	exit 124
fi
if [ ! -e "$results/done" ]; then
	log "UML guest stopped (exit $rc) before finishing; console log: $results/console.log"
	tail -n 40 "$results/console.log" >&2
	exit 1
fi
exit 0
