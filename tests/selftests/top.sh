#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# time bound: 480
#
# rstmonctl top and the table view, in a terminal (issue 21, "finding the
# event"): top runs in a tmux pane of 120x40 in the server's namespace;
# K refused connects to a closed port and L linger-aborts are provoked;
# the screen (tmux capture-pane) must show the rows local/refused with
# total K and local/linger-abort with total L, the refused port as the
# busiest local port; q quits, and the terminal is given back (the main
# screen, canonical mode and echo again).  Off a terminal top prints plain
# snapshots.  events on a terminal prints the table; piped, the line of
# /proc/net/rstmon.
#
# Once, on the UML debug kernel: the views are rstmonctl's own, over
# events whose classification other scripts check on every kernel.
. "$(dirname "$0")/lib.sh"

uml_only "rstmonctl top and the table view"

need_ctl
command -v tmux > /dev/null || { fail "tmux is installed (tests/run.sh need_pkgs)"; finish; }

W=$(mktemp -d)
TM=(tmux -f /dev/null -S "$W/tmux.sock")
trap '"${TM[@]}" kill-server 2> /dev/null; cleanup; rm -rf "$W"' EXIT
export TERM=xterm HOME=${HOME:-/root}

K=3
L=2
RPORT=8801
LPORT=8802

add_ns cli srv
link cli srv 1

# screen SESSION: what the pane shows now.
screen() { "${TM[@]}" capture-pane -p -t "$1" 2> /dev/null; }
# shows SESSION ERE: the pane shows a line matching ERE.
shows() { screen "$1" | grep -Eq "$2"; }
# dump SESSION: the pane, as TAP comments.
dump() { screen "$1" | sed 's/^/#   | /'; }

# --- top in a terminal -------------------------------------------------------
cat > "$W/top.sh" <<SH
ip netns exec $(ns srv) $CTL top -i 1
echo "top exited rc=\$?"
stty -a | tr ' ;' '\n\n' | grep -x -- '-*icanon\|-*echo'
sleep 120
SH
"${TM[@]}" new-session -d -s top -x 120 -y 40 "sh $W/top.sh"
if wait_until 15 shows top '^rstmonctl top - namespace \(own\) \(netns [0-9]+\) - every 1s'; then
	pass "top: the screen's header"
else
	fail "top: the screen's header"
	dump top
fi
expect "top: no resets yet" "$(screen top | grep -c '^(no resets yet)')" 1

for i in $(seq "$K"); do
	expect "refused connect $i to $RPORT" "$(tcp_connect cli 10.1.0.2 "$RPORT")" ECONNREFUSED
done
for i in $(seq "$L"); do
	serve srv linger 10.1.0.2 "$LPORT"
	expect "linger-abort $i on $LPORT: the client reads the RST" \
		"$(nsx cli $KIT client read-wait 10.1.0.2 "$LPORT")" ECONNRESET
	stop "${PIDS[-1]}"
done

row() { printf '^%-9s %-16s +[0-9]+\\.[0-9] +%s$' "$1" "$2" "$3"; }
if wait_until 20 shows top "$(row local refused "$K")"; then
	pass "top: the row local refused, total $K"
else
	fail "top: the row local refused, total $K"
	dump top
fi
if wait_until 20 shows top "$(row local linger-abort "$L")"; then
	pass "top: the row local linger-abort, total $L"
else
	fail "top: the row local linger-abort, total $L"
	dump top
fi
# The busiest local port: the refused one ($K > $L) once the rates are
# those of an interval without resets (all 0.0).
busiest() { screen top | grep -A1 '^LOCAL PORT ' | tail -n 1; }
first_port() { busiest | grep -Eq "^$RPORT +0\\.0 +$K\$"; }
if wait_until 20 first_port; then
	pass "top: the busiest local port is $RPORT, total $K"
else
	fail "top: the busiest local port is $RPORT, total $K" "$(busiest)"
	dump top
fi
if screen top | grep -A2 '^LOCAL PORT ' | grep -Eq "^$LPORT +[0-9.]+ +$L\$"; then
	pass "top: then $LPORT, total $L"
else
	fail "top: then $LPORT, total $L"
	dump top
fi
if screen top | grep -A1 '^PEER ' | grep -Eq "^10\\.1\\.0\\.1 +[0-9.]+ +$((K + L))\$"; then
	pass "top: the busiest peer is the client, total $((K + L))"
else
	fail "top: the busiest peer is the client, total $((K + L))"
	dump top
fi
if screen top | grep -Eq "since start: in 0 out $((K + L)) fwd 0\$"; then
	pass "top: the counters since start: out $((K + L))"
else
	fail "top: the counters since start: out $((K + L))"
	dump top
fi

echo "# the screen of top:"
dump top
"${TM[@]}" send-keys -t top q
if wait_until 10 shows top '^top exited rc=0$'; then
	pass "top: q quits, exit 0"
else
	fail "top: q quits, exit 0"
	dump top
fi
wait_until 5 shows top '^-*echo$'
expect "top: the main screen is back (top's screen is gone)" \
	"$(screen top | grep -c '^rstmonctl top - namespace')" 0
expect "top: the terminal's modes are back (canonical, echo)" \
	"$(screen top | grep -Ex -- '-*(icanon|echo)' | tr '\n' ' ')" "icanon echo "

# --- top off a terminal: plain snapshots ---------------------------------------
timeout --preserve-status -s INT 3.5 ip netns exec "$(ns srv)" "$CTL" top -i 1 > "$W/top.txt" 2> "$W/top.err"
rc=$?
expect "top piped: ends on SIGINT, exit 0, silent" "$rc/$(cat "$W/top.err")" "0/"
n=$(grep -c '^rstmonctl top - namespace' "$W/top.txt")
if [ "$n" -ge 2 ] && [ "$n" -le 5 ]; then
	pass "top piped: one snapshot per second ($n in 3.5 s)"
else
	fail "top piped: one snapshot per second ($n in 3.5 s)"
fi
expect "top piped: no escape sequences" "$(grep -c $'\033' "$W/top.txt")" 0
expect "top piped: a new top starts from nothing" "$(grep -c '^(no resets yet)' "$W/top.txt")" "$n"

# --- the table view ---------------------------------------------------------
cat > "$W/events.sh" <<SH
ip netns exec $(ns srv) $CTL events
echo "events exited rc=\$?"
sleep 120
SH
"${TM[@]}" new-session -d -s ev -x 120 -y 40 "sh $W/events.sh"
wait_until 10 shows ev '^events exited rc=' || fail "events in a terminal: it ended"
echo "# events in a terminal:"
dump ev
expect "events in a terminal: exit 0" "$(screen ev | sed -n 's/^events exited rc=//p')" 0
expect "events in a terminal: the table's header" \
	"$(screen ev | grep -Ec '^TIME +DIR +SENDER +CAUSE +CONF +SRC +DST +STATE +SILENCE$')" 1
tr='^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} out local +'
expect "events in a terminal: $K refused rows from $RPORT" \
	"$(screen ev | grep -Ec "${tr}refused +[a-z]+ +10\\.1\\.0\\.2:$RPORT +-> 10\\.1\\.0\\.1:[0-9]+ +")" "$K"
expect "events in a terminal: $L linger-abort rows from $LPORT" \
	"$(screen ev | grep -Ec "${tr}linger-abort +[a-z]+ +10\\.1\\.0\\.2:$LPORT +-> 10\\.1\\.0\\.1:[0-9]+ +established +[0-9]")" "$L"
proc=$(report srv | grep -c '^event ')
expect "events in a terminal: a row per event of /proc/net/rstmon" \
	"$(screen ev | grep -Ec '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} ')" "$proc"

"$CTL" -n "$(ns srv)" events > "$W/lines" 2>&1
same "events piped: the lines of /proc/net/rstmon, byte for byte" \
	"$(cat "$W/lines")" "$(report srv | grep '^event ')"
"$CTL" -n "$(ns srv)" events -o table > "$W/table" 2>&1
expect "events -o table piped: the header, then a row per event" \
	"$(head -n 1 "$W/table" | grep -Ec '^TIME +DIR +SENDER')/$(($(wc -l < "$W/table") - 1))" "1/$proc"
"$CTL" -n "$(ns srv)" events -o table -w > "$W/wide" 2>&1
expect "events -o table -w: ISO 8601 times with the zone" \
	"$(grep -Ec '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}[+-][0-9]{2}:[0-9]{2} ' "$W/wide")" "$proc"

finish
