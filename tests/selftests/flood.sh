#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Floods, sized for make check: 20000 RSTs of connections nobody has, and
# 5000 SYNs from as many spoofed sources into a table of 1024.  The RSTs
# allocate nothing and are counted exactly, the ring stays at its size,
# the events group keeps to its rate and counts the rest; the SYNs never
# grow the table past max_conns, are counted as untracked or evicted, and
# a connection established before both floods is still tracked and its
# reset still classified afterwards.
. "$(dirname "$0")/lib.sh"

FLOOD="python3 $(dirname "$0")/flood.py"
RAW="python3 $(dirname "$0")/nlraw.py"
CTL=$(cd "$(dirname "$0")/../.." && pwd)/userspace-ctl/rstmonctl
W=$(mktemp -d)
trap 'cleanup; rm -rf "$W"; modprobe -r rstmon; modprobe rstmon' EXIT
N_RST=20000 N_SYN=5000 RATE=100

modprobe -r rstmon && modprobe rstmon max_conns=1024 event_ring=256 || fail "load max_conns=1024"
add_ns a b
link a b 1
nsx b ip route add 10.77.0.0/16 via 10.1.0.1

# A connection from before the floods: one exchange, then it waits.
serve b reply-stall 10.1.0.2 8801
nsx a $KIT client pause 10.1.0.2 8801 "$W/p" > "$W/client" &
PIDS+=($!)
wait_until 10 test -e "$W/p.ready" || fail "the connection before the floods"

# --- RST flood ------------------------------------------------------------
rst0=$(counter b "rst ipv4" in)
unt0=$(counter b errors rst_untracked)
conns0=$(counter b table conns)
nsx b $RAW listen $RATE "$W/ready" > "$W/listen" &
PIDS+=($!)
lpid=$!
wait_until 10 test -e "$W/ready" || fail "listener joined the events group"
drop0=$(counter b events notify_dropped)
logged0=$(counter b events logged)
expect "RST flood: sent" "$(nsx a $FLOOD rst 10.1.0.2 $N_RST)" $N_RST
wait_until 60 sh -c "[ \"\$(ip netns exec $(ns b) cat /proc/net/rstmon | awk '\$1 == \"rst\" && \$2 == \"ipv4\"' |
	sed 's/.* in=\([0-9]*\).*/\1/')\" -ge $((rst0 + N_RST)) ]"
expect "RST flood: every RST counted, exactly" "$(counter b "rst ipv4" in)" $((rst0 + N_RST))
expect "RST flood: all of unknown connections" "$(counter b errors rst_untracked)" $((unt0 + N_RST))
expect "RST flood: no entry allocated" "$(counter b table conns)" "$conns0"
expect "RST flood: no allocation failed" "$(counter b table nomem)" 0
expect "RST flood: one event each" "$(counter b events logged)" $((logged0 + N_RST))
expect "RST flood: the ring stays at 256" "$(report b | grep -c '^event ')" 256
expect "RST flood: overwritten as counted" "$(counter b events overwritten)" \
	"$(($(counter b events logged) - 256))"
timeout 10 ip netns exec "$(ns b)" "$CTL" status > /dev/null && pass "RST flood: rstmonctl answers" ||
	fail "RST flood: rstmonctl answers"
wait "$lpid"
read -r _ delivered _ secs < "$W/listen"
dropped=$(( $(counter b events notify_dropped) - drop0 ))
echo "# events group: $delivered delivered in $secs s at $RATE/s, $dropped dropped"
bound=$(python3 -c "import math; print($RATE * (math.ceil($secs) + 1))")
[ "$delivered" -ge 1 ] && [ "$delivered" -le "$bound" ] &&
	pass "RST flood: events group kept to $RATE/s" ||
	fail "RST flood: events group kept to $RATE/s" "$delivered in $secs s"
expect "RST flood: delivered + dropped = all" "$((delivered + dropped))" $N_RST

# --- SYN flood ------------------------------------------------------------
seg0=$(counter b segments in)
expect "SYN flood: sent" "$(nsx a $FLOOD syn 10.1.0.2 $N_SYN 10.77)" $N_SYN
wait_until 60 sh -c "[ \"\$(ip netns exec $(ns b) cat /proc/net/rstmon | awk '\$1 == \"segments\"' |
	sed 's/.* in=\([0-9]*\).*/\1/')\" -ge $((seg0 + N_SYN)) ]"
total=$(counter b table total)
[ "$total" -le 1024 ] && pass "SYN flood: the table stayed within max_conns ($total)" ||
	fail "SYN flood: the table stayed within max_conns" "$total"
shed=$(( $(counter b table untracked) + $(counter b table evicted) ))
[ "$shed" -ge $((N_SYN - 1024)) ] && pass "SYN flood: the excess counted ($shed untracked or evicted)" ||
	fail "SYN flood: the excess counted" "$shed"
st=$(ip netns exec "$(ns b)" "$CTL" -j conns --port 8801 | json 'd["state"]' 2>/dev/null)
expect "SYN flood: the earlier connection is still tracked" "$st" established

# Its reset, after both floods: the server goes with the client's data
# unread.
touch "$W/p.go"
wait_until 10 sh -c "[ \"\$(ip netns exec $(ns b) ss -Htn state established '( sport = :8801 )' |
	awk '{ print \$1 }')\" -gt 0 ]" || fail "the client's data arrived"
pkill -f "server reply-stall 10.1.0.2 8801"
expect_event "after the floods: its reset classified" b 8801 out local unread-data
finish
