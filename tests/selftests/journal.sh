#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rstmonctl watch --journal: what libsystemd sends for a real reset, field
# by field, read by a stand-in for journald (journal-listen.py on
# /run/systemd/journal/socket: no systemd runs in the guest); the limiter
# (--rate) accounts for every event, sent or suppressed; and
# "modprobe -r rstmon" ends the watch with status 0 (so that the unit's
# Restart=on-failure leaves it stopped), then rstmon is loaded again.
#
# Once, on the UML debug kernel: the fields are rstmonctl's.
# time bound: 480
. "$(dirname "$0")/lib.sh"

uml_only "rstmonctl watch --journal"
need_ctl

SOCK=/run/systemd/journal/socket
[ -e "$SOCK" ] && skip "$SOCK exists: a journald runs here"
W=$(mktemp -d)
J=$W/journal
LISTEN=
end_listener() {
	[ -n "$LISTEN" ] && kill "$LISTEN" 2>/dev/null && wait "$LISTEN" 2>/dev/null
	rm -f "$SOCK"
	rmdir /run/systemd/journal /run/systemd 2>/dev/null
	rm -rf "$W"
	cleanup
}
trap end_listener EXIT
python3 "$(dirname "$0")/journal-listen.py" "$SOCK" "$J" &
LISTEN=$!
wait_until 10 test -s "$J.ready" || { fail "the journal stand-in listens"; finish; }

add_ns a b
link a b 1
NETNS=$(stat -L -c %i "/run/netns/$(ns b)")

# jq-free: the entries of $J with KEY=VALUE, one JSON object per line.
entries() { python3 - "$J" "$@" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if all(d.get(k) == v for k, v in (a.split("=", 1) for a in sys.argv[2:])):
        print(line, end="")
PY
}
field() { python3 -c "import json,sys; print(json.loads(sys.stdin.readline()).get('$1', '<none>'))"; }

# --- one refused connection, field by field ---------------------------------
# (ip netns exec, not nsx: $! is then rstmonctl itself, which SIGTERM ends.)
ip netns exec "$(ns b)" "$CTL" watch --journal --port 8961 > "$W/w1.out" 2> "$W/w1.err" &
W1=$!
PIDS+=("$W1")
# Until the watch has joined, a reset goes unseen: retry.
seen() { tcp_connect a 10.1.0.2 "$1" > /dev/null; [ -n "$(entries RSTMON_SRC_PORT="$1")" ]; }
wait_until 30 seen 8961 || fail "watch --journal: an entry for the refused connection" "$(cat "$W/w1.err")"
kill "$W1"; wait "$W1"
expect "watch --journal: SIGTERM ends it with 0" "$?" 0
e=$(entries RSTMON_SRC_PORT=8961 | head -n 1)
id=$(echo "$e" | field RSTMON_EVENT_ID)
line=$(report b | grep "^event id=$id ")
if [ -z "$line" ]; then
	fail "watch --journal: the entry's RSTMON_EVENT_ID is an event of /proc/net/rstmon" "$e"
else
	pass "watch --journal: the entry's RSTMON_EVENT_ID is an event of /proc/net/rstmon"
	dport=$(evf "$line" dst); dport=${dport##*:}
	conf=$(evf "$line" confidence)
	evid=$(evf "$line" evidence)
	us=$(evf "$line" time); us=${us/./}
	got=$(echo "$e" | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
keys = ["MESSAGE", "PRIORITY", "MESSAGE_ID", "SYSLOG_IDENTIFIER", "RSTMON_CAUSE",
        "RSTMON_SENDER", "RSTMON_DIR", "RSTMON_CONFIDENCE", "RSTMON_SRC", "RSTMON_SRC_PORT",
        "RSTMON_DST", "RSTMON_DST_PORT", "RSTMON_NETNS", "RSTMON_EVENT_ID", "RSTMON_EVIDENCE",
        "RSTMON_STATE", "RSTMON_TIME_US"]
for k in keys:
    print(k + "=" + d.get(k, "<none>"))')
	want="MESSAGE=RST out 10.1.0.2:8961 -> 10.1.0.1:$dport: refused by local ($conf)
PRIORITY=6
MESSAGE_ID=25fc3e46eb5e407fb68b424f954fa210
SYSLOG_IDENTIFIER=rstmon
RSTMON_CAUSE=refused
RSTMON_SENDER=local
RSTMON_DIR=out
RSTMON_CONFIDENCE=$conf
RSTMON_SRC=10.1.0.2
RSTMON_SRC_PORT=8961
RSTMON_DST=10.1.0.1
RSTMON_DST_PORT=$dport
RSTMON_NETNS=$NETNS
RSTMON_EVENT_ID=$id
RSTMON_EVIDENCE=$evid
RSTMON_STATE=$(evf "$line" state)
RSTMON_TIME_US=$us"
	if [ "$got" = "$want" ]; then
		pass "watch --journal: every field as /proc/net/rstmon has the event"
	else
		fail "watch --journal: every field as /proc/net/rstmon has the event" \
			"$(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
	fi
fi
expect "watch --journal: nothing on stdout or stderr" "$(cat "$W/w1.out" "$W/w1.err")" ""

# --- the limiter: 1 a second, every event accounted for ---------------------
: > "$J"
ip netns exec "$(ns b)" "$CTL" watch --journal --rate 1 --port 8962 > /dev/null 2> "$W/w2.err" &
W2=$!
PIDS+=("$W2")
wait_until 30 seen 8962 || fail "watch --rate 1: joined" "$(cat "$W/w2.err")"
# From the first event it sent on, the watch sees every one.
first=$(entries RSTMON_SRC_PORT=8962 | field RSTMON_EVENT_ID)
since_first() { report b | awk -v f="$first" '$1 == "event" && /:8962 / { split($2, i, "="); if (i[2] + 0 >= f + 0) n++ } END { print n + 0 }'; }
before=$(since_first)
N=30
nsx a python3 - <<PY
import socket
for i in range($N):
    s = socket.socket()
    try:
        s.connect(("10.1.0.2", 8962))
    except OSError:
        pass
    s.close()
PY
# All N are logged, then the watch stops: its summary says the rest.
logged_all() { [ "$(since_first)" -ge $((before + N)) ]; }
wait_until 20 logged_all || fail "watch --rate 1: the burst's $N resets logged" "$(since_first)"
total=$(since_first)
sleep 1	# not an assertion: lets the last notifications reach the watch
kill "$W2"; wait "$W2"
sent=$(entries RSTMON_SRC_PORT=8962 | wc -l)
sup=$(entries MESSAGE_ID=ae33c567958a4c679028038f8aeb9233 | python3 -c '
import json, sys
print(sum(int(json.loads(l)["RSTMON_SUPPRESSED"]) for l in sys.stdin))')
expect "watch --rate 1: sent + suppressed is every event ($total)" "$((sent + sup))" "$total"
[ "$sup" -gt 0 ] && pass "watch --rate 1: $N in a burst: $sup suppressed, $sent sent" ||
	fail "watch --rate 1: $N in a burst: some suppressed" "sent $sent, suppressed $sup"
s=$(entries MESSAGE_ID=ae33c567958a4c679028038f8aeb9233 | head -n 1)
expect "watch --rate 1: the summary's priority and identifier" \
	"$(echo "$s" | field PRIORITY)/$(echo "$s" | field SYSLOG_IDENTIFIER)" 4/rstmon
case $(echo "$s" | field MESSAGE) in
"rstmon: suppressed "*" events (more than 1 per second)") pass "watch --rate 1: the summary's message" ;;
*) fail "watch --rate 1: the summary's message" "$s" ;;
esac

# --- unloaded: the watch ends with status 0 and says so ---------------------
nsx b "$CTL" watch --journal --port 8963 > "$W/w3.out" 2> "$W/w3.err" &
W3=$!
wait_until 30 seen 8963 || fail "unloaded: the watch joined first" "$(cat "$W/w3.err")"
if modprobe -r rstmon; then
	wait_until 10 sh -c "! kill -0 $W3 2>/dev/null" || { fail "unloaded: watch --journal ends"; kill "$W3"; }
	wait "$W3"
	expect "unloaded: watch --journal exits 0 (Restart=on-failure leaves it)" "$?" 0
	expect "unloaded: it says so" "$(cat "$W/w3.err")" "rstmonctl: rstmon was unloaded"
	modprobe rstmon || fail "rstmon loads again"
else
	fail "modprobe -r rstmon"
	kill "$W3"
fi
[ -d /sys/module/rstmon ] && pass "rstmon is loaded again" || fail "rstmon is loaded again"
finish
