#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection: failslab with /proc/thread-self/fail-nth fails the 1st,
# 2nd, ... slab allocation of one operation, until the operation runs
# without reaching the fault (failnth.py): module load, namespace init,
# entry creation, event logging, every command of the netlink family and a
# read of /proc/net/rstmon.  Every failure is returned as a clear error or
# counted by rstmon, the system keeps working, and nothing leaks
# (kmemleak).  Where the kernel's own error paths have bugs (6.12: a failed
# kmem_cache_create() leaks, a failed fib4_rules_init() walks an RCU list
# unlocked), failnth.py keeps its faults out of them with a trace of the
# operation's allocations.  Needs CONFIG_FAILSLAB,
# CONFIG_FAULT_INJECTION_DEBUG_FS and CONFIG_EVENT_TRACING (the UML debug
# kernel); skipped elsewhere.
. "$(dirname "$0")/lib.sh"

FS=/sys/kernel/debug/failslab
[ -d "$FS" ] || skip "no $FS (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)"
[ -e /proc/thread-self/fail-nth ] || skip "no /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION_DEBUG_FS)"
[ -d /sys/kernel/tracing/events/kmem ] || skip "no kmem trace events (CONFIG_EVENT_TRACING, tracefs)"
grep -q '^rstmon ' /proc/modules || { fail "rstmon loaded before the test"; finish; }

FN="python3 $(dirname "$0")/failnth.py"
KO=$(modinfo -n rstmon)
# Every rstmon allocation within one slab object (so failslab reaches it):
# a hash table of 1024 buckets, rings of 16 events.
PARAMS="max_conns=1024 event_ring=16"
KMEMLEAK=/sys/kernel/debug/kmemleak
TRACE=/sys/kernel/tracing

old_wait=$(cat $FS/ignore-gfp-wait)
old_verbose=$(cat $FS/verbose)
restore() {
	echo "$old_wait" > $FS/ignore-gfp-wait
	echo "$old_verbose" > $FS/verbose
	# failnth.py's trace events, should it have stopped midway.
	for e in kmem/kmalloc kmem/kmem_cache_alloc percpu/percpu_alloc_percpu percpu/percpu_free_percpu; do
		echo 0 > $TRACE/events/$e/enable
	done 2>/dev/null
	cleanup
	# The harness's rstmon, with its default parameters, loaded again.
	if [ "$(cat /sys/module/rstmon/parameters/event_ring 2>/dev/null)" != 1024 ]; then
		modprobe -r rstmon 2>/dev/null
		modprobe rstmon
	fi
}
trap restore EXIT

# Sleeping allocations too (failslab skips them by default), and no stack
# dump per injected fault: those would read as reports in the kernel log.
echo N > $FS/ignore-gfp-wait
echo 0 > $FS/verbose
[ -w "$KMEMLEAK" ] && echo clear > "$KMEMLEAK"

# run NAME CMD...: a sweep's TAP lines pass through; a crash counts too.
run() {
	local name=$1 rc
	shift
	"$@"
	rc=$?
	[ "$rc" -eq 0 ] || { FAILED=$((FAILED + 1)); echo "# $name exited $rc"; }
}

# Module load: other namespaces exist, so the pernet init runs (and
# unwinds) across more than one.
add_ns a b c d
ip netns exec "$(ns a)" sleep 1000 &
sleeper=$!
PIDS+=("$sleeper")
wait_until 5 sh -c "[ \"\$(readlink /proc/$sleeper/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]"
modprobe -r rstmon || { fail "rstmon unloads before the sweep"; finish; }
run load $FN load "$KO" "$PARAMS" "$sleeper"
if modprobe rstmon $PARAMS; then
	pass "modprobe after the load sweep"
else
	fail "modprobe after the load sweep"
	finish
fi
expect "a namespace made before the load has its report" "$(counter a table limit)" 1024

run netns $FN netns

run connect4 nsx a $FN connect 127.0.0.1 8401
run connect6 nsx a $FN connect ::1 8402
run abort4 nsx a $FN abort 127.0.0.1 8403
run abort6 nsx a $FN abort ::1 8404
run netlink nsx a $FN netlink 127.0.0.1 8405
run proc nsx a $FN proc

# Still working: a refused connect is logged, and the family answers.
n=$(counter a "rst ipv4" out)
expect "after the sweeps: a refused connect" "$(tcp_connect a 127.0.0.1 9)" ECONNREFUSED
expect "after the sweeps: its RST counted" "$(counter a "rst ipv4" out)" $((n + 1))
if nsx a python3 "$(dirname "$0")/nlraw.py" set idle-threshold 300; then
	pass "after the sweeps: a setting through netlink"
else
	fail "after the sweeps: a setting through netlink"
fi
expect "after the sweeps: idle_threshold" "$(counter a events idle_threshold)" 300

cleanup
NSES=() PIDS=()
if modprobe -r rstmon && ! grep -q '^rstmon ' /proc/modules; then
	pass "unload after the sweeps"
else
	fail "unload after the sweeps"
fi
unloaded=$SECONDS

# kmemleak reports objects at least 5 s old: scan once they are.
if [ -w "$KMEMLEAK" ]; then
	while [ $((SECONDS - unloaded)) -lt 6 ]; do sleep 0.5; done
	echo scan > "$KMEMLEAK"
	echo scan > "$KMEMLEAK"
	leaks=$(cat "$KMEMLEAK")
	if [ -n "$leaks" ]; then
		fail "kmemleak: nothing leaked" "$(echo "$leaks" | grep -c unreferenced) objects"
		echo "$leaks" | head -n 80 | sed 's/^/# /'
	else
		pass "kmemleak: nothing leaked"
	fi
fi

echo "$old_wait" > $FS/ignore-gfp-wait
echo "$old_verbose" > $FS/verbose
modprobe rstmon
own_rstmon_back
echo "# $SECONDS s"
finish
