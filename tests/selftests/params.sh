#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# idle_threshold and syn_timeout are runtime settings: a valid value takes
# effect (in every namespace's report), a bad one is refused with the
# reason and changes nothing.
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
