#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rstmonctl why against the classification scenarios (scenarios.sh):
# for each RST they produce, in the server's namespace and the client's,
# "rstmonctl -n NS why -j" names the cause the event has and gives that
# cause's advice (the table of userspace-ctl/advice.c and
# Documentation/rstmon.rst); --port and --cause select the events.
#
# Once, on the UML debug kernel: what is checked here is rstmonctl's (its
# advice table, its filters, watch's cgroup lookup) over events that
# causes.sh already classifies on every kernel, where the scenarios would
# only run again (minutes under emulation) to check the same userspace.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/scenarios.sh"

uml_only "rstmonctl why"

need_ctl

scenarios_setup
run_family ipv4 10.1.0.2 8000

# A phrase of each cause's advice (and of the rows for one sender), as
# "[SENDER/]CAUSE<tab>PHRASE".
ADVICE=$TMPD/advice
cat > "$ADVICE" <<'TABLE'
refused	Start the service
firewall/refused	Find the reject rule that matches
unread-data	read what it was sent
linger-abort	remove SO_LINGER 0
data-after-close	keep the connection pool's idle timeout below the server's (and load balancer's) keep-alive timeout, and retry idempotent requests
time-wait	fresh source ports
app-abort	Find who aborts it
abandoned	Usually harmless
no-connection	Drain connections before moving a virtual IP
accept-overflow	Raise the listen backlog and net.core.somaxconn
idle-timeout	Enable TCP keepalives below the middlebox's idle timeout
firewall/idle-timeout	below the firewall's idle timeout
peer/idle-timeout	below the peer's idle timeout
TABLE

# why_check NAME NS PORT DIR CAUSE: the first event of NS in direction DIR
# with PORT at either end, as why -j gives it, has CAUSE and its advice.
why_check() {
	local out
	out=$(nsx "$2" "$CTL" why -j --last 1000 | python3 -c '
import json, sys
port, dir, cause, table = sys.argv[1:5]
advice = dict(l.rstrip("\n").split("\t", 1) for l in open(table))
for e in map(json.loads, sys.stdin):
    if e["dir"] != dir or not any(e[k].endswith(":" + port) for k in ("src", "dst")):
        continue
    want = advice.get(e["sender"] + "/" + cause) or advice.get(cause)
    if e["cause"] != cause:
        print("cause %s, want %s" % (e["cause"], cause))
    elif want not in e["advice"]:
        print("advice %r lacks %r" % (e["advice"], want))
    elif "Why: " + cause + ":" not in e["explanation"]:
        print("explanation %r does not name the cause" % e["explanation"])
    else:
        print("OK")
    break
else:
    print("no event")
' "$3" "$4" "$5" "$ADVICE" 2>&1)
	if [ "$out" = OK ]; then pass "$1"; else fail "$1" "$out"; fi
}

p=8000
# PORT-OFFSET:CAUSE[:SCENARIO]
for c in 1:refused 2:refused:reject-rule 3:unread-data 4:linger-abort 5:data-after-close \
	 6:time-wait 7:app-abort 9:no-connection 10:accept-overflow 11:idle-timeout; do
	IFS=: read -r off cause what <<< "$c"
	why_check "why ipv4 ${what:-$cause}: server" srv $((p + off)) out "$cause"
	why_check "why ipv4 ${what:-$cause}: client" cli $((p + off)) in "$cause"
done
why_check "why ipv4 abandoned: client" cli $((p + 8)) out abandoned
why_check "why ipv4 abandoned: server" srv $((p + 8)) in abandoned

# --port selects the server's events by its port, --cause by cause; the
# refused SYN found no socket at all.
out=$(nsx srv "$CTL" why -j --port $((p + 1)) --last 1)
case $out in
*'"cause":"refused"'*'no local socket existed'*'"advice":"Start the service'*)
	pass "why --port --last 1: the refused SYN, no local socket" ;;
*) fail "why --port --last 1: the refused SYN, no local socket" "$out" ;;
esac
out=$(nsx srv "$CTL" why --cause data-after-close)
case $out in
*"Why: data-after-close:"*"What to do: On the client: keep the connection pool's idle timeout below"*)
	if echo "$out" | grep -q "Why: " && ! echo "$out" | grep "Why: " | grep -qv "Why: data-after-close:"; then
		pass "why --cause: only that cause, in plain words"
	else
		fail "why --cause: only that cause, in plain words" "$out"
	fi ;;
*) fail "why --cause: only that cause, in plain words" "$out" ;;
esac
out=$(nsx srv "$CTL" why --port 1 --last 5)
expect "why: nothing matches" "$out" "No matching resets."

# The cgroup of a full socket (the client's, reset by the server's
# linger-abort): watch finds its path itself (notifications carry only the
# id), and it is the one why -j and /proc give.
"$CTL" -n "$(ns cli)" watch -j > "$TMPD/watch" 2> "$TMPD/watch.err" &
WPID=$!
PIDS+=("$WPID")
# It has joined once it prints: refused connects until it does.
joined() { nsx cli $KIT client connect 10.1.0.2 8019 > /dev/null; [ -s "$TMPD/watch" ]; }
wait_until 30 joined || fail "watch: joined the group" "$(cat "$TMPD/watch.err")"
serve srv linger 10.1.0.2 8020
nsx cli $KIT client read-wait 10.1.0.2 8020 > /dev/null
wait_until 10 grep -q ':8020"' "$TMPD/watch"
kill -INT "$WPID"
wait "$WPID"
nsx cli "$CTL" why -j --last 1000 > "$TMPD/why.json"
got=$(python3 -c '
import json, sys
w = [e for e in map(json.loads, open(sys.argv[1])) if e["src"].endswith(":8020")][0]
d = [e for e in map(json.loads, open(sys.argv[2])) if e["id"] == w["id"]][0]
print(w["cause"], w["sock"], w["cgroup_id"] == d["cgroup_id"], w["cgroup"] == d["cgroup"],
      w["cgroup"] is not None)
' "$TMPD/watch" "$TMPD/why.json" 2>&1)
expect "watch: a full socket's cgroup path, found by its id" "$got" "linger-abort full True True True"
line=$(ev cli 8020 in)
same "events: the cgroup as /proc says" \
	"$(nsx cli "$CTL" events | grep -F "id=$(evf "$line" id) ")" "$line"
case $line in
"") fail "events: a full socket has a cgroup" "no event for port 8020 in cli" ;;
*" cgroup_id=- "*|*" cgroup=- "*) fail "events: a full socket has a cgroup" "$line" ;;
*) pass "events: a full socket has a cgroup" ;;
esac

# For the log: what an operator reads.
nsx srv "$CTL" why --last 3 | sed 's/^/# /'

rm -rf "$TMPD"
modprobe -r rstmon && modprobe rstmon || fail "reload rstmon with defaults"
finish
