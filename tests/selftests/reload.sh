#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unload and reload rstmon five times while TCP traffic flows between two
# namespaces (a bulk iperf3 stream and a stream of refused connects), so
# hooks are removed and added under load.  The kernel log is checked for
# reports by the rig after all tests.
. "$(dirname "$0")/lib.sh"

command -v iperf3 >/dev/null || skip "iperf3 not installed"
grep -q '^rstmon ' /proc/modules || { fail "rstmon loaded before the test"; finish; }

add_ns cli srv
link cli srv 1

LOGD=$(mktemp -d)
nsx srv iperf3 -s -1 -p 5201 > "$LOGD/server" 2>&1 &
PIDS+=($!)
wait_until 10 nsx srv sh -c 'ss -ltn | grep -q :5201' || fail "iperf3 server listening"
nsx cli iperf3 -c 10.1.0.2 -p 5201 -t 60 > "$LOGD/client" 2>&1 &
PIDS+=($!)
nsx cli bash -c 'for i in $(seq 1 20000); do (exec 3<>/dev/tcp/10.1.0.2/9) 2>/dev/null; done' &
PIDS+=($!)
if ! wait_until 20 nsx srv sh -c 'ss -tn state established | grep -q :5201'; then
	fail "iperf3 stream established"
	nsx srv ss -tan; cat "$LOGD/server" "$LOGD/client"
fi

# sees_traffic: srv's report reads, and counts segments in (a report that
# cannot be read, or has no such line, is no traffic seen).
sees_traffic() {
	local n
	n=$(counter srv segments in)
	[ -n "$n" ] && [ "$n" -gt 0 ]
}
for i in 1 2 3 4 5; do
	if ! modprobe -r rstmon; then fail "unload $i under traffic"; continue; fi
	if grep -q '^rstmon ' /proc/modules; then fail "unload $i left the module"; fi
	if ! modprobe rstmon; then fail "reload $i under traffic"; continue; fi
	# The fresh module sees the ongoing traffic in the existing namespace.
	if wait_until 10 sees_traffic; then
		pass "cycle $i: reloaded module sees traffic"
	else
		fail "cycle $i: reloaded module sees traffic" "segments in=$(counter srv segments in)"
	fi
done
if nsx srv sh -c 'ss -tn state established | grep -q :5201'; then
	pass "iperf3 stream survived the reloads"
else
	fail "iperf3 stream survived the reloads"
	nsx srv ss -tan; cat "$LOGD/server" "$LOGD/client"
fi
rm -rf "$LOGD"
finish
