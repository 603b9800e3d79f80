#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# idle_threshold, syn_timeout and untracked_rst_rate are runtime settings:
# a valid value takes effect (in every namespace's report), a bad one is
# refused with the reason and changes nothing; at load, a bad value
# refuses the load.
. "$(dirname "$0")/lib.sh"
# The kernel log from a record on, by number (never "dmesg -C": that would
# hide the rig's own reading of this script's messages).
KMSG=$(dirname "$0")/../vm/kmsg.py

P=/sys/module/rstmon/parameters/idle_threshold
add_ns a
old=$(cat $P)
if echo 42 > $P; then pass "idle_threshold=42 accepted"; else fail "idle_threshold=42 accepted"; fi
expect "report shows idle_threshold=42" "$(counter a events idle_threshold)" 42
seq=$(python3 "$KMSG" seq "rstmon-rig: params: idle_threshold refusals")
if echo 0 > $P 2>/dev/null; then fail "idle_threshold=0 refused"; else pass "idle_threshold=0 refused"; fi
if echo abc > $P 2>/dev/null; then fail "idle_threshold=abc refused"; else pass "idle_threshold=abc refused"; fi
expect "value unchanged after refusals" "$(cat $P)" 42
python3 "$KMSG" since "$seq" | grep -q "idle_threshold=0 is out of range: it must be 1..604800" &&
	pass "the reason is in the kernel log" || fail "the reason is in the kernel log"
echo "$old" > $P
expect "restored" "$(cat $P)" "$old"

S=/sys/module/rstmon/parameters/syn_timeout
expect "syn_timeout defaults to 120 s" "$(cat $S)" 120
seq=$(python3 "$KMSG" seq "rstmon-rig: params: syn_timeout refusals")
for bad in 0 3601 -1 x; do
	if echo "$bad" > $S 2>/dev/null; then fail "syn_timeout=$bad refused"; else pass "syn_timeout=$bad refused"; fi
done
python3 "$KMSG" since "$seq" | grep -q "syn_timeout=3601 is out of range: it must be 1..3600" &&
	pass "syn_timeout: the reason is in the kernel log" || fail "syn_timeout: the reason is in the kernel log"
expect "syn_timeout unchanged after refusals" "$(cat $S)" 120
if echo 3600 > $S; then pass "syn_timeout=3600 accepted"; else fail "syn_timeout=3600 accepted"; fi
echo 120 > $S

# untracked_rst_rate: 0 (no limit) or 1..1000000, default 1000.
U=/sys/module/rstmon/parameters/untracked_rst_rate
expect "untracked_rst_rate defaults to 1000" "$(cat $U)" 1000
seq=$(python3 "$KMSG" seq "rstmon-rig: params: untracked_rst_rate refusals")
for bad in 1000001 -1 x; do
	if echo "$bad" > $U 2>/dev/null; then fail "untracked_rst_rate=$bad refused"; else pass "untracked_rst_rate=$bad refused"; fi
done
python3 "$KMSG" since "$seq" | grep -q "untracked_rst_rate=1000001 is out of range: it must be 0 (no limit) or 1..1000000" &&
	pass "untracked_rst_rate: the reason is in the kernel log" ||
	fail "untracked_rst_rate: the reason is in the kernel log"
expect "untracked_rst_rate unchanged after refusals" "$(cat $U)" 1000
for good in 0 1000000 50; do
	if echo "$good" > $U; then pass "untracked_rst_rate=$good accepted"; else fail "untracked_rst_rate=$good accepted"; fi
done
expect "untracked_rst_rate reads back" "$(cat $U)" 50
echo 1000 > $U
# At load: out of range, the load is refused with the reason.
seq=$(python3 "$KMSG" seq "rstmon-rig: params: untracked_rst_rate at load")
modprobe -r rstmon || fail "unload rstmon"
if modprobe rstmon untracked_rst_rate=1000001 2>/dev/null; then
	fail "load with untracked_rst_rate=1000001 refused"
	modprobe -r rstmon
else
	pass "load with untracked_rst_rate=1000001 refused"
fi
python3 "$KMSG" since "$seq" | grep -q "untracked_rst_rate=1000001 is out of range" &&
	pass "untracked_rst_rate at load: the reason is in the kernel log" ||
	fail "untracked_rst_rate at load: the reason is in the kernel log"
if modprobe rstmon untracked_rst_rate=0; then pass "load with untracked_rst_rate=0"; else fail "load with untracked_rst_rate=0"; fi
expect "untracked_rst_rate=0 at load reads back" "$(cat $U 2>/dev/null)" 0
modprobe -r rstmon && modprobe rstmon || fail "reload rstmon with its defaults"
expect "untracked_rst_rate default after reload" "$(cat $U 2>/dev/null)" 1000

# Loaded without max_conns, the limit scales to this machine's memory as
# nf_conntrack's does: one entry per 128 KiB, 65536 above 1 GiB, 262144
# above 4 GiB (64-bit), never below 1024.
kib=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
if [ "$kib" -gt $((4 << 20)) ] && [ "$(getconf LONG_BIT)" = 64 ]; then want=262144
elif [ "$kib" -gt $((1 << 20)) ]; then want=65536
else want=$((kib / 128)); [ "$want" -lt 1024 ] && want=1024
fi
expect "max_conns default for ${kib} KiB of RAM" \
	"$(cat /sys/module/rstmon/parameters/max_conns)" "$want"
expect "report shows the same limit" "$(counter a table limit)" "$want"
finish
