#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a test guest (UML debug kernel or Debian's stock kernel), as
# root, with rstmon installed where modprobe finds it.  Writes one line per
# test to $RSTMON_RESULTS/results.tap ("ok - NAME" or "not ok - NAME # why"),
# the kernel log to $RSTMON_RESULTS/dmesg, and finally $RSTMON_RESULTS/done.
#
# Environment: RSTMON_KERNEL (uml|stock), RSTMON_TOP, RSTMON_RESULTS,
# RSTMON_MODE (check|demo|bench), RSTMON_ONLY (optional selftest name filter),
# RSTMON_BENCH (bench mode: SIZES/ROUNDS/SEGS/E2E_SECONDS).
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
R=$RSTMON_RESULTS
T=$RSTMON_TOP
K=$RSTMON_KERNEL
TAP=$R/results.tap
: > "$TAP"
: > "$R/tests.log"

ok() { echo "ok - $K/$1" >> "$TAP"; }
notok() { echo "not ok - $K/$1 # ${2:-}" >> "$TAP"; }
# check NAME CMD...: one test from a command's exit status.
check() {
	local name=$1; shift
	if "$@" >> "$R/tests.log" 2>&1; then ok "$name"; else notok "$name" "exit $?"; fi
}

# The kernel log before rstmon is loaded: any report already there must be
# one the kernel is known to print at boot, matched by exact signature.
dmesg > "$R/dmesg.boot"
boot_lines=$(wc -l < "$R/dmesg.boot")

# shellcheck source=tests/vm/kernel-reports.sh
. "$T/tests/vm/kernel-reports.sh"
if reports=$(kernel_reports < "$R/dmesg.boot" | known_filter "$K"); [ -z "$reports" ]; then
	ok "boot-log-clean"
else
	notok "boot-log-clean" "$(echo "$reports" | head -n 1)"
fi
taint_boot=$(cat /proc/sys/kernel/tainted)

if [ "${RSTMON_MODE:-check}" = demo ]; then
	modprobe rstmon
	bash "$T/tests/selftests/demo.sh" 2>&1 | tee "$R/demo.out"
	modprobe -r rstmon
	dmesg > "$R/dmesg"
	touch "$R/done"
	exit 0
fi

if [ "${RSTMON_MODE:-check}" = bench ]; then
	# RSTMON_BENCH: SIZES/ROUNDS/SEGS/E2E_SECONDS (tests/run.sh bench)
	IFS=/ read -r b_sizes b_rounds b_segs b_e2e <<< "$RSTMON_BENCH"
	bash "$T/tests/bench/bench-guest.sh" "$R/bench.out" "$RSTMON_KO" "$b_sizes" "$b_rounds" \
		"$b_segs" "$b_e2e" > "$R/bench.log" 2>&1
	dmesg > "$R/dmesg"
	touch "$R/done"
	exit 0
fi

# Module parameters: at their bounds the load succeeds and the value
# stands; one step beyond, or not a number, the load is refused with the
# reason in the kernel log and nothing stays loaded.
param_accepted() {
	local arg=$1 got
	modprobe rstmon "$arg" || { echo "modprobe rstmon $arg failed"; return 1; }
	got=$(cat "/sys/module/rstmon/parameters/${arg%%=*}")
	modprobe -r rstmon
	[ "$got" = "${arg#*=}" ] || { echo "$arg reads back as $got"; return 1; }
}
param_refused() {
	local arg=$1 msg=$2
	dmesg -C
	if modprobe rstmon "$arg" 2>/dev/null; then
		modprobe -r rstmon
		echo "modprobe rstmon $arg succeeded"
		return 1
	fi
	dmesg | grep -F -- "$msg" || { echo "no '$msg' in the kernel log"; return 1; }
	! grep -q '^rstmon ' /proc/modules
}
for arg in max_conns=1024 event_ring=16 event_ring=65536 idle_threshold=1 \
	   idle_threshold=604800 syn_timeout=1 syn_timeout=3600; do
	check "param-$arg-accepted" param_accepted "$arg"
done
for arg in max_conns=5 max_conns=1023 max_conns=16777217 event_ring=0 event_ring=15 \
	   event_ring=65537 idle_threshold=0 idle_threshold=604801 idle_threshold=999999999 \
	   syn_timeout=0 syn_timeout=3601; do
	check "param-$arg-refused" param_refused "$arg" "$arg is out of range"
done
check param-max_conns=abc-refused param_refused max_conns=abc "invalid for parameter"
check param-idle_threshold=abc-refused param_refused idle_threshold=abc \
	"idle_threshold=abc is not a number of seconds"
dmesg > "$R/dmesg.params"

check modprobe modprobe rstmon
check proc-net-rstmon test -r /proc/net/rstmon

# KUnit suites: loaded as a module; results read from debugfs (KTAP).
if [ "$K" = uml ]; then
	if modprobe rstmon_kunit >> "$R/tests.log" 2>&1; then
		for d in /sys/kernel/debug/kunit/rstmon*; do
			[ -r "$d/results" ] || continue
			suite=${d##*/}
			cp "$d/results" "$R/kunit-$suite.ktap"
			# Case lines of the suite: "    ok N name"; the suite's own
			# line ("not ok N suite") catches a failing suite_init.
			awk -v s="$suite" -v k="$K" '
				/^    (not )?ok [0-9]+ / {
					n = ($1 == "not") ? 3 : 2
					name = $(n + 1)
					if ($0 ~ /# SKIP/) next
					print (($1 == "not") ? "not ok" : "ok") " - " k "/kunit/" s "/" name
				}
				/^not ok [0-9]+ / { print "not ok - " k "/kunit/" s " # suite failed" }
				' "$d/results" >> "$TAP"
		done
		grep -q "/kunit/" "$TAP" || notok kunit "no KUnit results in debugfs"
		modprobe -r rstmon_kunit
	else
		notok kunit "modprobe rstmon_kunit failed"
	fi
fi

# make stress: the full sizes of the flood and churn tests, each script
# bounded by two hours instead of its own bound.
if [ "${RSTMON_STRESS:-}" = 1 ]; then
	export RSTMON_FLOOD_RST=1000000 RSTMON_FLOOD_SYN=1000000
	RSTMON_STRESS_BOUND=7200
fi

# Scenario tests.  Each prints "ok - NAME" / "not ok - NAME" lines; a
# script that exits non-zero without saying why fails as a whole.
for t in "$T"/tests/selftests/*.sh; do
	name=$(basename "$t" .sh)
	case $name in lib|demo|scenarios) continue ;; esac
	if [ -n "${RSTMON_ONLY:-}" ]; then
		# Comma-separated substrings of the scripts to run.
		wanted=0
		for w in ${RSTMON_ONLY//,/ }; do [[ $name == *"$w"* ]] && wanted=1; done
		[ "$wanted" = 1 ] || continue
	fi
	out=$R/selftest-$name.log
	# Bounded per script; generous for the emulated stock kernel.  A script
	# that needs longer says so in a line "# time bound: SECONDS".
	bound=$(sed -n 's/^# time bound: \([0-9][0-9]*\)$/\1/p' "$t" | head -n 1)
	[ "${RSTMON_STRESS:-}" = 1 ] && bound=$RSTMON_STRESS_BOUND
	timeout --kill-after=5 "${bound:-600}" setsid bash "$t" > "$out" 2>&1 < /dev/null
	rc=$?
	sed -n -e "s|^ok - |ok - $K/$name/|p" -e "s|^not ok - |not ok - $K/$name/|p" \
		"$out" >> "$TAP"
	if [ "$rc" -eq 4 ]; then
		echo "ok - $K/$name # SKIP $(grep -m1 '^# SKIP' "$out")" >> "$TAP"
	elif [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$out"; then
		notok "$name" "exited $rc$( [ "$rc" -eq 124 ] && echo ' (timed out)')"
	fi
done

check unload modprobe -r rstmon
check unloaded sh -c '! grep -q "^rstmon " /proc/modules'

# kmemleak: scan twice (objects must be old enough), then read.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > "$R/kmemleak"
	if [ -s "$R/kmemleak" ]; then
		notok kmemleak "$(grep -m1 unreferenced "$R/kmemleak")"
	else
		ok kmemleak
	fi
fi

# Every report after boot is a failure; so is any taint beyond the
# out-of-tree (O), unsigned (E) and KUnit test (N) flags.
dmesg > "$R/dmesg"
reports=$(tail -n +"$((boot_lines + 1))" "$R/dmesg" | kernel_reports)
if [ -z "$reports" ]; then
	ok kernel-log-clean
else
	notok kernel-log-clean "$(echo "$reports" | head -n 1)"
	echo "$reports" > "$R/reports"
fi
taint=$(cat /proc/sys/kernel/tainted)
allowed=$(( (1 << 12) | (1 << 13) | (1 << 18) | taint_boot ))
if [ $((taint & ~allowed)) -eq 0 ]; then
	ok kernel-taint
else
	notok kernel-taint "tainted=$taint (boot $taint_boot)"
fi
sync
touch "$R/done"
