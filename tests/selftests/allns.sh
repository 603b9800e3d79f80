#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rstmonctl -A/--all-namespaces and -n PID|PATH (issue 21, "many
# namespaces").  Three namespaces: two named (ip netns, /run/netns) and one
# unnamed, held by a process (unshare -n sleep) and reachable only through
# /proc/PID/ns/net, as a container's is.  That process is moved into a
# Kubernetes-looking cgroup (kubepods-pod<uid>.slice/cri-containerd-<id>.scope)
# when cgroup v2 is mounted and writable.  Refused connects make resets in
# each; then:
#   events -A -j   each namespace's events, labelled with its inode (stat of
#                  /run/netns/NAME and /proc/PID/ns/net), its name, and for
#                  the unnamed one its container and pod; ordered by time
#   events -A      text lines lead with netns= (container=, pod= cut to 12)
#   -n PID, -n /proc/PID/ns/net   act in the unnamed namespace
#   stats -A       one block per namespace under its header line
#   metrics -A     every sample labelled with its namespace
#   why -A -j      the unnamed namespace's reset explained, labelled
#   watch -A       sees a reset made in the unnamed namespace after it started
#   as nobody      the unreadable namespaces in one line, its own skipped
#                  once ("permission denied"), exit 1
#   metrics --listen -A   one listener here scrapes a, b and the unnamed
#                  one: per-namespace kernel counters (= -n's one-shot),
#                  event counts with the right netns labels, a namespace
#                  made later picked up, promtool-valid
#   -n 999999      "no such process", exit 1
#
# Once, on the UML debug kernel: the enumeration and labels are rstmonctl's
# own, over events that other scripts check on every kernel.
# time bound: 720
. "$(dirname "$0")/lib.sh"

uml_only "rstmonctl -A and -n PID|PATH"
need_ctl

W=$(mktemp -d /tmp/rstmon-allns.XXXXXX)
UPID=
CG=
HEX=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
POD=1234abcd

allns_cleanup() {
	[ -n "$UPID" ] && kill "$UPID" 2>/dev/null && wait "$UPID" 2>/dev/null
	if [ -n "$CG" ]; then
		rmdir "$CG/cri-containerd-$HEX.scope" "$CG" \
			/sys/fs/cgroup/kubepods.slice 2>/dev/null
	fi
	rm -rf "$W"
	cleanup
}
trap allns_cleanup EXIT

add_ns a b
link a b 1

# The unnamed namespace: a process's own, linked to a on 10.2.0.0/24.
unshare -n sleep 300 &
UPID=$!
wait_until 5 sh -c "[ \"\$(stat -L -c %i /proc/$UPID/ns/net)\" != \"\$(stat -L -c %i /proc/self/ns/net)\" ]" ||
	{ fail "unshare -n made a namespace"; finish; }
ux() { nsenter -t "$UPID" -n "$@"; }
ux ip link set lo up
ip link add v2-a netns "$(ns a)" type veth peer name v2-u netns "$UPID" ||
	{ fail "veth into the unnamed namespace"; finish; }
nsx a ip addr add 10.2.0.1/24 dev v2-a
nsx a ip link set v2-a up
ux ip addr add 10.2.0.2/24 dev v2-u
ux ip link set v2-u up

INO_A=$(stat -L -c %i "/run/netns/$(ns a)")
INO_B=$(stat -L -c %i "/run/netns/$(ns b)")
INO_U=$(stat -L -c %i "/proc/$UPID/ns/net")
echo "# netns a=$INO_A b=$INO_B unnamed=$INO_U (PID $UPID)"

# A fake pod's cgroup for the unnamed namespace's only process.
LABELS=0
if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] &&
   CG=/sys/fs/cgroup/kubepods.slice/kubepods-pod$POD.slice &&
   mkdir -p "$CG/cri-containerd-$HEX.scope" 2>/dev/null &&
   echo "$UPID" > "$CG/cri-containerd-$HEX.scope/cgroup.procs" 2>/dev/null; then
	LABELS=1
	echo "# PID $UPID in $(cat /proc/$UPID/cgroup)"
else
	echo "# SKIP container/pod labels: cgroup v2 not mounted or not writable at /sys/fs/cgroup"
fi

# Resets: b refuses a (port 9), the unnamed namespace refuses a (port 7).
expect "a -> b refused" "$(tcp_connect a 10.1.0.2 9)" ECONNREFUSED
expect "a -> unnamed refused" "$(tcp_connect a 10.2.0.2 7)" ECONNREFUSED
# And one from the unnamed namespace's side, to a's closed port 8.
expect "unnamed -> a refused" "$(ux python3 -c '
import socket
s = socket.socket()
s.settimeout(5)
try:
    s.connect(("10.2.0.1", 8)); print("CONNECTED")
except ConnectionRefusedError:
    print("ECONNREFUSED")
')" ECONNREFUSED

# has_events: each namespace's ring has its events (a: 2 in, 1 out; b: 1
# out; unnamed: 1 out, 1 in), read from the -A output.
"$CTL" -A -j events > "$W/ev.json" 2> "$W/ev.err"
expect "events -A -j: exit 0" "$?" 0
python3 - "$W/ev.json" "$INO_A" "$INO_B" "$INO_U" "$(ns a)" "$(ns b)" "$LABELS" "$HEX" "$POD" \
	> "$W/ev.check" <<'PY'
import json, sys
f, a, b, u, na, nb, labels, hexid, pod = sys.argv[1:]
ev = [json.loads(l) for l in open(f) if l.strip()]
def of(ino): return [e for e in ev if str(e.get("netns")) == ino]
def ok(c, name, why=""):
    print(("ok - " if c else "not ok - ") + name + ("" if c else " # " + why))
def port(e, k): return e[k].rsplit(":", 1)[1]
ea, eb, eu = of(a), of(b), of(u)
ok(all(k in e for e in ev for k in ("netns", "netns_name", "container", "pod")),
   "events -A -j: every object has netns, netns_name, container, pod")
ok(any(e["dir"] == "out" and port(e, "src") == "9" for e in eb),
   "events -A -j: b's refusal (port 9) under b's inode", str(eb)[:300])
ok(all(e["netns_name"] == nb for e in eb) and eb, "events -A -j: b's events named " + nb)
ok(any(e["dir"] == "in" and port(e, "src") == "9" for e in ea) and
   any(e["dir"] == "in" and port(e, "src") == "7" for e in ea),
   "events -A -j: a's two refusals received, under a's inode", str(ea)[:300])
ok(all(e["netns_name"] == na for e in ea) and ea, "events -A -j: a's events named " + na)
ok(any(e["dir"] == "out" and port(e, "src") == "7" for e in eu),
   "events -A -j: the unnamed namespace's refusal (port 7) under its inode", str(eu)[:300])
ok(any(e["dir"] == "in" and port(e, "src") == "8" for e in eu),
   "events -A -j: the unnamed namespace's received refusal (port 8)", str(eu)[:300])
ok(eu and all(e["netns_name"] is None for e in eu),
   "events -A -j: the unnamed namespace has no name (null)")
if labels == "1":
    ok(eu and all(e["container"] == hexid and e["pod"] == pod for e in eu),
       "events -A -j: the unnamed namespace's container (full id) and pod from its cgroup",
       str([(e["container"], e["pod"]) for e in eu]))
    ok(all(e["container"] is None and e["pod"] is None for e in ea + eb),
       "events -A -j: the named namespaces have no container or pod")
t = [e["time_us"] for e in ev]
ok(t == sorted(t), "events -A -j: all namespaces' events merged by time")
ok(len(set(str(e["netns"]) for e in ev)) >= 3, "events -A -j: three namespaces or more")
PY
cat "$W/ev.check"
FAILED=$((FAILED + $(grep -c '^not ok' "$W/ev.check")))
grep -q '^ok' "$W/ev.check" || fail "events -A -j checked" "$(head -c 300 "$W/ev.json") $(cat "$W/ev.err")"

# Text: a leading netns= column; the unnamed one's ids cut to 12.
"$CTL" -A events > "$W/ev.txt" 2>&1
if [ -s "$W/ev.txt" ] && ! grep -v '^netns=[0-9]* ' "$W/ev.txt" | grep -q .; then
	pass "events -A: every line leads with netns="
else
	fail "events -A: every line leads with netns=" "$(grep -v '^netns=' "$W/ev.txt" | head -n 2)"
fi
want="netns=$INO_U "
[ "$LABELS" = 1 ] && want="netns=$INO_U container=${HEX:0:12} pod=$POD "
if grep -q "^$want.*event id=" "$W/ev.txt"; then
	pass "events -A: the unnamed namespace's lines lead with '$want'"
else
	fail "events -A: the unnamed namespace's lines lead with '$want'" "$(grep "netns=$INO_U" "$W/ev.txt" | head -n 1)"
fi
grep -q "^netns=$INO_A netns_name=$(ns a) event id=" "$W/ev.txt" &&
	pass "events -A: a's lines carry netns_name" ||
	fail "events -A: a's lines carry netns_name" "$(head -n 1 "$W/ev.txt")"

# -n PID and -n /proc/PID/ns/net: the unnamed namespace.
got=$("$CTL" -n "$UPID" -j status | json 'd["netns"]')
expect "-n PID: status of the process's namespace" "$got" "$INO_U"
got=$("$CTL" -n "/proc/$UPID/ns/net" -j status | json 'd["netns"]')
expect "-n /proc/PID/ns/net: status of that namespace" "$got" "$INO_U"
got=$("$CTL" -n "$UPID" events | grep -c ':7 ')
[ "$got" -ge 1 ] && pass "-n PID events: the unnamed namespace's refusal" ||
	fail "-n PID events: the unnamed namespace's refusal" "$got lines with :7"

# stats -A: a block per namespace, under its header.
"$CTL" -A stats > "$W/stats.txt" 2> "$W/stats.err"
expect "stats -A: exit 0" "$?" 0
for ino in "$INO_A" "$INO_B" "$INO_U"; do
	if awk -v h="== netns=$ino " 'index($0, h) == 1 { s = 1; next } s && /^rst ipv4 / { print; exit }' \
		"$W/stats.txt" | grep -q 'rst ipv4 in=[0-9]* out=[0-9]*'; then
		pass "stats -A: a block for netns $ino"
	else
		fail "stats -A: a block for netns $ino" "$(head -n 3 "$W/stats.txt")"
	fi
done
got=$(awk -v h="== netns=$INO_U " 'index($0, h) == 1 { s = 1; next } /^== / { s = 0 } s && /^rst ipv4 /' \
	"$W/stats.txt")
expect "stats -A: the unnamed namespace's block counts its RSTs" "$got" "rst ipv4 in=1 out=1 fwd=0"
n=$("$CTL" -A -j stats | python3 -c '
import json, sys
print(sorted(str(json.loads(l)["netns"]) for l in sys.stdin if l.strip()))' 2>&1)
for ino in "$INO_A" "$INO_B" "$INO_U"; do
	case "$n" in *"'$ino'"*) pass "stats -A -j: an object for netns $ino" ;;
	*) fail "stats -A -j: an object for netns $ino" "$n" ;; esac
done

# metrics -A: every sample labelled; HELP once per metric.
"$CTL" -A metrics > "$W/metrics.txt" 2> "$W/metrics.err"
if grep -v '^#' "$W/metrics.txt" | grep -v 'netns="' | grep -q .; then
	fail "metrics -A: every sample has a netns label" "$(grep -v '^#' "$W/metrics.txt" | grep -v 'netns="' | head -n 2)"
else
	pass "metrics -A: every sample has a netns label"
fi
# The unnamed namespace's sample, its labels in any order.
line=$(grep "^rstmon_events_logged_total{" "$W/metrics.txt" | grep -F "netns=\"$INO_U\"" | head -n 1)
ok_labels=1
[ -n "$line" ] || ok_labels=0
if [ "$LABELS" = 1 ]; then
	[[ $line == *"container=\"$HEX\""* && $line == *"pod=\"$POD\""* ]] || ok_labels=0
fi
[ "$ok_labels" = 1 ] && pass "metrics -A: the unnamed namespace's labels" ||
	fail "metrics -A: the unnamed namespace's labels" "${line:-$(grep "netns=\"$INO_U\"" "$W/metrics.txt" | head -n 1)}"
d=$(grep '^# HELP ' "$W/metrics.txt" | sort | uniq -d | head -n 1)
expect "metrics -A: each HELP line once" "$d" ""

# why -A: the unnamed namespace's refusal explained.
got=$("$CTL" -A -j why --port 7 | python3 -c '
import json, sys
print(sorted(set(str(json.loads(l)["netns"]) for l in sys.stdin if l.strip())))' 2>&1)
case "$got" in *"'$INO_U'"*) pass "why -A -j: the unnamed namespace's reset" ;;
*) fail "why -A -j: the unnamed namespace's reset" "$got" ;; esac

# watch -A: a reset in the unnamed namespace after it started.  Resets are
# made until it prints one (it joins the groups a moment after it starts).
timeout 60 "$CTL" -A -j watch > "$W/watch.json" 2> "$W/watch.err" &
WPID=$!
PIDS+=("$WPID")
seen=0
for i in $(seq 1 40); do
	tcp_connect a 10.2.0.2 6 > /dev/null
	if grep -F '"src":"10.2.0.2:6"' "$W/watch.json" 2>/dev/null |
	   grep -Eq "\"netns\":$INO_U[,}]"; then
		seen=1
		break
	fi
	sleep 0.25
done
[ "$seen" = 1 ] && pass "watch -A: a reset of the unnamed namespace, labelled ($i tries)" ||
	fail "watch -A: a reset of the unnamed namespace, labelled" "$(head -c 300 "$W/watch.json") $(cat "$W/watch.err")"
kill "$WPID" 2>/dev/null
wait "$WPID"
expect "watch -A: SIGTERM ends it with 0" "$?" 0

# Unprivileged: the other processes' namespaces unreadable (one line), its
# own namespace skipped once in plain words, nothing queried: exit 1.
cp "$CTL" "$W/rstmonctl" && chmod 755 "$W" "$W/rstmonctl"
setpriv --reuid=65534 --regid=65534 --clear-groups "$W/rstmonctl" -A stats \
	> "$W/nobody.out" 2> "$W/nobody.err"
expect "-A as nobody: exit 1 (no namespace could be queried)" "$?" 1
sed 's/^/# nobody: /' "$W/nobody.err"
grep -q '^rstmonctl: the network namespaces of [0-9]* process(es) could not be read (permission denied)' \
	"$W/nobody.err" && pass "-A as nobody: the unreadable namespaces said in one line" ||
	fail "-A as nobody: the unreadable namespaces said in one line" "$(head -n 1 "$W/nobody.err")"
# (PID 1's namespace is unreadable to nobody: not named "host" then.)
grep -q "^rstmonctl: netns $(stat -L -c %i /proc/1/ns/net) (of PID [0-9]*) skipped: permission denied: this needs CAP_NET_ADMIN" \
	"$W/nobody.err" &&
	pass "-A as nobody: its own namespace skipped, permission denied" ||
	fail "-A as nobody: its own namespace skipped, permission denied" "$(cat "$W/nobody.err")"
grep -q "^rstmonctl: netns $INO_A ($(ns a)) skipped: permission denied (entering it needs CAP_SYS_ADMIN)" \
	"$W/nobody.err" && pass "-A as nobody: a named namespace skipped, entering needs CAP_SYS_ADMIN" ||
	fail "-A as nobody: a named namespace skipped, entering needs CAP_SYS_ADMIN" "$(cat "$W/nobody.err")"
expect "-A as nobody: each namespace said once" \
	"$(grep -o '^rstmonctl: netns [0-9]*' "$W/nobody.err" | sort | uniq -d)" ""
expect "-A as nobody: nothing on stdout" "$(cat "$W/nobody.out")" ""

# metrics --listen -A: one listener in this (the initial) namespace serves
# every namespace.  Its HTTP socket stays here; each scrape enters a, b and
# the unnamed one; the events are counted per namespace from the start;
# a namespace made after the start is picked up at the next scrape.
LPORT=9467
LURL=http://127.0.0.1:$LPORT/metrics
"$CTL" metrics -A --listen 127.0.0.1:$LPORT > "$W/la.out" 2> "$W/la.err" &
LAPID=$!
PIDS+=("$LAPID")
if wait_until 30 sh -c "ss -Htln | grep -q '127.0.0.1:$LPORT '"; then
	pass "listen -A: up on 127.0.0.1:$LPORT"
else
	fail "listen -A: up on 127.0.0.1:$LPORT" "$(cat "$W/la.err")"
fi
expect "listen -A: the HTTP socket in the starting namespace only" \
	"$(nsx a ss -Htln | grep -c ":$LPORT ")$(ux ss -Htln | grep -c ":$LPORT ")" 00
scrape() { curl -sf -o "$W/la.metrics" "$LURL"; }
# lab NAME: the labels of namespace NAME (a, b, u) as the listener prints them.
lab() {
	case $1 in
	a|b|c) echo "netns=\"$(stat -L -c %i "/run/netns/$(ns "$1")")\",netns_name=\"$(ns "$1")\"" ;;
	u) if [ "$LABELS" = 1 ]; then echo "netns=\"$INO_U\",container=\"$HEX\",pod=\"$POD\""
	   else echo "netns=\"$INO_U\""; fi ;;
	esac
}
# resets NAME DIR: the sum of rstmon_resets_total of NAME in DIR (0: none).
resets() {
	awk -v p="rstmon_resets_total{$(lab "$1"),dir=\"$2\"," 'index($0, p) == 1 { s += $NF }
		END { print s + 0 }' "$W/la.metrics"
}
# kern NAME: NAME's rstmon_kernel_resets_total dir=out cause=refused lines.
kern() { grep -F "rstmon_kernel_resets_total{$(lab "$1"),dir=\"out\",cause=\"refused\"} " "$W/la.metrics"; }
# once NSARG: the same sample of the one-shot metrics in -n NSARG.
once() {
	"$CTL" -n "$1" metrics |
		sed -n 's/^rstmon_kernel_resets_total{netns="[0-9]*",dir="out",cause="refused"} //p'
}

# Resets in b (a -> b:9) and in the unnamed one (a -> u:7) until the
# listener has counted both (it joins the groups a moment after it starts).
seen=0
for i in $(seq 1 40); do
	tcp_connect a 10.1.0.2 9 > /dev/null
	tcp_connect a 10.2.0.2 7 > /dev/null
	if scrape && [ "$(resets b out)" -gt 0 ] && [ "$(resets u out)" -gt 0 ]; then
		seen=1
		break
	fi
	sleep 0.25
done
[ "$seen" = 1 ] && pass "listen -A: events of b and the unnamed namespace counted ($i tries)" ||
	fail "listen -A: events of b and the unnamed namespace counted" \
		"$(grep '^rstmon_resets_total' "$W/la.metrics" 2>/dev/null | head -n 3) $(cat "$W/la.err")"
# The baseline once the listener has read what is queued: two scrapes
# 0.3 s apart that agree.
prev=
for _ in $(seq 1 20); do
	scrape
	cur="$(resets b out) $(resets u out) $(resets a in)"
	[ "$cur" = "$prev" ] && break
	prev=$cur
	sleep 0.3
done
b0=$(resets b out) u0=$(resets u out) a0=$(resets a in)
echo "# listen -A baseline: b out $b0, unnamed out $u0, a in $a0"
# Then exactly 3 more in b, 2 more in the unnamed one.
for i in 1 2 3; do expect "listen -A: a -> b refused ($i)" "$(tcp_connect a 10.1.0.2 9)" ECONNREFUSED; done
for i in 1 2; do expect "listen -A: a -> unnamed refused ($i)" "$(tcp_connect a 10.2.0.2 7)" ECONNREFUSED; done
for _ in $(seq 1 60); do
	scrape && [ "$(resets b out)" -ge $((b0 + 3)) ] && [ "$(resets u out)" -ge $((u0 + 2)) ] &&
		[ "$(resets a in)" -ge $((a0 + 5)) ] && break
	sleep 0.25
done
expect "listen -A: rstmon_resets_total of b (its netns, name): +3" "$(resets b out)" $((b0 + 3))
expect "listen -A: rstmon_resets_total of the unnamed namespace (netns, container, pod): +2" \
	"$(resets u out)" $((u0 + 2))
expect "listen -A: rstmon_resets_total of a (received): +5" "$(resets a in)" $((a0 + 5))
grep '^rstmon_resets_total' "$W/la.metrics" | sed 's/^/# /'

# The kernel's counters: one sample per namespace, its inode, the counts
# of the namespace's own one-shot metrics.
for n in a b u; do
	expect "listen -A: one kernel refused-out sample for $n" "$(kern "$n" | wc -l)" 1
done
expect "listen -A: b's kernel count is -n b's" "$(kern b | sed 's/.* //')" "$(once "$(ns b)")"
expect "listen -A: the unnamed namespace's kernel count is -n PID's" "$(kern u | sed 's/.* //')" \
	"$(once "$UPID")"
expect "listen -A: rstmon_info once per namespace" \
	"$(grep '^rstmon_info{' "$W/la.metrics" | sed 's/^rstmon_info{netns="\([0-9]*\)".*/\1/' | sort | uniq -d)" ""
expect "listen -A: the host's rstmon_info named host" \
	"$(grep -c "^rstmon_info{netns=\"$(stat -L -c %i /proc/1/ns/net)\",netns_name=\"host\"," "$W/la.metrics")" 1
d=$(grep '^# TYPE ' "$W/la.metrics" | sort | uniq -d | head -n 1)
expect "listen -A: each TYPE line once" "$d" ""
if grep -q '^# TYPE rstmon_scrape_namespaces_skipped gauge$' "$W/la.metrics" &&
   grep -Eq '^rstmon_scrape_namespaces_skipped [0-9]+$' "$W/la.metrics" &&
   [ "$(sed -n 's/^rstmon_scrape_namespaces //p' "$W/la.metrics")" -ge 4 ]; then
	pass "listen -A: rstmon_scrape_namespaces ($(sed -n 's/^rstmon_scrape_namespaces //p' "$W/la.metrics")) and _skipped ($(sed -n 's/^rstmon_scrape_namespaces_skipped //p' "$W/la.metrics"))"
else
	fail "listen -A: rstmon_scrape_namespaces and _skipped" "$(grep rstmon_scrape "$W/la.metrics")"
fi
if command -v promtool > /dev/null; then
	if promtool check metrics < "$W/la.metrics" > "$W/la.promtool" 2>&1; then
		pass "listen -A: promtool check metrics"
	else
		fail "listen -A: promtool check metrics" "$(head -n 3 "$W/la.promtool" | tr '\n' ' ')"
	fi
else
	echo "ok - listen -A: promtool check metrics # SKIP promtool not installed"
fi

# A namespace made after the start: picked up at a scrape (which rescans).
add_ns c
link a c 3
seen=0
for i in $(seq 1 40); do
	scrape
	tcp_connect a 10.3.0.2 9 > /dev/null
	if scrape && [ "$(resets c out)" -gt 0 ]; then
		seen=1
		break
	fi
	sleep 0.25
done
[ "$seen" = 1 ] && pass "listen -A: a namespace made after the start, its events counted ($i tries)" ||
	fail "listen -A: a namespace made after the start, its events counted" \
		"$(grep "$(lab c)" "$W/la.metrics" | head -n 2) $(cat "$W/la.err")"
INO_C=$(stat -L -c %i "/run/netns/$(ns c)")
ip netns del "$(ns c)"
scrape
expect "listen -A: a namespace gone, gone from the scrape" \
	"$(grep -c "netns=\"$INO_C\"" "$W/la.metrics")" 0
sed 's/^/# listen -A stderr: /' "$W/la.err"
kill -TERM "$LAPID"
wait "$LAPID"
expect "listen -A: SIGTERM ends it with 0" "$?" 0

# A bad -n: plain words, exit 1.
"$CTL" -n 999999 events > /dev/null 2> "$W/bad.err"
expect "-n 999999: exit 1" "$?" 1
expect "-n 999999: plain words" "$(cat "$W/bad.err")" \
	"rstmonctl: no such process 999999 (no /proc/999999/ns/net)"

finish
