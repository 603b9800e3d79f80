#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rstmonctl's filters against real events (issue 21, "finding the
# event"): a client namespace and a server namespace, resets on three
# ports (a refused IPv4 connect, a refused IPv6 connect, a linger-abort),
# seen from both ends.  Each filter of events (--src/--dst with and
# without a prefix, --sport/--dport, --port at either end, --sender,
# --dir, --cause, --since/--until relative and ISO 8601) selects exactly
# the events that the unfiltered events -j says it must, and a few by
# hand: "why --port" of the server's port finds the server's RST from the
# client's namespace.  conns --src/--dst/--sport/--dport on a live
# connection; watch --cause shows only that cause; why paragraphs start
# with an ISO 8601 time with its zone (the event's) and tell the silence.
#
# Once, on the UML debug kernel: the filtering is rstmonctl's own, over
# events whose classification other scripts check on every kernel.
. "$(dirname "$0")/lib.sh"

uml_only "rstmonctl's filters"

need_ctl

W=$(mktemp -d)
trap 'cleanup; rm -rf "$W"' EXIT

add_ns cli srv
link cli srv 1

# ids NS ARGS...: the ids of "rstmonctl -n NS events -j ARGS", one line,
# space-separated (or "ERR N: stderr" when it failed).
ids() {
	local n=$1 rc
	shift
	"$CTL" -n "$(ns "$n")" events -j "$@" > "$W/ids.out" 2> "$W/ids.err"
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "ERR $rc: $(head -n 1 "$W/ids.err")"
		return
	fi
	python3 -c '
import json, sys
print(" ".join(str(json.loads(l)["id"]) for l in open(sys.argv[1]) if l.strip()))
' "$W/ids.out"
}

# want NS PYEXPR: the ids of NS's events (the whole list, $W/all-NS.json)
# for which PYEXPR on "e" (an event object) is true.
want() {
	python3 -c '
import ipaddress, json, sys
def addr(s):
    return ipaddress.ip_address(s.rsplit(":", 1)[0].strip("[]"))
def port(s):
    return int(s.rsplit(":", 1)[1])
def inside(s, net):
    a = addr(s)
    n = ipaddress.ip_network(net, strict=False)
    return a.version == n.version and a in n
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(" ".join(str(e["id"]) for e in evs if eval(sys.argv[2])))
' "$W/all-$1.json" "$2"
}

# check NAME NS PYEXPR ARGS...: events -j ARGS in NS gives exactly the
# events PYEXPR selects from the whole list (the same ids, in order; both
# lists empty only where the filter must select nothing: the resets above
# are checked by hand first).
check() {
	local name=$1 n=$2 expr=$3 got exp
	shift 3
	got=$(ids "$n" "$@")
	exp=$(want "$n" "$expr")
	expect "$name" "$got" "$exp"
}

# --- the resets ------------------------------------------------------------
# 1. A refused IPv4 connect to 8701; then the time T between it and the rest.
expect "refused connect 8701" "$(tcp_connect cli 10.1.0.2 8701)" ECONNREFUSED
has_ev() { report "$1" | grep '^event ' | grep -qF ":$2 "; }
wait_until 10 has_ev srv 8701 || fail "srv logged 8701"
wait_until 10 has_ev cli 8701 || fail "cli logged 8701"
# The clock moves on before T is taken and after (a coarse clock could
# give the first event and T the same microsecond).
sleep 0.05
T=$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)
sleep 0.05
# 2. A refused IPv6 connect to 8702.
expect "refused connect [fd00:1::2]:8702" "$(tcp_connect cli fd00:1::2 8702)" ECONNREFUSED
# 3. A linger-abort of the server on 8703: the client reads the RST.
serve srv linger 10.1.0.2 8703
nsx cli $KIT client read-wait 10.1.0.2 8703 > /dev/null
for p in 8702 8703; do
	wait_until 10 has_ev srv "$p" || fail "srv logged $p"
	wait_until 10 has_ev cli "$p" || fail "cli logged $p"
done

for n in cli srv; do
	"$CTL" -n "$(ns "$n")" events -j > "$W/all-$n.json" 2> "$W/err"
	expect "$n: events -j: exit 0, silent" "$?/$(cat "$W/err")" "0/"
	echo "# $n's events:"
	event_table "$n" | sed 's/^/# /'
done

# The anchors, by hand: what the resets must have logged.
got=$(python3 -c '
import json, sys
for n in ("cli", "srv"):
    evs = [json.loads(l) for l in open(sys.argv[1] + "/all-" + n + ".json")]
    for p in ("8701", "8702", "8703"):
        e = [e for e in evs if e["src"].endswith(":" + p) or e["dst"].endswith(":" + p)][0]
        print(n, p, e["src"], e["dir"], e["cause"])
' "$W" 2>&1 | tr '\n' ';')
expect "the resets as logged" "$got" \
"cli 8701 10.1.0.2:8701 in refused;cli 8702 [fd00:1::2]:8702 in refused;cli 8703 10.1.0.2:8703 in linger-abort;\
srv 8701 10.1.0.2:8701 out refused;srv 8702 [fd00:1::2]:8702 out refused;srv 8703 10.1.0.2:8703 out linger-abort;"

# --- --port at either end: the server's RST, found from the client ----------
got=$("$CTL" -n "$(ns cli)" events -j --port 8701 | json 'd["src"] + " " + d["cause"]')
expect "cli: events --port 8701 (the server's port): the server's RST" "$got" \
	"10.1.0.2:8701 refused"
out=$("$CTL" -n "$(ns cli)" why --port 8701)
case $out in
*"the RST from 10.1.0.2:8701 to 10.1.0.1:"*"Why: refused:"*)
	pass "cli: why --port 8701: the server's refusal explained" ;;
*) fail "cli: why --port 8701: the server's refusal explained" "$out" ;;
esac

# --- every event filter, against the whole list, in both namespaces -------
for n in cli srv; do
	check "$n: --port 8701" "$n" '"8701" in (str(port(e["src"])), str(port(e["dst"])))' --port 8701
	check "$n: --port 8703" "$n" '8703 in (port(e["src"]), port(e["dst"]))' --port 8703
	check "$n: --sport 8701" "$n" 'port(e["src"]) == 8701' --sport 8701
	check "$n: --dport 8701" "$n" 'port(e["dst"]) == 8701' --dport 8701
	check "$n: --src 10.1.0.2" "$n" 'inside(e["src"], "10.1.0.2/32")' --src 10.1.0.2
	check "$n: --src 10.1.0.1" "$n" 'inside(e["src"], "10.1.0.1/32")' --src 10.1.0.1
	check "$n: --src 10.1.0.0/24" "$n" 'inside(e["src"], "10.1.0.0/24")' --src 10.1.0.0/24
	check "$n: --dst 10.0.0.0/8" "$n" 'inside(e["dst"], "10.0.0.0/8")' --dst 10.0.0.0/8
	check "$n: --src fd00:1::/64" "$n" 'inside(e["src"], "fd00:1::/64")' --src fd00:1::/64
	check "$n: --dst fd00:1::1" "$n" 'inside(e["dst"], "fd00:1::1/128")' --dst fd00:1::1
	check "$n: --sender peer" "$n" 'e["sender"] == "peer"' --sender peer
	check "$n: --sender local" "$n" 'e["sender"] == "local"' --sender local
	check "$n: --sender local,peer" "$n" 'e["sender"] in ("local", "peer")' --sender local,peer
	check "$n: --dir in" "$n" 'e["dir"] == "in"' --dir in
	check "$n: --dir out" "$n" 'e["dir"] == "out"' --dir out
	check "$n: --cause refused" "$n" 'e["cause"] == "refused"' --cause refused
	check "$n: --cause linger-abort" "$n" 'e["cause"] == "linger-abort"' --cause linger-abort
	check "$n: --cause refused,linger-abort" "$n" \
		'e["cause"] in ("refused", "linger-abort")' --cause refused,linger-abort
	check "$n: --since 1h" "$n" 'True' --since 1h
	check "$n: --until 1h (nothing that old)" "$n" 'False' --until 1h
	check "$n: --since T (after the first reset)" "$n" 'e["id"] > 0 and not (e["src"].endswith(":8701") or e["dst"].endswith(":8701"))' \
		--since "$T"
	check "$n: --until T (the first reset only)" "$n" 'e["src"].endswith(":8701") or e["dst"].endswith(":8701")' \
		--until "$T"
	check "$n: combined: --src 10.1.0.0/16 --port 8703 --cause linger-abort --since T" "$n" \
		'inside(e["src"], "10.1.0.0/16") and 8703 in (port(e["src"]), port(e["dst"])) and e["cause"] == "linger-abort"' \
		--src 10.1.0.0/16 --port 8703 --cause linger-abort --since "$T"
	check "$n: combined: --cause refused --src fd00::/16 --until now" "$n" \
		'e["cause"] == "refused" and inside(e["src"], "fd00::/16")' \
		--cause refused --src fd00::/16 --until now
done
# The exact counts the resets make, by hand.
expect "cli: --since T leaves out 8701, keeps 8702" \
	"$("$CTL" -n "$(ns cli)" events -j --since "$T" --port 8701 | wc -l)/$("$CTL" -n "$(ns cli)" events -j --since "$T" --cause refused | wc -l)" "0/1"
expect "srv: --dir out --cause refused --src 10.1.0.2: one (8701)" \
	"$("$CTL" -n "$(ns srv)" events -j --dir out --cause refused --src 10.1.0.2 | json 'd["src"]')" \
	"10.1.0.2:8701"
# T written with another zone names the same instant.
T530=$(python3 -c '
import datetime, sys
t = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
print(t.astimezone(datetime.timezone(datetime.timedelta(hours=5, minutes=30))).isoformat())
' "$T")
expect "cli: --since T in +05:30 ($T530) is --since T" "$(ids cli --since "$T530")" \
	"$(ids cli --since "$T")"

# --- bad values: one line of reason, one of usage, exit 2 --------------------
for args in "--since 5x" "--until 2026-02-30" "--src 10.1.0.0/33" "--sender nobody" \
	    "--cause frob" "--dir up" "--sport 0" "--prot 8701"; do
	# shellcheck disable=SC2086
	"$CTL" -n "$(ns cli)" events $args > "$W/out" 2> "$W/err"
	rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l < "$W/err")" = 2 ] && [ ! -s "$W/out" ] &&
	   head -n 1 "$W/err" | grep -q '^rstmonctl: ' &&
	   sed -n 2p "$W/err" | grep -q '^usage: rstmonctl .* events '; then
		pass "events $args: exit 2, the reason and one usage line"
	else
		fail "events $args: exit 2, the reason and one usage line" "exit $rc: $(cat "$W/err")"
	fi
done

# --- conns: the client's and the server's end of a live connection --------
serve srv hold 10.1.0.2 8704
nsx cli $KIT client read-wait 10.1.0.2 8704 > /dev/null &
PIDS+=($!)
has_conn() { [ -n "$("$CTL" -n "$(ns srv)" conns --port 8704 2>/dev/null)" ]; }
wait_until 10 has_conn || fail "conns: the connection on 8704 is tracked"
cnt() { "$CTL" -n "$(ns srv)" conns "$@" | grep -c '^conn '; }
expect "conns --dst 10.1.0.2 --dport 8704: the server's end" "$(cnt --dst 10.1.0.2 --dport 8704)" 1
expect "conns --src 10.1.0.1 --dport 8704: the client's end" "$(cnt --src 10.1.0.1 --dport 8704)" 1
expect "conns --src 10.1.0.0/24 --dst 10.1.0.0/24 --dport 8704" \
	"$(cnt --src 10.1.0.0/24 --dst 10.1.0.0/24 --dport 8704)" 1
expect "conns --src 10.1.0.2 --dport 8704: not the client" "$(cnt --src 10.1.0.2 --dport 8704)" 0
expect "conns --dst 10.1.0.1 --port 8704: not the server" "$(cnt --dst 10.1.0.1 --port 8704)" 0
expect "conns --sport 8704: not the client's port" "$(cnt --sport 8704)" 0
cport=$("$CTL" -n "$(ns srv)" -j conns --dport 8704 | json 'd["client"].rsplit(":", 1)[1]')
expect "conns --sport $cport (the client's) --dst 10.1.0.2" "$(cnt --sport "$cport" --dst 10.1.0.2)" 1
expect "conns --src fd00::/8 --dport 8704: another family" "$(cnt --src fd00::/8 --dport 8704)" 0
expect "conns --dir in,fwd --dport 8704" "$(cnt --dir in,fwd --dport 8704)" 1
expect "conns --dir out,fwd --dport 8704" "$(cnt --dir out,fwd --dport 8704)" 0
expect "conns --since: not a conns option (exit 2)" \
	"$("$CTL" -n "$(ns srv)" conns --since 1h > /dev/null 2>&1; echo $?)" 2

# --- watch --cause refused: only refused ---------------------------------------
timeout 120 "$CTL" -n "$(ns cli)" watch -j --cause refused > "$W/watch" 2> "$W/watch.err" &
WPID=$!
PIDS+=("$WPID")
joined() { tcp_connect cli 10.1.0.2 8710 > /dev/null; [ -s "$W/watch" ]; }
wait_until 30 joined || fail "watch --cause refused: joined the group" "$(cat "$W/watch.err")"
# A linger-abort, then a refused connect: the first comes before the second,
# so it would be there when the second is.
serve srv linger 10.1.0.2 8711
nsx cli $KIT client read-wait 10.1.0.2 8711 > /dev/null
wait_until 10 has_ev cli 8711 || fail "cli logged 8711"
expect "watch: refused connect 8712" "$(tcp_connect cli 10.1.0.2 8712)" ECONNREFUSED
wait_until 10 grep -q ':8712"' "$W/watch" || fail "watch --cause refused: 8712 came"
kill -INT "$WPID"
wait_until 5 sh -c "! kill -0 $WPID" || kill -KILL "$WPID"
wait "$WPID"
expect "watch --cause refused: exit 0" "$?" 0
got=$(python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
print(sorted(set(e["cause"] for e in evs)), any(e["src"].endswith(":8711") for e in evs),
      any(e["src"].endswith(":8712") for e in evs))
' "$W/watch" 2>&1)
expect "watch --cause refused: only refused, not the linger-abort" "$got" "['refused'] False True"
expect "watch --cause refused: the linger-abort was logged" \
	"$("$CTL" -n "$(ns cli)" events -j --port 8711 --cause linger-abort | wc -l)" 1

# --- why: each paragraph starts with its time (ISO 8601, zone), and the silence
"$CTL" -n "$(ns cli)" why --last 100 > "$W/why"
np=$(grep -c '^[^ ]' "$W/why")
nt=$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}[+-][0-9]{2}:[0-9]{2} Event [0-9]+: ' "$W/why")
ns_=$(grep -cE 'the sender was silent for [0-9]+\.[0-9]{3} s before the RST|the silence before the RST is not known' "$W/why")
if [ "$np" -ge 5 ] && [ "$nt" = "$np" ] && [ "$ns_" = "$np" ]; then
	pass "why: all $np paragraphs start with an ISO 8601 time and tell the silence"
else
	fail "why: paragraphs start with an ISO 8601 time and tell the silence" \
		"$np paragraphs, $nt with the time, $ns_ with the silence: $(head -n 1 "$W/why")"
fi
got=$("$CTL" -n "$(ns cli)" why -j --port 8703 --cause linger-abort | python3 -c '
import datetime, json, sys
d = [json.loads(l) for l in sys.stdin]
e = d[0]
t = datetime.datetime.strptime(e["time"], "%Y-%m-%dT%H:%M:%S.%f%z")
us = (t - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)) // datetime.timedelta(microseconds=1)
print(len(d), us == e["time_us"], e["explanation"].split(":")[0] == "Event %d" % e["id"],
      "silent for" in e["explanation"])
' 2>&1)
expect "why -j --port 8703: one object per line; its ISO 8601 time is time_us" "$got" "1 True True True"
first=$(TZ=UTC0 "$CTL" -n "$(ns cli)" why --port 8703 --cause linger-abort | head -n 1)
case $first in
[0-9][0-9][0-9][0-9]-*+00:00" Event "*"silent for"*) pass "why in TZ=UTC0: +00:00" ;;
*) fail "why in TZ=UTC0: +00:00" "$first" ;;
esac
echo "# what an operator reads:"
"$CTL" -n "$(ns cli)" why --port 8701 | sed 's/^/# /'

# --- --version, reset-stats ---------------------------------------------------
case $("$CTL" --version) in
"rstmonctl "[0-9]*) pass "--version" ;;
*) fail "--version" "$("$CTL" --version 2>&1)" ;;
esac
"$CTL" -n "$(ns srv)" reset-stats > "$W/out" 2> "$W/err"
expect "reset-stats: exit 0, silent" "$?/$(cat "$W/out" "$W/err")" "0/"
expect "reset-stats: the counters zero" "$(counter srv "rst ipv4" out)" 0
tcp_connect cli 10.1.0.2 8720 > /dev/null
wait_until 10 has_ev srv 8720
"$CTL" -n "$(ns srv)" reset > "$W/out" 2> "$W/err"
expect "reset (deprecated): exit 0, a notice on stderr" "$?/$(cat "$W/out" "$W/err")" \
	"0/rstmonctl: 'reset' is deprecated: its name is now 'reset-stats'"
expect "reset (deprecated): the counters zero" "$(counter srv "rst ipv4" out)" 0
finish
