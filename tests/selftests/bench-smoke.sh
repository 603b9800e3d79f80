#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark module (tests/bench/rstmon_bench.c, "make bench") on tiny
# sizes, so it cannot rot: it finds rstmon's hook, drives it and
# nf_conntrack_in() on the same skbs, and reports every figure; the
# connections it set up are then in rstmon's table of init_net.  No
# timing is checked here.
. "$(dirname "$0")/lib.sh"

KO=${RSTMON_KO:-}
[ -e "$KO/rstmon_bench.ko" ] || skip "no rstmon_bench.ko next to rstmon.ko"
trap 'cleanup; modprobe -r rstmon; modprobe rstmon' EXIT

# Every RST the bench sends is of no connection: untracked_rst_rate=0 logs
# them all (the default would log 1000 a second and count the rest).
modprobe -r rstmon && modprobe rstmon untracked_rst_rate=0 || fail "reload rstmon"
# The bench's own lines, from a record on by number (never "dmesg -C": that
# would hide the rig's own reading of this script's messages).
seq=$(python3 "$(dirname "$0")/../vm/kmsg.py" seq "rstmon-rig: bench-smoke: insmod") ||
	fail "kernel log record number"
sockpath() { counter_in socket_path segments < /proc/net/rstmon; }
# evc KEY: init_net's events counter KEY.
evc() { counter_in events "$1" < /proc/net/rstmon; }
sp0=$(sockpath)
insmod "$KO/rstmon_bench.ko" sizes=200,600 rounds=5 segs=300 2>/dev/null
rc=$?
sp1=$(sockpath)
expect "insmod ends with ECANCELED (nothing stays loaded)" "$rc" 1
klog=$(python3 "$(dirname "$0")/../vm/kmsg.py" since "${seq:-0}")
log=$(echo "$klog" | sed -n 's/.*rstmon_bench: //p')
echo "$log" | sed 's/^/# /'
expect "it ran to the end" "$(echo "$log" | grep -c '^DONE$')" 1
# timed KIND FIG WHAT REGEX: the line "KIND FIG ..." is there and matches REGEX.
timed() {
	local line
	line=$(echo "$log" | grep "^$1 $2 ")
	if [ -n "$line" ] && echo "$line" | grep -Eq "$4"; then
		pass "$2: $3 timed"
	else
		fail "$2: $3 timed" "${line:-missing}"
	fi
}
for fig in "syn-create size=200" "syn-create size=600" "data-established size=200" \
	   "data-established size=600" "data-forwarded size=200" "data-forwarded size=600" \
	   "data-socket size=200" "data-socket size=600" "data-socket-stale size=200" \
	   "rst-tracked size=600" \
	   "rst-unknown size=600" "udp-not-tcp size=1000"; do
	timed RESULT "$fig" "rstmon and conntrack" \
		'rstmon_med=[0-9]+ .*ct_med=[0-9]+ .*ratio_milli=[0-9]+$'
done
# The floors: a random read over each size's footprint, and the hash.
for fig in "floor-read size=200" "floor-read size=600" "floor-hash size=0"; do
	timed FLOOR "$fig" "the floor" 'med=[0-9]+ min=[0-9]+ max=[0-9]+$'
done
# data-socket's segments, 5 rounds of 300 at each of the two sizes, took
# the socket path (its socket in steady state); data-socket-stale's did not.
[ "$((${sp1:-0} - ${sp0:-0}))" -ge $((2 * 5 * 300)) ] &&
	pass "data-socket took the socket path ($((${sp1:-0} - ${sp0:-0})) segments)" ||
	fail "data-socket took the socket path" "socket_path segments ${sp0:-?} -> ${sp1:-?}"
expect "rstmon never changed a verdict" "$(echo "$klog" | grep -c 'rstmon returned')" 0
# The 600 connections it made and the real loopback connection of its
# socket pair (data-socket, closed in order: no RST), plus the unknown
# RSTs' events in the ring.
expect "rstmon tracks the 600 connections and the socket pair's in init_net" "$(counter_in table conns < /proc/net/rstmon)" 601
logged=$(evc logged)
# rst-tracked: 5 rounds of 120 (600 / 5); rst-unknown: 5 rounds of 300.
expect "every RST the bench sent was logged" "$logged" $((5 * 120 + 5 * 300))

# rst_flood=1: only rst-unknown-limited, with untracked_rst_rate back at
# a limit.  At 100 a second and CPU, 5 rounds of 300 RSTs log at most 100
# per second they span and CPU (and at least one), and count the rest as
# rst_unlogged.
echo 100 > /sys/module/rstmon/parameters/untracked_rst_rate || fail "untracked_rst_rate=100"
seq=$(python3 "$(dirname "$0")/../vm/kmsg.py" seq "rstmon-rig: bench-smoke: insmod rst_flood") ||
	fail "kernel log record number"
l0=$(evc logged) u0=$(evc rst_unlogged) t0=$SECONDS
insmod "$KO/rstmon_bench.ko" sizes=200,600 rounds=5 segs=300 rst_flood=1 2>/dev/null
expect "rst_flood: insmod ends with ECANCELED" "$?" 1
secs=$((SECONDS - t0 + 1))
log=$(python3 "$(dirname "$0")/../vm/kmsg.py" since "${seq:-0}" | sed -n 's/.*rstmon_bench: //p')
echo "$log" | sed 's/^/# /'
timed RESULT "rst-unknown-limited size=600" "rstmon and conntrack" \
	'rstmon_med=[0-9]+ .*ct_med=[0-9]+ .*ratio_milli=[0-9]+$'
expect "rst_flood: only that figure" "$(echo "$log" | grep -c '^RESULT ')" 1
nl=$(($(evc logged) - l0)) nu=$(($(evc rst_unlogged) - u0)) cpus=$(nproc)
[ "$nl" -ge 1 ] && [ "$nl" -le $((100 * secs * cpus)) ] &&
	pass "rst_flood: $nl of its RSTs logged in ${secs} s (at most 100/s on $cpus CPUs)" ||
	fail "rst_flood: at most 100/s and CPU logged" "$nl in $secs s on $cpus CPUs"
expect "rst_flood: the rest counted as rst_unlogged" "$((nl + nu))" $((5 * 300))
finish
