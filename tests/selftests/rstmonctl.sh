#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rstmonctl, the control utility, against the real family: every command
# after a refused connection between two namespaces, its output compared
# with /proc/net/rstmon (text lines byte for byte, JSON field by field),
# the connection table (conns and its filters, on a live connection), the
# counters' reset (reset-stats),
# -n NAME, the events group (in order; "watch | head -n 1" and SIGINT end
# it with status 0), the errors in plain words (unprivileged users, a
# refused setting with the kernel's extack message, bad usage with exit 2,
# the module not loaded); watch ends when the module is unloaded.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CTL=$TOP/userspace-ctl/rstmonctl
[ -x "$CTL" ] || { fail "rstmonctl built ($CTL)"; finish; }
grep -q '^rstmon ' /proc/modules || { fail "rstmon loaded before the test"; finish; }

# nobody NS CMD...: CMD in namespace NS as an unprivileged user.
nobody() { local n; n=$(ns "$1"); shift; ip netns exec "$n" setpriv --reuid=65534 \
	--regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all "$@"; }
# run_ctl OUT ERR CMD...: CMD's stdout and stderr to files; prints its status.
run_ctl() { local o=$1 e=$2; shift 2; "$@" > "$o" 2> "$e"; echo $?; }

W=$(mktemp -d)
IDLE=/sys/module/rstmon/parameters/idle_threshold
OLD_IDLE=$(cat "$IDLE")
MODPROBE=/proc/sys/kernel/modprobe
OLD_MODPROBE=$(cat "$MODPROBE")
restore() {
	cleanup
	echo "$OLD_MODPROBE" > "$MODPROBE"
	grep -q '^rstmon ' /proc/modules || modprobe rstmon
	echo "$OLD_IDLE" > "$IDLE"
	rm -rf "$W"
}
trap restore EXIT

# Argument parsing and help are rstmonctl's own, the same on every kernel:
# they run on the uml guest only (each call costs a second or more under
# emulation).
ONCE=0
if [ "${RSTMON_KERNEL:-uml}" = uml ]; then
	ONCE=1
else
	echo "# kernel-independent: usage and help checks run on the uml guest only (this is $RSTMON_KERNEL)"
fi

add_ns a b
link a b 1

# --- one refused connection: b's RST is event 1 of b ---------------------
expect "refused connect" "$(tcp_connect a 10.1.0.2 8301)" ECONNREFUSED
wait_until 5 sh -c "ip netns exec $(ns b) cat /proc/net/rstmon | grep -q '^event .*:8301 '"
line=$(ev b 8301 out)
if [ -n "$line" ]; then pass "b logged its RST"; else fail "b logged its RST" "no event on 8301"; fi

# status: the header's numbers.
rc=$(run_ctl "$W/out" "$W/err" nsx b "$CTL" status)
expect "status: exit 0" "$rc" 0
same "status: first line as /proc's" "$(head -n 1 "$W/out")" "$(report b | head -n 1)"
expect "status: table line" "$(sed -n 2p "$W/out")" \
	"table conns=$(counter b table conns) total=$(counter b table total) limit=$(counter b table limit)"
expect "status: events logged" "$(sed -n 3p "$W/out")" "events logged=1"
st=$(nsx b "$CTL" status -j)
same "status -j: version" "$(echo "$st" | json 'd["version"]')" \
	"$(report b | awk 'NR == 1 { sub("version=", "", $2); print $2 }')"
expect "status -j: netns" "$(echo "$st" | json 'd["netns"]')" "$(stat -L -c %i "/run/netns/$(ns b)")"
same "status -j: conns_limit" "$(echo "$st" | json 'd["conns_limit"]')" "$(counter b table limit)"
same "status -j: conns_total" "$(echo "$st" | json 'd["conns_total"]')" "$(counter b table total)"
same "status -j: events_logged" "$(echo "$st" | json 'd["events_logged"]')" \
	"$(counter b events logged)"

# stats: the header's lines; all-zero causes only with -a.
nsx b "$CTL" stats > "$W/stats"
for l in "segments" "rst ipv4" "rst ipv6" "cause refused"; do
	same "stats: '$l' line as /proc's" "$(grep "^$l " "$W/stats")" \
		"$(report b | grep "^$l ")"
done
expect "stats: causes without RSTs left out" "$(grep -c '^cause ' "$W/stats")" 1
expect "stats -a: every cause" "$(nsx b "$CTL" stats -a | grep -c '^cause ')" 16
s=$(nsx b "$CTL" stats --json)
same "stats -j: rst_ipv4_out" "$(echo "$s" | json 'd["counters"]["rst_ipv4_out"]')" \
	"$(counter b "rst ipv4" out)"
expect "stats -j: refused out" "$(echo "$s" | json 'd["causes"]["refused"]["out"]')" 1
same "stats -j: notify_dropped" "$(echo "$s" | json 'd["counters"]["notify_dropped"]')" \
	"$(counter b events notify_dropped)"

# events: the same lines as /proc, byte for byte; -j field by field.
rc=$(run_ctl "$W/events" "$W/err" nsx b "$CTL" events)
expect "events: exit 0" "$rc" 0
same "events: lines as /proc's" "$(cat "$W/events")" "$(report b | grep '^event ')"
j=$(nsx b "$CTL" events -j)
expect "events -j: one object" "$(echo "$j" | wc -l)" 1
# The object back in the text form, "key=value" per line (null: - or none;
# the ISO 8601 time and time_us are the line's time; the cgroup path
# escaped as there).
kv=$(echo "$j" | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
for k, v in d.items():
    if k == "time_us":
        continue
    if k == "time":
        import datetime
        t = datetime.datetime.strptime(v, "%Y-%m-%dT%H:%M:%S.%f%z")
        us = d["time_us"]
        assert isinstance(us, int) and us < 2**53, us
        delta = t - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        assert delta // datetime.timedelta(microseconds=1) == us, (v, us)
        v = "%d.%06d" % (us // 10**6, us % 10**6)
    elif v is None:
        v = "none" if k == "kreason" else "-"
    elif isinstance(v, list):
        v = ",".join(v) or "none"
    elif k == "cgroup":
        v = "".join("\\%03o" % ord(c) if c in " \t\n\\" else c for c in v)
    print("%s=%s" % (k, v))
')
keys=$(echo "$line" | tr ' ' '\n' | sed -n 's/=.*//p')
expect "events -j: the keys of the /proc line" "$(echo "$kv" | sed 's/=.*//' | tr '\n' ' ')" \
	"$(echo "$keys" | tr '\n' ' ')"
for k in $keys; do
	expect "events -j: $k" "$(echo "$kv" | sed -n "s/^$k=//p")" "$(evf "$line" "$k")"
done
expect "events -j: numbers are numbers" \
	"$(echo "$j" | json 'all(isinstance(d[k], int) for k in ("id", "seq", "ttl", "idle_ms"))')" True
expect "events -j: evidence is a list" "$(echo "$j" | json 'type(d["evidence"]).__name__')" list
# The filters: b's event is on its local port 8301, no socket, no cgroup.
same "events --port: the local port" "$(nsx b "$CTL" events --port 8301)" "$(cat "$W/events")"
expect "events --port: another port" "$(nsx b "$CTL" events --port 8302)" ""
expect "events --cgroup: no cgroup, no match" "$(nsx b "$CTL" events --cgroup /)" ""
expect "events: the refused SYN found no socket" "$(evf "$line" sock)" none

# metrics: the refused connection, in the Prometheus text format.
nsx b "$CTL" metrics > "$W/metrics"
if grep -qx 'rstmon_kernel_resets_total{netns="[0-9]*",dir="out",cause="refused"} 1' "$W/metrics"; then
	pass "metrics: refused out is 1"
else
	fail "metrics: refused out is 1" "$(grep refused "$W/metrics")"
fi
same "metrics: rsts ipv4 out" \
	"$(sed -n 's/^rstmon_rst_segments_total{netns="[0-9]*",family="ipv4",dir="out"} //p' "$W/metrics")" \
	"$(counter b "rst ipv4" out)"
same "metrics: conns_limit" "$(sed -n 's/^rstmon_conns_limit //p' "$W/metrics")" \
	"$(counter b table limit)"
expect "metrics: the cgroups' other sample" \
	"$(grep -c '^rstmon_cgroup_resets_total{netns="[0-9]*",cgroup="other"} [0-9]*$' "$W/metrics")" 1
expect "metrics: every sample typed" "$(awk '
	/^# TYPE / { t[$3] = 1; next } /^#/ { next }
	{ n = $1; sub(/\{.*/, "", n); if (!(n in t)) bad++ } END { print bad + 0 }' "$W/metrics")" 0

# -n NAME: the same as ip netns exec.
expect "-n: status in b" "$("$CTL" -n "$(ns b)" status -j | json 'd["netns"]')" \
	"$(stat -L -c %i "/run/netns/$(ns b)")"
same "-n: events in b" "$("$CTL" --netns "$(ns b)" events)" "$(cat "$W/events")"
rc=$(run_ctl "$W/out" "$W/err" "$CTL" -n "$PFX-nonexistent" status)
expect "-n: an unknown namespace fails" "$rc" 1
if grep -q "no network namespace" "$W/err"; then pass "-n: says so"; else fail "-n: says so" "$(cat "$W/err")"; fi

# events --from: a start past the last gives nothing.
expect "events --from 2: nothing yet" "$(nsx b "$CTL" events --from 2)" ""
same "events --from 1: the first" "$(nsx b "$CTL" events --from 1)" "$(cat "$W/events")"

# --- conns: a live connection between a and b, seen in b -----------------
serve b hold 10.1.0.2 8303
nsx a $KIT client read-wait 10.1.0.2 8303 > /dev/null &
PIDS+=($!)
has_conn() { [ -n "$(ip netns exec "$(ns b)" "$CTL" conns --port 8303 2>/dev/null)" ]; }
wait_until 10 has_conn || fail "conns: the connection on 8303 is tracked"
rc=$(run_ctl "$W/conns" "$W/err" nsx b "$CTL" conns --port 8303)
expect "conns --port 8303: exit 0" "$rc" 0
expect "conns --port 8303: one line" "$(grep -c . "$W/conns")" 1
c=$(head -n 1 "$W/conns")
expect "conns: a conn line" "${c%% *}" conn
expect "conns: family" "$(evf "$c" family)" ipv4
expect "conns: server" "$(evf "$c" server)" 10.1.0.2:8303
case $(evf "$c" client) in
10.1.0.1:[0-9]*) pass "conns: client 10.1.0.1:PORT" ;;
*) fail "conns: client 10.1.0.1:PORT" "$c" ;;
esac
cport=$(evf "$c" client | sed 's/.*://')
if [ "$cport" != 8303 ] && [ "$cport" -ge 1 ] 2>/dev/null && [ "$cport" -le 65535 ]; then
	pass "conns: the client's port is its own"
else
	fail "conns: the client's port is its own" "$cport"
fi
expect "conns: the client sent the SYN" "$(evf "$c" client_flags | tr ',' '\n' | grep -cx syn)" 1
expect "conns: not picked up mid-stream" "$(evf "$c" midstream)" 0
# (Established, or already closing when a slow guest let the actors time out.)
st=$(evf "$c" state)
case $st in established|fin-wait|closing) pass "conns: past its handshake ($st)" ;;
*) fail "conns: past its handshake" "$st" ;; esac
expect "conns: the keys" "$(echo "$c" | tr ' ' '\n' | sed -n 's/=.*//p' | tr '\n' ' ')" \
	"family state midstream age_ms dir client client_segs client_bytes client_ttl client_idle_ms client_fin_ago_ms client_mss client_wscale client_window client_flags server server_segs server_bytes server_ttl server_idle_ms server_fin_ago_ms server_mss server_wscale server_window server_flags "
expect "conns --addr 10.1.0.1 --port 8303: found" \
	"$(nsx b "$CTL" conns --addr 10.1.0.1 --port 8303 | grep -c "server=10.1.0.2:8303 ")" 1
expect "conns --addr 10.1.0.2 --port 8303: found (the server's end)" \
	"$(nsx b "$CTL" conns --addr 10.1.0.2 --port 8303 | grep -c "server=10.1.0.2:8303 ")" 1
expect "conns --port $cport (the client's): found" \
	"$(nsx b "$CTL" conns --port "$cport" | grep -c "server=10.1.0.2:8303 ")" 1
rc=$(run_ctl "$W/out" "$W/err" nsx b "$CTL" conns --port 9)
expect "conns --port 9: nothing, exit 0" "$rc/$(cat "$W/out")" "0/"
expect "conns --state syn-sent --port 8303: nothing" \
	"$(nsx b "$CTL" conns --state syn-sent --port 8303)" ""
expect "conns: b saw it come in" "$(evf "$c" dir)" in
expect "conns --dir in --port 8303: found" \
	"$(nsx b "$CTL" conns --dir in --port 8303 | grep -c "server=10.1.0.2:8303 ")" 1
expect "conns --dir out --port 8303: nothing in b" "$(nsx b "$CTL" conns --dir out --port 8303)" ""
expect "conns --dir out --port 8303: a opened it" \
	"$(nsx a "$CTL" -j conns --dir out --port 8303 | json 'd["dir"]')" out
expect "conns --addr 10.9.9.9 --port 8303: nothing" \
	"$(nsx b "$CTL" conns --addr 10.9.9.9 --port 8303)" ""
expect "conns --addr fd00::1 --port 8303: nothing (another family)" \
	"$(nsx b "$CTL" conns --addr fd00::1 --port 8303)" ""
expect "conns: every line a conn line" "$(nsx b "$CTL" conns | grep -vc '^conn ')" 0
j=$(nsx b "$CTL" conns -j --port 8303)
expect "conns -j: one object" "$(echo "$j" | wc -l)" 1
got=$(echo "$j" | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
keys = ["family", "state", "midstream", "age_ms", "dir"]
for s in ("client", "server"):
    keys += [s] + [s + "_" + k for k in ("segs", "bytes", "ttl", "idle_ms", "fin_ago_ms",
                                        "mss", "wscale", "window", "flags")]
assert list(d) == keys, list(d)
for k in keys:
    if k in ("family", "state", "dir", "client", "server"):
        assert isinstance(d[k], str), k
    elif k.endswith("_flags"):
        assert isinstance(d[k], list) and all(isinstance(f, str) for f in d[k]), k
    elif k.endswith(("_idle_ms", "_fin_ago_ms", "_mss")):
        assert d[k] is None or isinstance(d[k], int), k
    else:
        assert isinstance(d[k], int), k
print(d["family"], d["client"].rsplit(":", 1)[0], d["server"], "syn" in d["client_flags"])
' 2>&1)
expect "conns -j: parses, the keys and their types" "$got" "ipv4 10.1.0.1 10.1.0.2:8303 True"
# The same connection as the text line (its times move on).
expect "conns -j: the text line's endpoints" \
	"$(echo "$j" | json 'd["client"] + " " + d["server"]')" \
	"$(evf "$c" client) $(evf "$c" server)"
if [ "$ONCE" = 1 ]; then
	expect "conns --addr 1.2.3: exit 2" \
		"$(run_ctl "$W/out" "$W/err" nsx b "$CTL" conns --addr 1.2.3)/$(head -n 1 "$W/err")" \
		"2/rstmonctl: invalid address '1.2.3': an IPv4 or IPv6 address"
	for args in "--port 0" "--port 65536" "--state open" "--addr" "extra"; do
		# shellcheck disable=SC2086
		rc=$(run_ctl "$W/out" "$W/err" nsx b "$CTL" conns $args)
		if [ "$rc" = 2 ] && grep -q '^usage: rstmonctl' "$W/err" && [ ! -s "$W/out" ]; then
			pass "usage: 'conns $args' exits 2"
		else
			fail "usage: 'conns $args' exits 2" "exit $rc: $(head -n 2 "$W/err")"
		fi
	done
fi

# --- reset-stats: b's RST counters go back to zero; the events stay ------------
before=$(nsx b "$CTL" stats -j | json 'd["counters"]["rst_ipv4_out"]')
if [ "$before" -ge 1 ] 2>/dev/null; then pass "reset: b had sent RSTs ($before)"
else fail "reset: b had sent RSTs" "$before"; fi
nevents=$(report b | grep -c '^event ')
rc=$(run_ctl "$W/out" "$W/err" nsx b "$CTL" reset-stats)
expect "reset: exit 0, silent" "$rc/$(cat "$W/out" "$W/err")" "0/"
s=$(nsx b "$CTL" stats -j)
expect "reset: stats -j rst_ipv4_out zero" "$(echo "$s" | json 'd["counters"]["rst_ipv4_out"]')" 0
expect "reset: stats -j refused out zero" "$(echo "$s" | json 'd["causes"]["refused"]["out"]')" 0
expect "reset: /proc's rst ipv4 line zero" "$(report b | grep '^rst ipv4 ')" "rst ipv4 in=0 out=0 fwd=0"
expect "reset: the events stay" "$(report b | grep -c '^event ')" "$nevents"
expect "reset: events still listed" "$(nsx b "$CTL" events | grep -c '^event ')" "$nevents"
expect "reset: the connection stays" "$(nsx b "$CTL" conns --port 8303 | grep -c '^conn ')" 1

# --- config -----------------------------------------------------------------
rc=$(run_ctl "$W/out" "$W/err" nsx a "$CTL" config set idle-threshold 42)
expect "config set 42: exit 0" "$rc" 0
expect "config set 42: a's /proc" "$(counter a events idle_threshold)" 42
same "config set 42: b's /proc (the parameter's)" "$(counter b events idle_threshold)" "$OLD_IDLE"
same "config set 42: the parameter unchanged" "$(cat "$IDLE")" "$OLD_IDLE"
nsx a "$CTL" config get > "$W/cfg"
expect "config get: idle-threshold" "$(sed -n 's/^idle-threshold=//p' "$W/cfg")" 42
same "config get: event-ring as /proc's" "$(sed -n 's/^event-ring=//p' "$W/cfg")" \
	"$(counter a events ring)"
same "config get: max-conns as /proc's" "$(sed -n 's/^max-conns=//p' "$W/cfg")" \
	"$(counter a table limit)"
expect "config get -j" "$(nsx a "$CTL" -j config get | json 'd["idle_threshold"]')" 42
rc=$(run_ctl "$W/out" "$W/err" nsx a "$CTL" config set event-ring 64 ipv6 off notify-rate 50)
expect "config set three at once: exit 0" "$rc" 0
nsx a "$CTL" config get > "$W/cfg"
expect "config get: the three" \
	"$(sed -n -e 's/^event-ring=//p' -e 's/^ipv6=//p' -e 's/^notify-rate=//p' "$W/cfg" | xargs)" \
	"64 off 50"
expect "config get: ipv4 untouched" "$(sed -n 's/^ipv4=//p' "$W/cfg")" on
expect "config: /proc's ring" "$(counter a events ring)" 64
expect "config: /proc's config line" "$(report a | grep '^config ')" "config ipv4=1 ipv6=0 notify_rate=50"
expect "config get -j: ipv6 false" "$(nsx a "$CTL" -j config get | json 'd["ipv6"]')" False
nsx a "$CTL" config set ipv6 on event-ring 1024 notify-rate 1000 > /dev/null
expect "config: back on" "$(report a | grep '^config ')" "config ipv4=1 ipv6=1 notify_rate=1000"
# Out of range: refused before asking the kernel (which would refuse it
# too: netlink-raw.sh), with the range.
rc=$(run_ctl "$W/out" "$W/err" nsx a "$CTL" config set idle-threshold 0)
expect "config set 0: refused (exit 2)" "$rc" 2
sed 's/^/# /' "$W/err"
case $(cat "$W/err") in
*"604800"*) pass "config set 0: says the range" ;;
*) fail "config set 0: says the range" "$(cat "$W/err")" ;;
esac
expect "config set 0: unchanged" "$(counter a events idle_threshold)" 42

# --- bad usage: exit 2, usage on stderr (userspace only: once) ----------------
if [ "$ONCE" = 1 ]; then
	for args in "" "bogus" "status extra" "--frob status" "events --from" "events --from x" \
		    "config" "config set" "config set idle-threshold" "config set idle-threshold abc" \
		    "config set idle-threshold 99999999999" "config set frob 1" "-j metrics" \
		    "config set event-ring 8" "config set ipv6 maybe" "config set idle-threshold 5 idle-threshold 6" \
		    "config set notify-rate" "conns --dir up"; do
		# shellcheck disable=SC2086
		rc=$(run_ctl "$W/out" "$W/err" "$CTL" $args)
		if [ "$rc" = 2 ] && grep -q '^usage: rstmonctl' "$W/err" && [ ! -s "$W/out" ]; then
			pass "usage: 'rstmonctl $args' exits 2"
		else
			fail "usage: 'rstmonctl $args' exits 2" "exit $rc: $(head -n 2 "$W/err")"
		fi
	done
	for c in "" status stats events watch "config" "config get" "config set" metrics conns reset-stats; do
		# shellcheck disable=SC2086
		rc=$(run_ctl "$W/out" "$W/err" "$CTL" $c --help)
		if [ "$rc" = 0 ] && grep -q '^usage: rstmonctl' "$W/out"; then
			pass "help: 'rstmonctl $c --help'"
		else
			fail "help: 'rstmonctl $c --help'" "exit $rc"
		fi
	done
fi

# --- unprivileged: nothing (as /proc/net/rstmon, 0440) ------------------------
# One more refused connection: b's RST counter (reset above) reads 1.
expect "refused connect after the reset" "$(tcp_connect a 10.1.0.2 8302)" ECONNREFUSED
rst_before=$(counter b "rst ipv4" out)
for c in "status" "stats" "config get" "metrics" "events" "config set idle-threshold 7" \
	"watch" "conns" "conns --port 8303" "reset-stats"; do
	# shellcheck disable=SC2086
	rc=$(run_ctl "$W/out" "$W/err" nobody b timeout 10 "$CTL" $c)
	sed 's/^/# /' "$W/err"
	if [ "$rc" = 1 ] && grep -q "permission denied: this needs CAP_NET_ADMIN" "$W/err"; then
		pass "nobody: $c refused in plain words"
	else
		fail "nobody: $c refused in plain words" "exit $rc: $(cat "$W/err")"
	fi
done
same "nobody: setting unchanged" "$(counter b events idle_threshold)" "$OLD_IDLE"
expect "nobody: counters not reset" "$rst_before/$(counter b "rst ipv4" out)" "1/1"

# --- watch --------------------------------------------------------------------
# A listener in b (through -n), JSON lines to a file.  It prints nothing
# until an event comes: refused connects until one line arrives tell that
# it has joined; then two more, which must come in order.
"$CTL" -n "$(ns b)" watch -j > "$W/watch" 2> "$W/watch.err" &
WPID=$!
PIDS+=("$WPID")
joined() { tcp_connect a 10.1.0.2 8400 > /dev/null; [ -s "$W/watch" ]; }
wait_until 30 joined || fail "watch: joined the group" "$(cat "$W/watch.err")"
expect "watch: refused connect 1" "$(tcp_connect a 10.1.0.2 8411)" ECONNREFUSED
expect "watch: refused connect 2" "$(tcp_connect a 10.1.0.2 8412)" ECONNREFUSED
wait_until 10 sh -c "grep -c ':841[12]\"' '$W/watch' | grep -qx 2"
got=$(python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
ids = [e["id"] for e in evs]
assert ids == sorted(ids) and len(set(ids)) == len(ids), ids
ours = [e for e in evs if e["src"].endswith((":8411", ":8412"))]
print(" ".join("%s/%s/%s" % (e["src"], e["cause"], e["dir"]) for e in ours),
      ours[1]["id"] - ours[0]["id"] if len(ours) == 2 else "-")
' "$W/watch" 2>&1)
expect "watch: both events, in order of id" "$got" \
	"10.1.0.2:8411/refused/out 10.1.0.2:8412/refused/out 1"
same "watch: the same events as events -j" \
	"$(grep -F ':8412"' "$W/watch")" "$(nsx b "$CTL" events -j | grep -F ':8412"')"
kill -INT "$WPID"
wait_until 5 sh -c "! kill -0 $WPID" || { fail "watch: SIGINT ends it"; kill -KILL "$WPID"; }
wait "$WPID"
expect "watch: SIGINT exits 0" "$?" 0
expect "watch: nothing on stderr" "$(cat "$W/watch.err")" ""

# SIGTERM too, on a text-mode listener in a, once its handler is set: in
# rstmonctl itself (between fork and exec, the PID is a shell's, which may
# catch SIGTERM too).
caught() {
	local m
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = rstmonctl ] || return 1
	m=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status")
	(( (16#$m >> 14) & 1 ))
}
"$CTL" -n "$(ns a)" watch > /dev/null 2> "$W/watch.err" &
WPID=$!
PIDS+=("$WPID")
wait_until 10 caught "$WPID" || fail "watch: SIGTERM handler set"
kill -TERM "$WPID"
wait_until 5 sh -c "! kill -0 $WPID" || { fail "watch: SIGTERM ends it"; kill -KILL "$WPID"; }
wait "$WPID"
expect "watch: SIGTERM exits 0" "$?" 0

# "watch | head -n 1": head leaves after one line; the next event's write
# fails with EPIPE and watch leaves with 0.
(
	ip netns exec "$(ns b)" "$CTL" watch | head -n 1 > "$W/head"
	echo "${PIPESTATUS[0]}" > "$W/head.rc"
) &
PIDS+=($!)
pipe_done() { tcp_connect a 10.1.0.2 8500 > /dev/null; [ -e "$W/head.rc" ]; }
wait_until 30 pipe_done
expect "watch | head -n 1: watch exits 0" "$(cat "$W/head.rc" 2>/dev/null)" 0
expect "watch | head -n 1: one event line" "$(grep -c '^event id=' "$W/head")" 1

# --- unloaded under a watch: it prints what came, says so and exits 0 ---------
"$CTL" -n "$(ns b)" watch > "$W/unload" 2> "$W/unload.err" &
WPID=$!
PIDS+=("$WPID")
joined_unload() { tcp_connect a 10.1.0.2 8600 > /dev/null; [ -s "$W/unload" ]; }
wait_until 30 joined_unload || fail "watch before the unload: joined" "$(cat "$W/unload.err")"

# --- not loaded: the family is gone (and modprobe may not bring it back) -----
if modprobe -r rstmon; then
	wait_until 10 sh -c "! kill -0 $WPID" || { fail "unloaded: the watch ends"; kill "$WPID"; }
	wait "$WPID"
	expect "unloaded: the watch exits 0 (the end, not a failure)" "$?" 0
	expect "unloaded: the watch says so" "$(cat "$W/unload.err")" "rstmonctl: rstmon was unloaded"
	expect "unloaded: the watch printed its events" "$(grep -vc "^event id=" "$W/unload")" 0
	echo /bin/true > "$MODPROBE"
	rc=$(run_ctl "$W/out" "$W/err" "$CTL" status)
	echo "$OLD_MODPROBE" > "$MODPROBE"
	expect "not loaded: exit 1" "$rc" 1
	expect "not loaded: says so" "$(cat "$W/err")" "rstmonctl: rstmon is not loaded: run modprobe rstmon"
	modprobe rstmon || fail "reload rstmon"
else
	fail "unload rstmon"
fi
finish
