#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Churn, on the UML debug kernel only (KASAN, lockdep, PROVE_RCU,
# kmemleak; the stock kernel's guest is emulated, far too slow for it):
#
#  1. RSTMON_CHURN_CYCLES cycles of "modprobe -r rstmon; modprobe
#     rstmon" while TCP flows between two namespaces (a rate-limited
#     iperf3 stream and a stream of refused connects, IPv4 and IPv6) and
#     "rstmonctl watch" listens: each cycle's unload ends the watch with
#     status 0 and "rstmonctl: rstmon was unloaded"; the reloaded module
#     sees the traffic (segments in /proc/net/rstmon) and a watch started
#     after the reload receives an event (it is the one the next unload
#     ends).
#  2. RSTMON_CHURN_NETNS network namespaces created and destroyed
#     (unshare and setns back in one process) while the traffic goes on,
#     each with TCP of its own (refused connects on 127.0.0.1 and ::1, a
#     connection ended by an abortive close): table entries and events
#     when it dies.  The long-lived namespaces' traffic is seen all along,
#     and the number of namespaces comes back to where it was.
#
# No leak: kmemleak cleared at the start, scanned at the end.  The rig
# checks the kernel log for reports after all tests.
#
# Sizes: "make check" runs 50 cycles and 100 namespaces (a minute or two
# in UML): enough for a leak or a reference count gone wrong in load and
# unload, or in the per-namespace init and exit, to show in kmemleak, the
# namespace count and the kernel log.  "make stress" (RSTMON_STRESS=1)
# runs 1000 and 1000.  RSTMON_CHURN_CYCLES and RSTMON_CHURN_NETNS set
# either.
#
# Time: both parts are loops bounded by count and by time; part 1 stops at
# two thirds of the script's bound (below; guest-tests.sh's 7200 s under
# make stress), part 2 two minutes before it.  A loop that the time bound
# cut short says how far it got ("# cycles: N of M (time bound)") and its
# checks cover the rounds it completed: a slow machine is no failure, a
# wrong outcome in any round is, and so is no round completed at all.
#
# time bound: 1800
. "$(dirname "$0")/lib.sh"

# UML says so in /proc/cpuinfo (its uname -m is the host's machine).
grep -q '^vendor_id.*User Mode Linux' /proc/cpuinfo || [ "$(uname -m)" = um ] ||
	skip "churn runs on the UML debug kernel only"
command -v iperf3 >/dev/null || skip "iperf3 not installed"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CTL=$TOP/userspace-ctl/rstmonctl
[ -x "$CTL" ] || { fail "rstmonctl built ($CTL)"; finish; }
grep -q '^rstmon ' /proc/modules || { fail "rstmon loaded before the test"; finish; }

if [ "${RSTMON_STRESS:-}" = 1 ]; then
	CYCLES=${RSTMON_CHURN_CYCLES:-1000}
	NETNS=${RSTMON_CHURN_NETNS:-1000}
	# guest-tests.sh bounds each script so under make stress.
	BOUND=${RSTMON_STRESS_BOUND:-7200}
else
	CYCLES=${RSTMON_CHURN_CYCLES:-50}
	NETNS=${RSTMON_CHURN_NETNS:-100}
	BOUND=$(sed -n 's/^# time bound: \([0-9][0-9]*\)$/\1/p' "$0")
fi
echo "# sizes: $CYCLES cycles, $NETNS namespaces; time bound ${BOUND}s"
# Part 1 stops at this many seconds, leaving part 2 its share.
P1_END=$((BOUND * 2 / 3))
KML=/sys/kernel/debug/kmemleak
SLAB=/sys/kernel/slab/net_namespace/shrink

W=$(mktemp -d)
WPID=
restore() {
	[ -n "$WPID" ] && kill "$WPID" 2>/dev/null
	cleanup
	[ -d /sys/module/rstmon ] || modprobe rstmon
	rm -rf "$W"
}
trap restore EXIT

# Leaks from before are not this test's.
[ -w "$KML" ] && echo clear > "$KML"

# --- traffic between cli and srv, for the whole test --------------------------
add_ns cli srv
link cli srv 1
SRV=$(ns srv)
# A process that stays in srv: its /proc/PID/net/rstmon is srv's, read
# without a fork.
nsx srv sh -c "echo \$\$ > '$W/srv.pid'; exec sleep $BOUND" &
PIDS+=($!)
wait_until 5 test -s "$W/srv.pid" || fail "a process in srv"
SRVPROC=/proc/$(cat "$W/srv.pid")/net/rstmon

nsx srv iperf3 -s -1 -p 5201 > "$W/iperf-s" 2>&1 &
PIDS+=($!)
wait_until 10 nsx srv sh -c 'ss -Htln | grep -q :5201' || fail "iperf3 server listening"
nsx cli iperf3 -c 10.1.0.2 -p 5201 -t "$BOUND" -b 5M > "$W/iperf-c" 2>&1 &
PIDS+=($!)
# Refused connects, about 20 a second, IPv4 and IPv6 in turn: srv's RSTs.
nsx cli python3 - "$BOUND" <<'PY' &
import socket, sys, time
end = time.monotonic() + int(sys.argv[1])
for i in range(50 * int(sys.argv[1])):
    if time.monotonic() >= end:
        break
    fam, host = ((socket.AF_INET, "10.1.0.2"), (socket.AF_INET6, "fd00:1::2"))[i % 2]
    s = socket.socket(fam)
    s.settimeout(2)
    try:
        s.connect((host, 9))
    except OSError:
        pass
    s.close()
    time.sleep(0.05)
PY
PIDS+=($!)
established() { nsx srv sh -c 'ss -Htn state established | grep -q :5201'; }
if ! wait_until 20 established; then
	fail "iperf3 stream established"
	cat "$W/iperf-s" "$W/iperf-c"
fi

# segs_seen: srv's "segments in=" is not 0 (no fork: this runs often).
segs_seen() {
	local l
	while read -r l; do
		case $l in
		"segments in="*) l=${l#segments in=}; [ "${l%% *}" != 0 ]; return ;;
		esac
	done < "$SRVPROC"
	return 1
}
# segs_in: srv's "segments in=".
segs_in() { awk '$1 == "segments" { sub("in=", "", $2); print $2 }' "$SRVPROC"; }
dead() { ! kill -0 "$1" 2>/dev/null; }

# start_watch: a watch in srv, JSON to $W/watch.out.  The file is
# emptied first: the child may open it after the parent's first look.
start_watch() {
	: > "$W/watch.out"
	"$CTL" -n "$SRV" watch -j > "$W/watch.out" 2> "$W/watch.err" &
	WPID=$!
}
# watch_heard: true once the watch has received an event (the refused
# connects make one every 50 ms): it has joined the group.
watch_heard() { wait_until 10 test -s "$W/watch.out"; }

# Microseconds spent in each step of a cycle, for the per-cycle cost.
declare -A US=()
lap() {
	local now=${EPOCHREALTIME/./}
	US[$1]=$((${US[$1]:-0} + now - LAP))
	LAP=$now
}

# show_watch: where the watch is, and its sockets' queues.
show_watch() {
	local ino
	echo "# watch $WPID: $(grep '^State:' "/proc/$WPID/status")"
	echo "# modules: $(grep '^rstmon ' /proc/modules)"
	ip netns exec "$SRV" genl ctrl list 2>&1 | grep -A1 '^Name: rstmon' | sed 's/^/# genl: /'
	for ino in $(ls -l "/proc/$WPID/fd" | sed -n 's/.*socket:\[\([0-9]*\)\]/\1/p'); do
		awk -v i="$ino" '$NF == i || NR == 1' "/proc/$WPID/net/netlink" | sed 's/^/# netlink: /'
	done
	sed 's/^/# out: /' "$W/watch.out" | tail -n 3
}

# --- part 1: unload and reload under traffic, a watch listening -------------
# Each kind of failure is counted; its first one is shown.
declare -A BAD=()
bad() {
	BAD[$1]=$((${BAD[$1]:-0} + 1))
	[ "${BAD[$1]}" -eq 1 ] && echo "# cycle $i: first failure of '$1': $2"
}

i=0
start_watch
watch_heard || bad "a watch receives an event" "$(cat "$W/watch.err")"
t0=$SECONDS
n=0
timed_out=
whole_checked=0
for ((i = 1; i <= CYCLES; i++)); do
	if [ "$SECONDS" -ge "$P1_END" ]; then
		timed_out=1
		break
	fi
	LAP=${EPOCHREALTIME/./}
	if ! modprobe -r rstmon || [ -d /sys/module/rstmon ]; then
		bad "unload" "$(grep '^rstmon ' /proc/modules)"
		break
	fi
	lap unload
	# The watch that listened ends, saying why.
	if wait_until 10 dead "$WPID"; then
		wait "$WPID"
		rc=$?
	else
		[ -n "${BAD["the unload ends the watch"]:-}" ] || show_watch
		kill "$WPID"
		wait "$WPID"
		rc=timeout
	fi
	msg=
	read -r msg < "$W/watch.err"
	[ "$rc/$msg" = "0/rstmonctl: rstmon was unloaded" ] ||
		bad "the unload ends the watch" "exit $rc: $(cat "$W/watch.err")"
	# What it printed is whole JSON lines (the first cycle and every 50th
	# after it: python is slow here).
	if [ $((i % 50)) -eq 1 ]; then
		whole_checked=$((whole_checked + 1))
		python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$W/watch.out" ||
			bad "the watch's output is whole" "$(tail -n 1 "$W/watch.out")"
	fi
	WPID=
	lap "watch ends"
	if ! modprobe rstmon; then
		bad "reload" "modprobe rstmon failed"
		break
	fi
	lap load
	# A new watch starts while the traffic is looked for.
	start_watch
	wait_until 10 segs_seen || bad "the reloaded module sees traffic" "$(cat "$SRVPROC")"
	lap "traffic seen"
	watch_heard || bad "a watch receives an event" "$(cat "$W/watch.err")"
	lap "watch hears"
	n=$i
done
t1=$SECONDS
echo "# cycles: $n of $CYCLES${timed_out:+ (time bound)}"
echo "# part 1: $((t1 - t0)) s, $(( (t1 - t0) * 1000 / (n > 0 ? n : 1) )) ms a cycle"
for k in unload "watch ends" load "traffic seen" "watch hears"; do
	echo "# part 1: $k: $(( ${US[$k]:-0} / 1000 / (n > 0 ? n : 1) )) ms a cycle"
done
# All cycles, or as many as the time allowed; never none, and never fewer
# because one went wrong (that one's failure is counted below too).
if [ "$n" -eq "$CYCLES" ]; then
	pass "part 1: $CYCLES cycles completed"
elif [ "$n" -gt 0 ] && [ -n "$timed_out" ]; then
	pass "part 1: cycles completed before the time bound ($n of $CYCLES)"
else
	fail "part 1: cycles completed" "$n of $CYCLES${timed_out:+ (time bound)}"
fi
for k in "unload" "reload" "the unload ends the watch" "the watch's output is whole" \
	 "the reloaded module sees traffic" "a watch receives an event"; do
	expect "part 1: $k (failures)" "${BAD[$k]:-0}" 0
done
# The output check ran (it runs on cycle 1 of every 50).
[ "$n" -eq 0 ] || [ "$whole_checked" -gt 0 ] ||
	fail "part 1: the watch's output was checked" "in none of $n cycles"
if established; then
	pass "part 1: the iperf3 stream survived the reloads"
else
	fail "part 1: the iperf3 stream survived the reloads"
	nsx srv ss -tan; cat "$W/iperf-s" "$W/iperf-c"
fi

# The last watch still listens; SIGINT ends it as before.
kill -INT "$WPID"
wait_until 5 dead "$WPID" || kill -KILL "$WPID"
wait "$WPID"
expect "part 1: the last watch ends on SIGINT with 0" "$?" 0
WPID=

# --- part 2: namespaces created and destroyed under traffic --------------------
# nets: struct net objects allocated, exact once the cache is shrunk
# (which empties KASAN's quarantine and the CPU slabs).
nets() {
	echo 1 > "$SLAB" && awk '$1 == "net_namespace" { print $2 }' /proc/slabinfo
}
# nets_now: the same after one more namespace made and destroyed.  The
# kernel frees a dead namespace's memory one cleanup round late
# (net_complete_free()): once that one's round has run, the namespaces
# alive and it are all there is.
nets_now() { unshare -n true && nets; }
[ -w "$SLAB" ] || fail "part 2: $SLAB present (counting namespaces)"
# The least of a few (a round may not have run yet when counted).
base=$(nets_now)
for k in 1 2 3 4 5 6 7 8 9; do
	c=$(nets_now)
	[ "$c" -lt "$base" ] && base=$c
done
t0=$SECONDS
python3 - "$NETNS" "$SRVPROC" "$((BOUND - SECONDS - 120))" "$SLAB" > "$W/netns" <<'PY'
import ctypes, fcntl, json, os, socket, struct, sys, time

CLONE_NEWNET = 0x40000000
SIOCSIFFLAGS, IFF_UP = 0x8914, 1
n, srv, budget, slab = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
end = time.monotonic() + budget
libc = ctypes.CDLL(None, use_errno=True)
home = os.open("/proc/self/ns/net", os.O_RDONLY)
res = {"created": 0, "destroyed": 0, "seen": 0, "completed": 0, "srv_samples": [],
       "max_alive": 0, "time_bound": False, "error": None}
# srv's segments, sampled ten times over the run (and at its end).
every = max(1, n // 10)


def report(path):
    """The table, events and segments lines of a /proc/net/rstmon."""
    r = {}
    with open(path) as f:
        for l in f:
            w = l.split()
            if w and w[0] in ("table", "events", "segments"):
                r[w[0]] = dict(kv.split("=", 1) for kv in w[1:])
    return r


def alive():
    with open(slab, "w") as f:
        f.write("1")
    with open("/proc/slabinfo") as f:
        for l in f:
            if l.startswith("net_namespace "):
                return int(l.split()[1])


def traffic():
    """Refused connects (IPv4, IPv6), a connection ended by SO_LINGER 0."""
    for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        with socket.socket(fam) as c:
            try:
                c.connect((host, 9))
                raise RuntimeError("connect to %s:9 succeeded" % host)
            except ConnectionRefusedError:
                pass
    with socket.socket() as l:
        l.bind(("127.0.0.1", 0))
        l.listen()
        c = socket.create_connection(l.getsockname(), timeout=5)
        a, _ = l.accept()
        c.sendall(b"x")
        a.recv(1)
        a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        a.close()
        c.close()


def seen():
    """This namespace's rstmon has table entries and events."""
    for _ in range(100):
        r = report("/proc/thread-self/net/rstmon")
        if int(r["table"]["conns"]) > 0 and int(r["events"]["logged"]) > 0:
            return True
        time.sleep(0.02)
    return False


base = alive()
try:
    for i in range(n):
        if time.monotonic() >= end:
            res["time_bound"] = True
            break
        if i % 50 == 0:
            a = alive()
            res["max_alive"] = max(res["max_alive"], a)
            # The dying ones are freed by a worker: wait for it to keep up.
            for _ in range(600):
                if a <= base + 100:
                    break
                time.sleep(0.1)
                a = alive()
        if i % every == 0:
            res["srv_samples"].append(int(report(srv)["segments"]["in"]))
        if libc.unshare(CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "unshare")
        res["created"] += 1
        with socket.socket() as s:
            fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sh22x", b"lo", IFF_UP))
        traffic()
        res["seen"] += seen()
        if libc.setns(home, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns")
        res["destroyed"] += 1
        res["completed"] += 1
    res["srv_samples"].append(int(report(srv)["segments"]["in"]))
except Exception as e:
    res["error"] = repr(e)
print(json.dumps(res))
PY
t1=$SECONDS
r=$(tail -n 1 "$W/netns")
echo "# part 2: $r"
echo "# part 2: $((t1 - t0)) s"
# All namespaces, or as many as the time allowed: each one completed had
# its traffic seen and was left to die; none completed is a failure.
done2=$(echo "$r" | json 'd["completed"]')
bound2=$(echo "$r" | json 'd["time_bound"]')
[ "$bound2" = True ] && echo "# namespaces: $done2 of $NETNS (time bound)"
expect "part 2: no error" "$(echo "$r" | json 'd["error"]')" None
if [ "$done2" = "$NETNS" ]; then
	pass "part 2: $NETNS namespaces completed"
elif [ "$bound2" = True ] && [ "${done2:-0}" -gt 0 ]; then
	pass "part 2: namespaces completed before the time bound ($done2 of $NETNS)"
else
	fail "part 2: namespaces completed" "${done2:-none} of $NETNS${bound2:+, time bound: $bound2}"
fi
if [ "${done2:-0}" -gt 0 ]; then
	same "part 2: namespaces created (one per round)" "$(echo "$r" | json 'd["created"]')" "$done2"
	same "part 2: namespaces left behind to die" "$(echo "$r" | json 'd["destroyed"]')" "$done2"
	same "part 2: each had table entries and events" "$(echo "$r" | json 'd["seen"]')" "$done2"
fi
expect "part 2: srv's traffic seen all along (segments grow, 2 samples or more)" \
	"$(echo "$r" | json 'len(d["srv_samples"]) >= 2 and all(b > a for a, b in zip(d["srv_samples"], d["srv_samples"][1:]))')" True
# Every namespace made here is freed: as many as before, or fewer (some
# of an earlier test may have been dying still).
back() { [ "$(nets_now)" -le "$base" ]; }
if wait_until 120 back; then
	pass "part 2: the namespaces are freed ($(nets), before $base)"
else
	fail "part 2: the namespaces are freed" "$(nets) alive, before $base"
fi
if established; then
	pass "part 2: the iperf3 stream survived the namespaces"
else
	fail "part 2: the iperf3 stream survived the namespaces"
	nsx srv ss -tan; cat "$W/iperf-s" "$W/iperf-c"
fi
grew() { [ "$(segs_in)" -gt "$1" ]; }
if wait_until 10 grew "$(segs_in)"; then
	pass "srv's traffic still seen at the end"
else
	fail "srv's traffic still seen at the end"
fi

# --- no leak ----------------------------------------------------------------------
if [ -w "$KML" ]; then
	echo scan > "$KML"
	echo scan > "$KML"
	leaks=$(cat "$KML")
	if [ -z "$leaks" ]; then
		pass "kmemleak: nothing unreferenced"
	else
		fail "kmemleak: nothing unreferenced" "$(echo "$leaks" | grep -m1 unreferenced)"
		echo "$leaks" | head -n 60 | sed 's/^/# /'
	fi
fi
finish
