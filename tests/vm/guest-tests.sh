#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a test guest (UML debug kernel or Debian's stock kernel), as
# root, with rstmon installed where modprobe finds it.  Writes one line per
# test to $RSTMON_RESULTS/results.tap ("ok - NAME", "not ok - NAME # why"
# or "ok - NAME # SKIP why"), the seconds each phase took to
# $RSTMON_RESULTS/durations ("NAME SECONDS"), the kernel log of each phase
# to $RSTMON_RESULTS/kmsg/NAME (its reports to kmsg/NAME.reports), the
# whole kernel log to $RSTMON_RESULTS/dmesg, and finally
# $RSTMON_RESULTS/done.
#
# Environment: RSTMON_KERNEL (uml|stock), RSTMON_TOP, RSTMON_RESULTS,
# RSTMON_MODE (check|demo|bench), RSTMON_ONLY (optional selftest name filter),
# RSTMON_SKIP (optional: a comma list of phases or selftests to leave out,
# each reported as a skip: "module-params,kunit" for development runs; make
# check's list for sid's kernel), RSTMON_RIG_PROOF (1: only the scripts of
# tests/vm/rig-proof/, which must make the rig report; see rig-proof.sh),
# RSTMON_BENCH (bench mode: SIZES/ROUNDS/SEGS/E2E_SECONDS).
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
R=$RSTMON_RESULTS
T=$RSTMON_TOP
K=$RSTMON_KERNEL
TAP=$R/results.tap
: > "$TAP"
: > "$R/tests.log"
: > "$R/durations"
rm -rf "$R/kmsg" && mkdir -p "$R/kmsg"
KMSG=$T/tests/vm/kmsg.py

ok() { echo "ok - $K/$1" >> "$TAP"; }
notok() { echo "not ok - $K/$1 # ${2:-}" >> "$TAP"; }
skipped() { echo "ok - $K/$1 # SKIP $2" >> "$TAP"; }
# check NAME CMD...: one test from a command's exit status.
check() {
	local name=$1; shift
	if "$@" >> "$R/tests.log" 2>&1; then ok "$name"; else notok "$name" "exit $?"; fi
}

# The kernel log before rstmon is loaded: any report already there must be
# one the kernel is known to print at boot, matched by exact signature.
dmesg > "$R/dmesg.boot"

# shellcheck source=tests/vm/kernel-reports.sh
. "$T/tests/vm/kernel-reports.sh"
if reports=$(kernel_reports < "$R/dmesg.boot" | known_filter "$K"); [ -z "$reports" ]; then
	ok "boot-log-clean"
else
	notok "boot-log-clean" "$(echo "$reports" | head -n 1)"
fi
taint_boot=$(cat /proc/sys/kernel/tainted)

# Phases.  Every step after boot runs inside one: phase_start NAME marks
# the kernel log ("rstmon-rig: start NAME", which the host's console scan
# attributes by); phase_end reads the phase's records from /dev/kmsg by
# number (no "dmesg -C" anywhere can hide them, and a ring overrun is a
# failure, not a silent gap), fails NAME/kernel-log on the first report,
# checks lockdep is still on, and writes the phase's duration.  A phase
# starts at the record after the last one its predecessor read, so a
# report printed between two phases counts for the later one.  Lockdep,
# PROVE_RCU, UBSAN, hung-task and RCU-stall reports do not taint, so this
# is the only place they fail.
phase=''
phase_seq=''
phase_t0=''
lockdep_off=''
phase_start() {
	local seq
	phase=$1
	phase_t0=$EPOCHREALTIME
	if seq=$(python3 "$KMSG" seq "rstmon-rig: start $phase"); then
		[ -s "$R/kmsg/.next" ] && seq=$(cat "$R/kmsg/.next")
		phase_seq=$seq
	else
		notok "$phase/kernel-log" "cannot mark the kernel log"
		phase_seq=''
	fi
}
phase_end() {
	local name=$phase log=$R/kmsg/$phase reports rc=0 dl
	awk -v n="$name" -v a="$phase_t0" -v b="$EPOCHREALTIME" \
		'BEGIN { printf "%s %.1f\n", n, b - a }' >> "$R/durations"
	if [ -n "$phase_seq" ]; then
		python3 "$KMSG" since "$phase_seq" "$R/kmsg/.next" > "$log" 2> "$log.err" || rc=$?
		reports=$(kernel_reports < "$log" | known_filter "$K")
		if [ -n "$reports" ]; then
			echo "$reports" > "$log.reports"
			notok "$name/kernel-log" "$(echo "$reports" | head -n 1)$(
				[ "$rc" -ne 0 ] && echo ' (and the kernel log overran)')"
		elif [ "$rc" -ne 0 ]; then
			notok "$name/kernel-log" "$(head -n 1 "$log.err")"
		else
			ok "$name/kernel-log"
		fi
		[ -s "$log.err" ] || rm -f "$log.err"
	fi
	# Lockdep turns itself off (debug_locks 0) after its first report;
	# from then on nothing is checked, and each later phase says so.
	if [ -r /proc/lockdep_stats ]; then
		dl=$(awk '$1 == "debug_locks:" { print $2 }' /proc/lockdep_stats)
		if [ -n "$lockdep_off" ]; then
			skipped "$name/debug_locks" "lockdep off since $lockdep_off: locking here unchecked"
		elif [ "$dl" = 1 ]; then
			ok "$name/debug_locks"
		else
			notok "$name/debug_locks" "debug_locks=${dl:-?}: lockdep turned itself off"
			lockdep_off=$name
		fi
	fi
	phase=''
}
# One line per run, not per phase, where the kernel has no lockdep.
if [ ! -r /proc/lockdep_stats ]; then
	skipped debug_locks "no lockdep in this kernel"
elif [ "$(awk '$1 == "debug_locks:" { print $2 }' /proc/lockdep_stats)" = 1 ]; then
	ok boot/debug_locks
else
	notok boot/debug_locks "lockdep turned itself off at boot"
	lockdep_off=boot
fi

# skip_phase NAME: true when RSTMON_SKIP names phase NAME.
skip_phase() { [[ ,${RSTMON_SKIP:-}, == *",$1,"* ]]; }

if [ "${RSTMON_MODE:-check}" = demo ]; then
	echo "<5>rstmon-rig: start demo" > /dev/kmsg
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
	echo "<5>rstmon-rig: start bench" > /dev/kmsg
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
	local arg=$1 msg=$2 seq
	seq=$(python3 "$KMSG" seq "rstmon-rig: param $arg") || return 1
	if modprobe rstmon "$arg" 2>/dev/null; then
		modprobe -r rstmon
		echo "modprobe rstmon $arg succeeded"
		return 1
	fi
	python3 "$KMSG" since "$seq" | grep -F -- "$msg" ||
		{ echo "no '$msg' in the kernel log"; return 1; }
	! grep -q '^rstmon ' /proc/modules
}
params_phase() {
	local arg
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
}

# rig-proof.sh's run: only the scripts that must make the rig report (below);
# everything else says it was left out.
proof=${RSTMON_RIG_PROOF:-0}
if [ "$proof" = 1 ]; then
	for p in module-params kunit kmemleak; do skipped "$p" "rig-proof run"; done
	for t in "$T"/tests/selftests/*.sh; do
		name=$(basename "$t" .sh)
		case $name in lib|demo|scenarios) continue ;; esac
		skipped "$name" "rig-proof run"
	done
elif skip_phase module-params; then
	skipped module-params "RSTMON_SKIP=$RSTMON_SKIP"
else
	phase_start module-params
	params_phase
	phase_end
fi

if [ "$proof" != 1 ]; then
	phase_start load
	check modprobe modprobe rstmon
	check proc-net-rstmon test -r /proc/net/rstmon
	phase_end
fi

# KUnit suites: loaded as a module; results read from debugfs (KTAP).
# Every suite of tests/kunit/*.c (the .name of each struct kunit_suite)
# must have run: a suite missing from debugfs fails by name.
kunit_expected() {
	awk '/struct kunit_suite [A-Za-z0-9_]+ = \{/ { want = 1; next }
	     want && match($0, /\.name = "[^"]+"/) {
		print substr($0, RSTART + 9, RLENGTH - 10); want = 0 }' \
		"$T"/tests/kunit/*.c
}
if [ "$proof" = 1 ]; then
	:
elif [ "$K" != uml ]; then
	skipped kunit "KUnit runs on the UML kernel only"
elif skip_phase kunit; then
	skipped kunit "RSTMON_SKIP=$RSTMON_SKIP"
else
	phase_start kunit
	if modprobe rstmon_kunit >> "$R/tests.log" 2>&1; then
		for suite in $(kunit_expected); do
			d=/sys/kernel/debug/kunit/$suite
			# debugfs files have no size: read to know.
			cp "$d/results" "$R/kunit-$suite.ktap" 2>/dev/null
			if [ ! -s "$R/kunit-$suite.ktap" ]; then
				notok "kunit/$suite" "did not run"
				continue
			fi
			# Case lines of the suite: "    ok N name [# SKIP why]"; the
			# suite's own line ("not ok N suite") catches a failing
			# suite_init.
			awk -v s="$suite" -v k="$K" '
				/^    (not )?ok [0-9]+ / {
					n = ($1 == "not") ? 3 : 2
					name = $(n + 1)
					if (match($0, /# SKIP.*/)) {
						why = substr($0, RSTART + 6); sub(/^ +/, "", why)
						print "ok - " k "/kunit/" s "/" name " # SKIP " \
							(why == "" ? "skipped by the case" : why)
						next
					}
					print (($1 == "not") ? "not ok" : "ok") " - " k "/kunit/" s "/" name
				}
				/^not ok [0-9]+ / { print "not ok - " k "/kunit/" s " # suite failed" }
				' "$R/kunit-$suite.ktap" >> "$TAP"
		done
		[ -n "$(kunit_expected)" ] || notok kunit "no struct kunit_suite found in tests/kunit/*.c"
		modprobe -r rstmon_kunit
	else
		notok kunit "modprobe rstmon_kunit failed"
	fi
	phase_end
fi

# make stress: the full sizes of the flood and churn tests, each script
# bounded by two hours instead of its own bound.
if [ "${RSTMON_STRESS:-}" = 1 ]; then
	export RSTMON_FLOOD_RST=1000000 RSTMON_FLOOD_SYN=1000000 RSTMON_SPOOF_N=200000
	RSTMON_STRESS_BOUND=7200
elif [ "$K" != uml ]; then
	# The emulated stock kernels run the floods at a quarter of make
	# check's size: every assertion still applies (the ring of 256 and
	# the table of 1024 overflow, the events group is rate-limited), and
	# the full size runs under KASAN in UML.
	export RSTMON_FLOOD_RST=5000 RSTMON_FLOOD_SYN=2000 RSTMON_FLOOD_RST_LIMITED=4000
fi

# Scenario tests.  Each prints "ok - NAME" / "not ok - NAME" lines; a
# script that exits non-zero without saying why fails as a whole; one that
# exits 4 is skipped, with the reason of its "# SKIP why" line.
run_script() {
	local t=$1 name out bound rc why
	name=$(basename "$t" .sh)
	out=$R/selftest-$name.log
	# Bounded per script; generous for the emulated stock kernel.  A script
	# that needs longer says so in a line "# time bound: SECONDS".
	bound=$(sed -n 's/^# time bound: \([0-9][0-9]*\)$/\1/p' "$t" | head -n 1)
	[ "${RSTMON_STRESS:-}" = 1 ] && bound=$RSTMON_STRESS_BOUND
	phase_start "$name"
	timeout --kill-after=5 "${bound:-1200}" setsid bash "$t" > "$out" 2>&1 < /dev/null
	rc=$?
	sed -n -e "s|^ok - |ok - $K/$name/|p" -e "s|^not ok - |not ok - $K/$name/|p" \
		"$out" >> "$TAP"
	if [ "$rc" -eq 4 ]; then
		why=$(sed -n 's/^# SKIP *//p' "$out" | head -n 1)
		if [ -n "$why" ]; then
			skipped "$name" "$why"
		else
			notok "$name" "exited 4 (skipped) without a '# SKIP why' line"
		fi
	elif [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$out"; then
		notok "$name" "exited $rc$( [ "$rc" -eq 124 ] && echo ' (timed out)')"
	fi
	phase_end
}
if [ "$proof" = 1 ]; then
	# provoke.sh loads a module that WARNs and inverts a lock order;
	# after.sh does nothing: its phase must stay clean and say lockdep is off.
	run_script "$T/tests/vm/rig-proof/provoke.sh"
	run_script "$T/tests/vm/rig-proof/after.sh"
else
	for t in "$T"/tests/selftests/*.sh; do
		name=$(basename "$t" .sh)
		case $name in lib|demo|scenarios) continue ;; esac
		if [ -n "${RSTMON_ONLY:-}" ]; then
			# Comma-separated substrings of the scripts to run.
			wanted=0
			for w in ${RSTMON_ONLY//,/ }; do [[ $name == *"$w"* ]] && wanted=1; done
			if [ "$wanted" = 0 ]; then
				skipped "$name" "not in RSTMON_ONLY=$RSTMON_ONLY"
				continue
			fi
		fi
		# make check leaves out, on sid's kernel, what the UML kernel
		# already ran through the same compat paths (tests/run.sh).
		if skip_phase "$name"; then
			skipped "$name" "left out of this kernel's run (RSTMON_SKIP, see make check's log)"
			continue
		fi
		run_script "$t"
	done
fi

phase_start final
if [ "$proof" != 1 ]; then
	check unload modprobe -r rstmon
	check unloaded sh -c '! grep -q "^rstmon " /proc/modules'

	# kmemleak: an object is reported only once it is older than
	# kmemleak's minimum age (5 s): wait that out, so the last script's
	# leaks count too, then scan twice and read.
	if [ -w /sys/kernel/debug/kmemleak ]; then
		sleep 6
		echo scan > /sys/kernel/debug/kmemleak
		echo scan > /sys/kernel/debug/kmemleak
		cat /sys/kernel/debug/kmemleak > "$R/kmemleak"
		if [ -s "$R/kmemleak" ]; then
			notok kmemleak "$(grep -m1 unreferenced "$R/kmemleak")"
		else
			ok kmemleak
		fi
	else
		skipped kmemleak "no kmemleak in this kernel"
	fi
fi
phase_end

# Kernel reports were checked phase by phase above; any taint beyond the
# out-of-tree (O), unsigned (E) and KUnit test (N) flags fails too.
dmesg > "$R/dmesg"
taint=$(cat /proc/sys/kernel/tainted)
allowed=$(( (1 << 12) | (1 << 13) | (1 << 18) | taint_boot ))
if [ $((taint & ~allowed)) -eq 0 ]; then
	ok kernel-taint
else
	notok kernel-taint "tainted=$taint (boot $taint_boot)"
fi
sync
touch "$R/done"
