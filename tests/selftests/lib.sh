#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the scenario tests (WireGuard netns.sh style): namespaces made
# by the test and removed by its EXIT trap, veth links, polling with a
# bound instead of sleeping, and TAP-style results ("ok - NAME").

set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PYTHONDONTWRITEBYTECODE=1

PFX=rstmon$$
NSES=()
PIDS=()
FAILED=0

cleanup() {
	local p n
	# serve's PID is the subshell around "ip netns exec": its children
	# (the actors) go first.
	for p in "${PIDS[@]}"; do pkill -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for n in "${NSES[@]}"; do ip netns del "$n" 2>/dev/null; done
	[ "$SERVES" -eq 0 ] || rm -f /tmp/rstmon-ready.$$.*
	return 0
}
trap cleanup EXIT

pass() { echo "ok - $1"; }
fail() { echo "not ok - $1${2:+ # $2}"; FAILED=$((FAILED + 1)); }
skip() { echo "# SKIP $*"; exit 4; }
# Reads of /proc/net/rstmon that failed (report, often inside a command
# substitution, whose FAILED count is lost): one line each, here.  A
# comparison fed by a failed read compares nothing, so any one fails the
# script at its finish.
UNREAD=/tmp/rstmon-unread.$$
rm -f "$UNREAD" "$UNREAD.err"
finish() {
	if [ -s "$UNREAD" ]; then
		fail "every read of /proc/net/rstmon succeeded" \
			"$(wc -l < "$UNREAD") failed, first: $(head -n 1 "$UNREAD")"
	fi
	rm -f "$UNREAD" "$UNREAD.err"
	[ "$FAILED" -eq 0 ]
	exit $?
}

# uml_only WHAT: WHAT is rstmonctl's own, the same on every kernel, and is
# checked once, on the UML debug kernel; on another the script is skipped
# (exit 4, reported as skipped with this reason), not passed.
uml_only() {
	[ "${RSTMON_KERNEL:-uml}" = uml ] ||
		skip "kernel-independent: $1 runs on the uml guest only (this is $RSTMON_KERNEL)"
}

# need_ctl: CTL is the built rstmonctl and rstmon is loaded, or the script
# fails here.
need_ctl() {
	CTL=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/userspace-ctl/rstmonctl
	[ -x "$CTL" ] || { fail "rstmonctl built ($CTL)"; finish; }
	grep -q '^rstmon ' /proc/modules || { fail "rstmon loaded before the test"; finish; }
}

# ns NAME: the full name of test namespace NAME.
ns() { echo "$PFX-$1"; }
# nsx NAME CMD...: run CMD in test namespace NAME.
nsx() { local n=$PFX-$1; shift; ip netns exec "$n" "$@"; }

# add_ns NAME...: create namespaces with loopback up.
add_ns() {
	local n
	for n in "$@"; do
		ip netns add "$(ns "$n")" || return 1
		NSES+=("$(ns "$n")")
		nsx "$n" ip link set lo up
	done
}

# link A B N: a veth between namespaces A and B on subnet N: A gets
# 10.N.0.1 and fd00:N::1, B gets .2 and ::2 (no DAD wait).
link() {
	local a=$1 b=$2 n=$3
	ip link add "v$n-a" netns "$(ns "$a")" type veth peer name "v$n-b" netns "$(ns "$b")" ||
		return 1
	nsx "$a" ip addr add "10.$n.0.1/24" dev "v$n-a"
	nsx "$a" ip addr add "fd00:$n::1/64" dev "v$n-a" nodad
	nsx "$b" ip addr add "10.$n.0.2/24" dev "v$n-b"
	nsx "$b" ip addr add "fd00:$n::2/64" dev "v$n-b" nodad
	nsx "$a" ip link set "v$n-a" up
	nsx "$b" ip link set "v$n-b" up
}

# wait_until SECONDS CMD...: poll CMD every 50 ms until it succeeds, for
# at most SECONDS of wall-clock time, times RSTMON_WAIT_SCALE (default 3)
# when SECONDS is 5 or more.  A poll costs nothing when the machine is
# quick, and a bound is what a slow one may take: three guests share two
# cores in make check, and on a noisy CI machine a python server once took
# more than 10 s to listen.  Bounds under 5 s are waits whose timing is
# the point (a retry loop), and stay as written.
wait_until() {
	local t=$1 deadline
	[ "$t" -ge 5 ] && t=$((t * ${RSTMON_WAIT_SCALE:-3}))
	deadline=$((SECONDS + t))
	shift
	while ! "$@" 2>/dev/null; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# own_rstmon_back: after a test that installed another rstmon, the
# harness's own (updates/rstmon.ko) is the one modprobe finds, and loaded.
own_rstmon_back() {
	local name="the test's own rstmon is back and loaded"
	if [ "$(modinfo -n rstmon 2>/dev/null)" = "/lib/modules/$(uname -r)/updates/rstmon.ko" ] &&
	   [ -d /sys/module/rstmon ]; then
		pass "$name"
	else
		fail "$name" "$(modinfo -n rstmon 2>&1)"
	fi
}

# report NAME: /proc/net/rstmon of namespace NAME.  A read that fails is
# recorded for finish (see UNREAD) and returns 1; a reader that stops early
# (SIGPIPE, status 141) is no failure.
report() {
	local rc=0
	nsx "$1" cat /proc/net/rstmon 2>> "$UNREAD.err" || rc=$?
	case $rc in
	0|141) return 0 ;;
	esac
	echo "namespace $1: status $rc: $(tail -n 1 "$UNREAD.err" 2>/dev/null)" >> "$UNREAD"
	return 1
}

# counter NAME LINE KEY: the value of KEY=... on the report line that
# starts with LINE (e.g. counter srv "rst ipv4" out).
counter() { report "$1" | counter_in "$2" "$3"; }

# counter_in LINE KEY: the same, of a report on stdin (e.g. init_net's:
# counter_in events logged < /proc/net/rstmon).
counter_in() {
	local l kv
	local -a kvs

	while IFS= read -r l; do
		[[ $l == "$1 "* || $l == "$1" ]] || continue
		read -r -a kvs <<< "$l"
		for kv in "${kvs[@]}"; do
			if [[ $kv == "$2="* ]]; then
				printf '%s\n' "${kv#*=}"
				return 0
			fi
		done
	done
}

# json EXPR: a python expression on "d", the JSON document on stdin.
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# expect NAME GOT WANT: one result comparing two values.
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}

# same NAME GOT WANT: as expect, for a WANT read from another source (a
# report, a file): an empty WANT is nothing read, and fails.
same() {
	if [ -z "$3" ]; then
		fail "$1" "nothing to compare with (got '$2')"
	else
		expect "$@"
	fi
}

# tcp_connect NS ADDR PORT: one connect attempt; prints its errno name.
tcp_connect() {
	nsx "$1" python3 - "$2" "$3" <<'PY'
import errno, socket, sys
host, port = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.settimeout(5)
try:
    s.connect((host, port))
    print("CONNECTED")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e)))
PY
}

KIT="python3 $(dirname "${BASH_SOURCE[0]}")/tcpkit.py"

# ev NS PORT DIR: the first event of namespace NS in direction DIR on a
# connection with port PORT at either end: the RST that ended it (later
# ones answer stray segments of a connection already gone).
ev() {
	local r

	r=$(report "$1")
	ev_in "$r" "$2" "$3" && printf '%s\n' "$EVL"
	return 0
}

# ev_in REPORT PORT DIR: the same from a report already read, in EVL
# (empty, and status 1, when there is none).  Bash alone, like evf and
# counter_in: in the emulated guests every process costs a tenth of a
# second or more, and the scripts ask these questions hundreds of times.
ev_in() {
	local l

	EVL=
	while IFS= read -r l; do
		if [[ $l == "event "* && $l == *" dir=$3 "* && "$l " == *":$2 "* ]]; then
			EVL=$l
			return 0
		fi
	done <<< "$1"
	return 1
}

# has_event NS PORT DIR: namespace NS logged such an event, in EVL (for
# polling: an unreadable report is no event, and not recorded).
has_event() {
	local r

	EVL=
	r=$(nsx "$1" cat /proc/net/rstmon 2> /dev/null) && ev_in "$r" "$2" "$3"
}

# wait_ev NS PORT DIR: wait up to 5 s for has_event, then EVL is ev's
# line (empty when none came; then report records an unreadable report).
wait_ev() {
	wait_until 5 has_event "$1" "$2" "$3" || EVL=$(ev "$1" "$2" "$3")
}

# event_table NS: one line per event of namespace NS, the columns an
# operator reads first.
event_table() {
	printf '  %-4s %-9s %-16s %-8s %-24s    %-24s %s\n' dir sender cause confid. src dst state
	report "$1" | awk '$1 == "event" {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = substr($i, length(kv[1]) + 2) }
		printf "  %-4s %-9s %-16s %-8s %-24s -> %-24s %s\n", v["dir"], v["sender"],
			v["cause"], v["confidence"], v["src"], v["dst"], v["state"]
	}'
}

# evf LINE KEY: the value of KEY= in an event line.
evf() {
	local kv
	local -a kvs

	read -r -d '' -a kvs <<< "$1"
	for kv in "${kvs[@]}"; do
		if [[ $kv == "$2="* ]]; then
			printf '%s\n' "${kv#*=}"
			return 0
		fi
	done
}

# expect_reset NAME OUT NS PORT: a client's outcome OUT after the segment
# that should draw an RST to it (namespace NS, PORT): ECONNRESET passes.
# TIMEOUT is the scenario not provoked within the client's bound, not a
# verdict of rstmon's: rarely (about one run in three, on a loaded machine,
# IPv4 or IPv6) the segment after a conntrack timeout draws no reset within
# 15 s.  It is reported as a skip with what rstmon saw; rstmon's verdicts on
# the events are checked on their own.  Any other outcome fails.
expect_reset() {
	local line

	case $2 in
	ECONNRESET) pass "$1" ;;
	TIMEOUT)
		line=$(ev "$3" "$4" in)
		echo "ok - $1 # SKIP no reset within the client's 15 s (rstmon's event: ${line:-none})" ;;
	*) fail "$1" "got '$2', want 'ECONNRESET'" ;;
	esac
}

# expect_event NAME NS PORT DIR SENDER CAUSE: the first such event says
# SENDER and CAUSE (waits up to 5 s for it to appear).
expect_event() {
	local name=$1 n=$2 port=$3 dir=$4 line got

	wait_ev "$n" "$port" "$dir"
	line=$EVL
	got="$(evf "$line" sender)/$(evf "$line" cause)"
	if [ "$got" = "$5/$6" ]; then
		pass "$name"
	else
		fail "$name" "got $got, want $5/$6: ${line:-no event}"
	fi
}

# no_event NAME NS PORT: namespace NS logged no event for port PORT (its
# report read whole: an unreadable one fails).
no_event() {
	local r l

	if ! r=$(report "$2") || [[ $r != "rstmon version="*$'\nevents logged='* ]]; then
		fail "$1" "no report from namespace $2"
		return
	fi
	while IFS= read -r l; do
		if [[ $l == "event "* && "$l " == *":$3 "* ]]; then
			fail "$1" "$l"
			return
		fi
	done <<< "$r"
	pass "$1"
}

# stop PID: end a server started by serve (PID is the subshell around
# "ip netns exec"; the actor is its child) and reap it.
stop() {
	local kids c
	kids=$(ps -o pid= --ppid "$1")
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	for c in $kids; do kill "$c" 2>/dev/null; done
}

# serve NS MODE ADDR PORT [ARG]: start a tcpkit server, wait until it listens.
serve() {
	local n=$1 addr=$3 port=$4

	ready_file
	RSTMON_READY=$READY nsx "$n" $KIT server "$2" "$addr" "$port" ${5:+"$5"} &
	PIDS+=($!)
	wait_until 30 test -e "$READY" || fail "server $2 listening on $port"
}

# ready_file: READY, a fresh path for a tcpkit server's RSTMON_READY (its
# listener creates the file once it listens); cleanup removes them all.
SERVES=0
ready_file() {
	SERVES=$((SERVES + 1))
	READY=/tmp/rstmon-ready.$$.$SERVES.$RANDOM
}
