#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The family under raw requests (nlraw.py packs every byte): malformed
# requests are refused with an errno and an extack message and change
# nothing; an events dump spans many messages without a gap; a dump whose
# events were overwritten meanwhile says NLM_F_DUMP_INTR; the events group
# keeps to its rate and counts what it drops; and the namespace's settings
# (ring size, families, notification rate, idle threshold) act at once.
. "$(dirname "$0")/lib.sh"

RAW="python3 $(dirname "$0")/nlraw.py"
# run_raw NS MODE ARGS...: its TAP lines pass through; a crash counts too.
run_raw() {
	local n=$1
	shift
	nsx "$n" $RAW "$@" || FAILED=$((FAILED + 1))
}

add_ns a b c
link a b 1
link c b 2

# b refuses on 8309: every connect from a is one RST in each namespace.
run_raw a malformed
run_raw a dump 10.1.0.2 8309 300
run_raw a intr 10.1.0.2 8309
expect "intr: /proc says ring=16" "$(counter a events ring)" 16
run_raw c ratelimit 10.2.0.2 8309 30 5
expect "ratelimit: /proc's config line" "$(report c | sed -n 's/^config .*\(notify_rate=[0-9]*\).*/\1/p')" \
	notify_rate=5

# The ring: shrinking keeps the newest events with their ids, growing keeps
# them all (a again: it logged 356; the ring now holds 16).
last=$(counter a events logged)
nsx a $RAW set event-ring 1024 > /dev/null || fail "set event-ring 1024"
expect "ring: grown to 1024" "$(counter a events ring)" 1024
ids=$(report a | awk '$1 == "event" { sub("id=", "", $2); print $2 }' | sort -n | sed -n '1p;$p' | xargs)
expect "ring: growing kept the same 16 events" "$ids" "$((last - 15)) $last"
expect "ring: overwritten as /proc says" "$(counter a events overwritten)" "$((last - 16))"
out=$(tcp_connect a 10.1.0.2 8309)
expect "ring: one more refused" "$out" ECONNREFUSED
expect "ring: 17 events now" "$(report a | grep -c '^event ')" 17

# Families: with IPv6 off, an IPv6 RST is not seen and not counted; IPv4
# still is; back on, IPv6 is seen again.
nsx a $RAW set ipv6 0 > /dev/null || fail "set ipv6 0"
expect "ipv6 off: /proc's config line" "$(report a | sed -n 's/^config \(ipv4=[01] ipv6=[01]\).*/\1/p')" \
	"ipv4=1 ipv6=0"
seg6=$(counter a "rst ipv6" in)
out=$(tcp_connect a fd00:1::2 8309)
expect "ipv6 off: refused" "$out" ECONNREFUSED
same "ipv6 off: no IPv6 RST counted" "$(counter a "rst ipv6" in)" "$seg6"
expect "ipv6 off: no event" "$(report a | grep -c '^event .*fd00:1::2')" 0
n4=$(counter a "rst ipv4" in)
out=$(tcp_connect a 10.1.0.2 8309)
expect "ipv6 off: IPv4 still counted" "$(counter a "rst ipv4" in)" "$((n4 + 1))"
expect "ipv6 off: b (its own setting) saw the IPv6 one" "$(report b | grep -c '^event .*fd00:1::2')" 1
nsx a $RAW set ipv6 1 > /dev/null || fail "set ipv6 1"
out=$(tcp_connect a fd00:1::2 8309)
expect "ipv6 on again: counted" "$(counter a "rst ipv6" in)" "$((seg6 + 1))"
expect "ipv6 on again: an event" "$(report a | grep -c '^event .*fd00:1::2')" 1

# Settings are the namespace's: a's idle threshold moves, b's and the
# module parameter's do not.
P=/sys/module/rstmon/parameters/idle_threshold
param=$(cat $P)
nsx a $RAW set idle-threshold 42 > /dev/null || fail "set idle-threshold 42"
expect "idle: a's is 42" "$(counter a events idle_threshold)" 42
same "idle: b's is still the parameter" "$(counter b events idle_threshold)" "$param"
same "idle: the parameter unchanged" "$(cat $P)" "$param"

# No autoload: resolving a family name is open to any user, and loading
# rstmon hooks every packet of every namespace, so the module has no
# family alias; with rstmon unloaded, asking for the family by name (as an
# unprivileged user would) fails and leaves it unloaded.
cleanup
NSES=() PIDS=()
case $(modinfo -F alias rstmon) in
*net-pf-16-proto-16-family-rstmon*) fail "no autoload: the module has no family alias" \
	"$(modinfo -F alias rstmon)" ;;
*) pass "no autoload: the module has no family alias" ;;
esac
# (Only a module that was unloaded can prove it stays unloaded.)
if ! modprobe -r rstmon || [ -d /sys/module/rstmon ]; then
	fail "no autoload: rstmon unloaded first"
	modprobe rstmon
	finish
fi
if setpriv --reuid=65534 --regid=65534 --clear-groups python3 -c \
	"import sys; sys.path.insert(0, '$(dirname "$0")'); import nlraw; nlraw.Genl()" 2>/dev/null; then
	fail "no autoload: the family does not resolve"
else
	pass "no autoload: the family does not resolve"
fi
[ -d /sys/module/rstmon ] && fail "no autoload: rstmon still unloaded" ||
	pass "no autoload: rstmon still unloaded"
# The administrator's way, and the state the next scripts expect.
modprobe rstmon && pass "modprobe loads it again" || fail "modprobe loads it again"
finish
