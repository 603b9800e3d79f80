#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family, driven by the kernel's own YNL CLI
# (tools/net/ynl, copied to build/ynl by tests/run.sh) with rstmon's spec
# (Documentation/netlink/specs/rstmon.yaml): what it answers must be what
# /proc/net/rstmon says, settings change only with CAP_NET_ADMIN and only
# to valid values (with an extack message otherwise), and the "events"
# group delivers each RST to privileged listeners only.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
Y=$TOP/build/ynl
[ -e "$Y/cli.py" ] || { fail "YNL CLI in build/ynl (tests/run.sh copies it)"; finish; }
YNL=(python3 "$Y/cli.py" --spec "$TOP/Documentation/netlink/specs/rstmon.yaml"
     --schema "$Y/genetlink.yaml" --output-json
     --process-unknown)	# 6.12's YNL cannot decode pad attributes otherwise
# nobody NS CMD...: CMD in namespace NS as an unprivileged user.
nobody() { local n; n=$(ns "$1"); shift; ip netns exec "$n" setpriv --reuid=65534 \
	--regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all "$@"; }

TMPDIR_NL=$(mktemp -d)
IDLE=/sys/module/rstmon/parameters/idle_threshold
OLD_IDLE=$(cat "$IDLE")
trap 'cleanup; echo "$OLD_IDLE" > "$IDLE"; rm -rf "$TMPDIR_NL"' EXIT

add_ns a b
link a b 1

# status: the same numbers as /proc/net/rstmon's header.
st=$(nsx a "${YNL[@]}" --do get-status)
same "status: version" "$(echo "$st" | json 'd["version"]')" \
	"$(report a | awk 'NR == 1 { sub("version=", "", $2); print $2 }')"
expect "status: netns" "$(echo "$st" | json 'd["netns-inum"]')" \
	"$(stat -L -c %i "/run/netns/$(ns a)")"
same "status: limit" "$(echo "$st" | json 'd["conns-limit"]')" "$(counter a table limit)"
expect "status: one cell per cause and direction" \
	"$(echo "$st" | json 'len(d["cause-count"])')" $((16 * 3))

# One refused connection, then the events dump of both ends.
out=$(tcp_connect a 10.1.0.2 8301)
expect "refused connect" "$out" ECONNREFUSED
wait_until 5 sh -c "ip netns exec $(ns b) cat /proc/net/rstmon | grep -q '^event .*:8301 '"
evs=$(nsx b "${YNL[@]}" --dump get-events)
line=$(ev b 8301 out)
expect "events: one in b" "$(echo "$evs" | json 'len(d)')" 1
same "events: id as in /proc" "$(echo "$evs" | json 'd[0]["event"]["id"]')" "$(evf "$line" id)"
same "events: sender as in /proc" "$(echo "$evs" | json 'd[0]["event"]["sender"]')" \
	"$(evf "$line" sender)"
same "events: cause as in /proc" "$(echo "$evs" | json 'd[0]["event"]["cause"]')" \
	"$(evf "$line" cause)"
expect "events: dir as in /proc" "$(echo "$evs" | json 'd[0]["event"]["dir"]')" out
expect "events: ports as in /proc" \
	"$(echo "$evs" | json 'str(d[0]["event"]["sport"]) + "," + str(d[0]["event"]["dport"])')" \
	"$(evf "$line" src | sed 's/.*://'),$(evf "$line" dst | sed 's/.*://')"
expect "events: a start id past the last gives nothing" \
	"$(nsx b "${YNL[@]}" --dump get-events --json '{"start-id": 2}' |
	   json 'len(d)')" 0

# config: get, set, a refused value (extack); settings are per namespace,
# the idle threshold the module parameter's until a namespace sets its own.
cfg=$(nsx a "${YNL[@]}" --do get-config)
same "config: idle-threshold as the parameter" "$(echo "$cfg" | json 'd["idle-threshold"]')" \
	"$(cat $IDLE)"
same "config: event-ring as /proc's" "$(echo "$cfg" | json 'd["event-ring"]')" \
	"$(counter a events ring)"
expect "config: ipv4, ipv6, notify-rate" \
	"$(echo "$cfg" | json 'str(d["ipv4"]) + " " + str(d["ipv6"]) + " " + str(d["notify-rate"])')" \
	"1 1 1000"
idle_a() { nsx a "${YNL[@]}" --do get-config | json 'd["idle-threshold"]'; }
nsx a "${YNL[@]}" --do set-config --json '{"idle-threshold": 42, "notify-rate": 77}' \
	> /dev/null
expect "config: set 42 in a" "$(idle_a)" 42
expect "config: and notify-rate 77" "$(nsx a "${YNL[@]}" --do get-config | json 'd["notify-rate"]')" 77
same "config: the parameter unchanged" "$(cat $IDLE)" "$OLD_IDLE"
same "config: b unchanged" "$(nsx b "${YNL[@]}" --do get-config | json 'd["idle-threshold"]')" \
	"$OLD_IDLE"
err=$(nsx a "${YNL[@]}" --do set-config --json '{"idle-threshold": 0}' 2>&1)
case $err in
*"out of range"*|*"min value"*) pass "config: 0 refused with a reason" ;;
*) fail "config: 0 refused with a reason" "$err" ;;
esac
expect "config: unchanged after the refusal" "$(idle_a)" 42
err=$(nsx a "${YNL[@]}" --do set-config 2>&1)
case $err in
*"nothing to set"*) pass "config: an empty set says what is missing" ;;
*) fail "config: an empty set says what is missing" "$err" ;;
esac

# Connections: a live one in b, found by its port, its address and its
# state, and not by another port; a malformed filter gets a reason.
# (Held open while the queries run, up to 8 x 15 s: slow emulated guests
# take seconds per YNL call, and the state must not move between them.)
serve b reply-stall 10.1.0.2 8303
PAUSE=$(mktemp -u)
nsx a $KIT client pause 10.1.0.2 8303 "$PAUSE" > /dev/null &
PIDS+=($!)
wait_until 10 test -e "$PAUSE.ready" || fail "conns: the exchange on port 8303"
rm -f "$PAUSE.ready"
conns() { nsx b "${YNL[@]}" --dump get-conns ${1:+--json "$1"}; }
wait_until 10 sh -c "[ \"\$(ip netns exec $(ns b) cat /proc/net/rstmon | awk '\$1 == \"table\"' |
	sed 's/.*conns=\([0-9]*\).*/\1/')\" != 0 ]"
c=$(conns '{"filter-port": 8303}')
expect "conns: one on port 8303" "$(echo "$c" | json 'len(d)')" 1
expect "conns: its server port" "$(echo "$c" | json 'd[0]["conn"]["server"]["port"]')" 8303
expect "conns: its server address" "$(echo "$c" | json 'd[0]["conn"]["server"]["addr"]')" 0a010002
expect "conns: its client address" "$(echo "$c" | json 'd[0]["conn"]["client"]["addr"]')" 0a010001
st=$(echo "$c" | json 'd[0]["conn"]["state"]')
expect "conns: past its handshake" "$st" established
expect "conns: by address and state" \
	"$(conns "{\"filter-addr\": \"0a010001\", \"filter-state\": \"$st\", \"filter-port\": 8303}" |
	   json 'len(d)')" 1
expect "conns: not by another state" \
	"$(conns '{"filter-state": "syn-sent", "filter-port": 8303}' | json 'len(d)')" 0
expect "conns: not by another port" "$(conns '{"filter-port": 9999}' | json 'len(d)')" 0
expect "conns: b saw it come in" "$(echo "$c" | json 'd[0]["conn"]["dir"]')" in
expect "conns: by direction in" "$(conns '{"filter-dir": "in", "filter-port": 8303}' | json 'len(d)')" 1
expect "conns: not by direction out" \
	"$(conns '{"filter-dir": "out", "filter-port": 8303}' | json 'len(d)')" 0
expect "conns: a saw it go out" \
	"$(nsx a "${YNL[@]}" --dump get-conns --json '{"filter-dir": "out", "filter-port": 8303}' |
	   json 'd[0]["conn"]["dir"]')" out
expect "conns: not by another address" "$(conns '{"filter-addr": "0a090909"}' | json 'len(d)')" 0
err=$(conns '{"filter-addr": "0a01000203"}' 2>&1)
case $err in *"4 or 16 bytes"*) pass "conns: a 5-byte address is refused with a reason" ;;
*) fail "conns: a 5-byte address is refused with a reason" "$err" ;; esac

# Counters reset: b's RST counters go back to zero; the events stay.
before=$(nsx b "${YNL[@]}" --do get-status | json 'd["counters"]["rst4-out"]')
[ "$before" -ge 1 ] 2>/dev/null && pass "reset: b had sent RSTs" || fail "reset: b had sent RSTs" "$before"
nsx b "${YNL[@]}" --do reset-stats > /dev/null
expect "reset: rst4-out zero" "$(nsx b "${YNL[@]}" --do get-status | json 'd["counters"]["rst4-out"]')" 0
expect "reset: /proc agrees" "$(counter b "rst ipv4" out)" 0
expect "reset: the events stay" "$(report b | grep -c '^event ')" 1

# Unprivileged: nothing, as /proc/net/rstmon (0440): status, events,
# settings, the group.
# refused NAME NS ARGS...: YNL with ARGS, as nobody in NS, ends with the
# kernel's EPERM and nothing else: status 1, "Netlink error: Operation not
# permitted" and the error line "-1" (not -12, -13, -19...).
refused() {
	local name=$1 n=$2 out rc
	shift 2
	out=$(nobody "$n" "${YNL[@]}" "$@" 2>&1)
	rc=$?
	if [ "$rc" = 1 ] && [ "$(echo "$out" | head -n 1)" = "Netlink error: Operation not permitted" ] &&
	   echo "$out" | grep -qx $'\terror: -1'; then
		pass "$name"
	else
		fail "$name" "exit $rc: $(echo "$out" | head -n 3 | tr "\n" " ")"
	fi
}
refused "nobody: status refused" a --do get-status
refused "nobody: config refused" a --do get-config
refused "nobody: events refused" b --dump get-events
refused "nobody: set refused" a --do set-config --json '{"idle-threshold": 7}'
expect "nobody: setting unchanged" "$(idle_a)" 42
refused "nobody: conns refused" b --dump get-conns
refused "nobody: reset refused" b --do reset-stats
# Joining the group: setsockopt's EPERM, raised by YNL.
out=$(nobody b "${YNL[@]}" --subscribe events --sleep 1 2>&1)
rc=$?
if [ "$rc" != 0 ] && echo "$out" | grep -qx 'PermissionError: \[Errno 1\] Operation not permitted'; then
	pass "nobody: cannot join the events group"
else
	fail "nobody: cannot join the events group" "exit $rc: $(echo "$out" | tail -n 2 | tr "\n" " ")"
fi

# The events group: a listener in b gets b's next RST as it happens.
nsx b python3 "$(dirname "$0")/ynl-watch.py" "$Y" "$TOP/Documentation/netlink/specs/rstmon.yaml" \
	"$Y/genetlink.yaml" "$TMPDIR_NL/ready" 20 > "$TMPDIR_NL/ntf" 2>&1 &
PIDS+=($!)
wait_until 20 test -e "$TMPDIR_NL/ready" || fail "watch: the listener joined the group"
out=$(tcp_connect a 10.1.0.2 8302)
expect "watch: refused connect" "$out" ECONNREFUSED
wait "${PIDS[-1]}"
ntf=$(cat "$TMPDIR_NL/ntf")
expect "watch: one notification" "$(echo "$ntf" | json 'len(d)' 2>/dev/null)" 1
expect "watch: its cause" "$(echo "$ntf" | json 'd[0]["msg"]["event"]["cause"]' 2>/dev/null)" refused
expect "watch: its port" "$(echo "$ntf" | json 'd[0]["msg"]["event"]["sport"]' 2>/dev/null)" 8302
finish
