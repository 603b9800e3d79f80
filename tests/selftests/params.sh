#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# idle_threshold is a runtime setting: a valid value takes effect in every
# namespace's report, a bad one is refused with the reason and changes
# nothing.
. "$(dirname "$0")/lib.sh"

P=/sys/module/rstmon/parameters/idle_threshold
add_ns a
old=$(cat $P)
if echo 42 > $P; then pass "idle_threshold=42 accepted"; else fail "idle_threshold=42 accepted"; fi
expect "report shows idle_threshold=42" "$(counter a events idle_threshold)" 42
dmesg -C
if echo 0 > $P 2>/dev/null; then fail "idle_threshold=0 refused"; else pass "idle_threshold=0 refused"; fi
if echo abc > $P 2>/dev/null; then fail "idle_threshold=abc refused"; else pass "idle_threshold=abc refused"; fi
expect "value unchanged after refusals" "$(cat $P)" 42
dmesg | grep -q "idle_threshold=0 is out of range: it must be 1..604800" &&
	pass "the reason is in the kernel log" || fail "the reason is in the kernel log"
echo "$old" > $P
expect "restored" "$(cat $P)" "$old"
finish
