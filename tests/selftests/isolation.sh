#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Privilege and namespace isolation, the whole matrix.  Identities: root;
# uid 4242; uid 4242 in a user namespace of its own (root there, but the
# network namespace is still the initial user namespace's); uid 4242 in a
# user and network namespace of its own (its administrator).  Channels:
# every command of the family (listed from the uapi header), the "events"
# group (also through NETLINK_LISTEN_ALL_NSID), /proc/net/rstmon (also as
# /proc/PID/net/rstmon of another namespace) and rstmonctl.  Six test
# namespaces with traffic in address ranges of their own: a -> b (10.1/24,
# fd00:1::/64), c -> d (10.2/24, fd00:2::/64), e on loopback (the same
# 4-tuple as the own namespace's), other (none).  Each sees its own RSTs,
# with the counts its traffic must give, and nothing of the others'.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
H="python3 $TOP/tests/selftests/isolation.py"
CTL=$TOP/userspace-ctl/rstmonctl
ID=4242
[ -x "$CTL" ] || { fail "rstmonctl built ($CTL)"; finish; }
grep -q '^rstmon ' /proc/modules || { fail "rstmon loaded before the test"; finish; }

T=$(mktemp -d)
chmod 1777 "$T"
SYSCTL_OLD=()
restore() {
	local kv
	for kv in "${SYSCTL_OLD[@]}"; do echo "${kv#*=}" > "${kv%%=*}"; done
	rm -rf "$T"
}
trap 'cleanup; restore' EXIT

# run_py CMD...: its TAP lines pass through; a failure or a crash counts,
# and an exit without a "not ok" line of its own (a crash before its
# results) gets one here.
run_py() {
	local out rc
	out=$("$@")
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out"
	if [ "$rc" != 0 ]; then
		if printf '%s\n' "$out" | grep -q '^not ok'; then
			FAILED=$((FAILED + 1))
		else
			fail "$1 ${*:2:3}: exit $rc without a result saying why"
		fi
	fi
}
# user NS CMD...: CMD in test namespace NS as uid $ID, no capability.
user() { local n=$1; shift; nsx "$n" setpriv --reuid=$ID --regid=$ID --clear-groups "$@"; }
# userns NS CMD...: the same, in a user namespace of its own (root there).
userns() { local n=$1; shift; user "$n" unshare -U -r "$@"; }
inum() { stat -L -c %i "/run/netns/$(ns "$1")"; }

# Unprivileged user namespaces: allowed for the test, restored after it.
sysctl_set() {
	local f=/proc/sys/$1
	[ -w "$f" ] || return 0
	if test "$(cat "$f")" "$2" "$3"; then
		SYSCTL_OLD+=("$f=$(cat "$f")")
		echo "$4" > "$f"
	fi
}
sysctl_set user/max_user_namespaces -lt 16 64
sysctl_set kernel/unprivileged_userns_clone -eq 0 1
sysctl_set kernel/apparmor_restrict_unprivileged_userns -ne 0 0

add_ns a b c d e other
link a b 1
link c d 2

# The "events" group is half of this matrix: rstmon registers it wherever
# the kernel has GENL_MCAST_CAP_NET_ADMIN (6.1 of Debian 12 onwards, by a
# backport), so its absence is a failure, not fewer checks.  Only a kernel
# whose own headers show it lacks that flag may go without (a skip).
groups=$(nsx a python3 -c "import sys; sys.path.insert(0, '$TOP/tests/selftests'); import nlraw
print(' '.join(sorted(nlraw.Genl().groups)))" 2>&1)
if [[ " $groups " != *" events "* ]]; then
	hdr=/usr/src/linux-headers-$(uname -r)/include/net/genetlink.h
	[ -e "$hdr" ] && ! grep -q GENL_MCAST_CAP_NET_ADMIN "$hdr" &&
		skip "this kernel has no GENL_MCAST_CAP_NET_ADMIN ($hdr): rstmon has no events group"
	fail "the family has its events group" "groups: '$groups'"
	finish
fi
pass "the family has its events group"

# --- the identities are what they claim --------------------------------------
expect "uid $ID: uid and capabilities" "$(user b sh -c 'id -u; grep ^CapEff /proc/self/status' | xargs)" \
	"$ID CapEff: 0000000000000000"
expect "uid $ID in a user ns: root there, $ID outside, in b's netns" \
	"$(userns b sh -c 'echo $(id -u) $(cat /proc/self/uid_map) $(stat -L -c %i /proc/self/ns/net)')" \
	"0 0 $ID 1 $(inum b)"

# Processes of uid $ID in d: their /proc/PID/net is d's namespace.
ip netns exec "$(ns d)" setpriv --reuid=$ID --regid=$ID --clear-groups sleep 1000 &
SLEEPER=$!
PIDS+=("$SLEEPER")
wait_until 5 sh -c "[ \"\$(stat -L -c %i /proc/$SLEEPER/ns/net)\" = $(inum d) ]" ||
	fail "a process of uid $ID in d"
OTHER_PROC=/proc/$SLEEPER/net/rstmon
expect "root in b reads d's /proc/PID/net/rstmon (the path is d's)" \
	"$(nsx b head -n 1 "$OTHER_PROC" | sed 's/.*netns=//')" "$(inum d)"

# --- the own user+net namespace: a script run inside it ----------------------
# Set up, it listens (ALL_NSID too) and waits for "go"; then 2 refused
# connects on loopback 127.0.0.1:41000 -> 127.0.0.1:7201 (the tuple e uses
# too); at "stop" it checks its views, and at "go2" its own settings.
cat > "$T/own.sh" <<'EOF'
. "$TOP/tests/selftests/lib.sh"
ip link set lo up
echo $$ > "$T/own.pid"
$H listen "$T/stop" "$T/own.lst+allnsid" &
LPID=$!
own=$(stat -L -c %i /proc/self/ns/net)
expect "own ns: root there, $ID outside" "$(id -u) $(cat /proc/self/uid_map | xargs)" "0 0 $ID 1"
wait_until 120 test -e "$T/go" || fail "own ns: the go signal"
run_py $H refuse --sport 41000 127.0.0.1 7201 2
wait_until 120 test -e "$T/stop" || fail "own ns: the stop signal"
wait $LPID
expect "own ns: /proc/net/rstmon mode 0440, its root's" "$(stat -c '%a %u' /proc/net/rstmon)" "440 0"
run_py $H view '{"name": "own ns", "nets": ["127.0.0.0/8"], "rst4_in": 2, "rst4_out": 2,
		 "rst6_in": 0, "rst6_out": 0, "cgroup_rsts": '"$OWN_CG"'}'
"$CTL" events -j > "$T/own.events"
expect "own ns: rstmonctl events: 4, its own" \
	"$(grep -c '"127\.0\.0\.1:' "$T/own.events")/$(grep -cE '10\.[12]\.0\.|fd00:' "$T/own.events")" "4/0"
expect "own ns: rstmonctl status: its own netns" "$("$CTL" status -j | json 'd["netns"]')" "$own"
# Its administrator: the reads refused to uid $ID elsewhere answer here.
for c in "config get" "stats -a"; do
	# shellcheck disable=SC2086
	"$CTL" $c > "$T/own.out" 2> "$T/own.err"
	expect "own ns: rstmonctl $c: allowed" "$?/$([ -s "$T/own.out" ] && echo out)/$(cat "$T/own.err")" "0/out/"
done
"$CTL" metrics > "$T/own.out" 2> "$T/own.err"
# Every sample is labelled with a namespace: its own, and no other.
expect "own ns: rstmonctl metrics: exit 0, its own netns only" \
	"$?/$(grep -o 'netns="[0-9]*"' "$T/own.out" | sort -u | xargs)" "0/netns=$own"
"$CTL" conns -j > "$T/own.conns"
expect "own ns: rstmonctl conns: none of the others'" \
	"$(grep -cE '10\.[12]\.0\.|fd00:' "$T/own.conns")" 0
touch "$T/own.viewed"
wait_until 120 test -e "$T/go2" || fail "own ns: the go2 signal"
run_py $H probe "own ns" yes "$OTHER_PROC"
echo "FAILED=$FAILED" > "$T/own.done"
EOF
export TOP T H CTL ID OTHER_PROC OWN_CG=2
export -f run_py
user b unshare -U -r -n bash "$T/own.sh" > "$T/own.log" 2>&1 &
OWN=$!
PIDS+=("$OWN")

# --- listeners, then traffic ---------------------------------------------------
wait_until 60 test -e "$T/own.pid" || fail "own ns: started" "$(cat "$T/own.log")"
OWN_PID=$(cat "$T/own.pid" 2>/dev/null)
# Ids for b in "other" and in the own namespace: what ALL_NSID needs.
nsx other ip netns set "$(ns b)" 9
nsenter -t "$OWN_PID" -n ip netns set "$(ns b)" 7 ||
	fail "own ns: an id for b there"
# Made with its user namespace, before the maps: owned by that one's
# owner (its root to be), the group root's.
expect "own ns: its /proc/net/rstmon is mode 0440, uid $ID's, group root's" \
	"$(stat -L -c '%a %u %g' "/proc/$OWN_PID/net/rstmon")" "440 $ID 0"
expect "own ns: b has id 7 there" \
	"$(nsenter -t "$OWN_PID" -n ip netns list-id | grep -c 'nsid 7 ')" 1
# Root's listeners in a, b, d, e and other (one process), then uid $ID's
# in b, plain and in a user namespace.
LST=()
nsd=/run/netns/$PFX
$H listen "$T/stop" "$T/root-a.lst@$nsd-a" "$T/root-b.lst@$nsd-b" "$T/root-d.lst@$nsd-d" \
	"$T/root-e.lst@$nsd-e" "$T/root-other.lst@$nsd-other+allnsid" &
LST+=($!)
user b $H listen "$T/stop" "$T/uid-b.lst+allnsid" &
LST+=($!)
userns b $H listen "$T/stop" "$T/userns-b.lst+allnsid" &
LST+=($!)
PIDS+=("${LST[@]}")
for t in root-a root-b root-d root-e root-other uid-b userns-b own; do
	wait_until 60 test -e "$T/$t.lst.ready" || fail "listener $t ready"
done
touch "$T/go"
run_py nsx a $H refuse 10.1.0.2 7001 5 fd00:1::2 7002 2
run_py nsx c $H refuse 10.2.0.2 7101 3 fd00:2::2 7102 1
run_py nsx e $H refuse --sport 41000 127.0.0.1 7201 3

# Events per namespace: each RST seen once in each namespace it passes.
N_A=7 N_B=7 N_D=4 N_E=6 N_OWN=4
events_in() { [ "$(grep -c '"id"' "$T/$1.lst")" -ge "$2" ]; }
wait_until 20 events_in root-a $N_A
wait_until 20 events_in root-b $N_B
wait_until 20 events_in root-d $N_D
wait_until 20 events_in root-e $N_E
wait_until 20 events_in root-other $N_B
wait_until 20 events_in own $N_OWN
touch "$T/stop"
wait "${LST[@]}"

# Each listener: its join and ALL_NSID errnos, and its notifications, all
# of one namespace (with the id given to it where ALL_NSID brought them).
OWN_NS=$(sed -n '1s/.*"netns": \([0-9]*\).*/\1/p' "$T/own.lst")
run_py $H heard \
	"root listener in a|$T/root-a.lst|0|-|$N_A|$(inum a)|-" \
	"root listener in b|$T/root-b.lst|0|-|$N_B|$(inum b)|-" \
	"root listener in d|$T/root-d.lst|0|-|$N_D|$(inum d)|-" \
	"root listener in e (the own ns's tuple)|$T/root-e.lst|0|-|$N_E|$(inum e)|-" \
	"root listener in other, ALL_NSID, b has id 9 (control)|$T/root-other.lst|0|0|$N_B|$(inum b)|9" \
	"uid $ID listener in b|$T/uid-b.lst|EPERM|EPERM|0|$(inum b)|-" \
	"uid $ID in a user ns, listener in b|$T/userns-b.lst|EPERM|EPERM|0|$(inum b)|-" \
	"own ns listener, ALL_NSID, b has id 7|$T/own.lst|0|0|$N_OWN|$OWN_NS|-"

# --- what each namespace sees --------------------------------------------------
v4=10.1.0.0/24 v6=fd00:1::/64 w4=10.2.0.0/24 w6=fd00:2::/64
run_py $H view \
	'{"name": "a", "netns": "'$nsd-a'", "nets": ["'$v4'", "'$v6'"],
	  "rst4_in": 5, "rst4_out": 0, "rst6_in": 2, "rst6_out": 0, "cgroup_rsts": 7}' \
	'{"name": "b", "netns": "'$nsd-b'", "nets": ["'$v4'", "'$v6'"],
	  "rst4_in": 0, "rst4_out": 5, "rst6_in": 0, "rst6_out": 2, "cgroup_rsts": 0}' \
	'{"name": "c", "netns": "'$nsd-c'", "nets": ["'$w4'", "'$w6'"],
	  "rst4_in": 3, "rst4_out": 0, "rst6_in": 1, "rst6_out": 0, "cgroup_rsts": 4}' \
	'{"name": "d", "netns": "'$nsd-d'", "nets": ["'$w4'", "'$w6'"],
	  "rst4_in": 0, "rst4_out": 3, "rst6_in": 0, "rst6_out": 1, "cgroup_rsts": 0}' \
	'{"name": "e", "netns": "'$nsd-e'", "nets": ["127.0.0.0/8"],
	  "rst4_in": 3, "rst4_out": 3, "rst6_in": 0, "rst6_out": 0, "cgroup_rsts": 3}' \
	'{"name": "other", "netns": "'$nsd-other'", "nets": [],
	  "rst4_in": 0, "rst4_out": 0, "rst6_in": 0, "rst6_out": 0, "cgroup_rsts": 0}'

# The state an identity must not move: counters, events, settings.
snap() { report "$1" | grep -E '^(rst |config |events |segments |cause )'; }
snaps() { local n; for n in a b c d e other; do echo "== $n"; snap "$n"; done; }
snaps > "$T/snap0"
# (Compared below: empty snapshots would compare equal.)
expect "the snapshots hold every namespace's RST counters" "$(grep -c '^rst ipv[46] ' "$T/snap0")" 12

# --- the own namespace's administrator changes its own only --------------------
wait_until 120 test -e "$T/own.viewed" || fail "own ns: its views done"
touch "$T/go2"
wait_until 120 test -e "$T/own.done" || fail "own ns: its probe done"
wait "$OWN"
sed -n '/^\(not \)\?ok /p; /^# /p' "$T/own.log"
grep -v '^\(not \)\?ok \|^# ' "$T/own.log" | sed 's/^/# own ns: /'
FAILED=$((FAILED + $(grep -c '^not ok' "$T/own.log")))
# Its own count: a step that failed without a result line (a crash of
# isolation.py there) counts too.
expect "own ns: every step of its script passed" "$(sed -n 's/^FAILED=//p' "$T/own.done" 2>/dev/null)" 0
snaps > "$T/snap1"
expect "own ns: its set-config and reset-stats moved nothing of the test namespaces" \
	"$(diff "$T/snap0" "$T/snap1")" ""

# --- uid 4242, and uid 4242 in a user ns, in b ----------------------------------
run_py user b $H probe "uid $ID in b" no "$OTHER_PROC"
run_py userns b $H probe "uid $ID in a user ns in b" no "$OTHER_PROC"
snaps > "$T/snap2"
expect "refused requests moved nothing" "$(diff "$T/snap1" "$T/snap2")" ""

# rstmonctl: every command, reads included, is refused in plain words
# (CAP_NET_ADMIN over b's namespace, as /proc/net/rstmon).
for who in user userns; do
	label="uid $ID"; [ $who = userns ] && label="uid $ID in a user ns"
	for c in status "status -j" "config get" "stats -a" metrics events watch why cgroups conns \
		"config set idle-threshold 7" reset; do
		# shellcheck disable=SC2086
		$who b timeout 20 "$CTL" $c > "$T/out" 2> "$T/err"
		rc=$?
		want="permission denied"
		if [ "$rc" = 1 ] && grep -q "$want" "$T/err" && [ ! -s "$T/out" ]; then
			pass "$label: rstmonctl $c refused in plain words"
		else
			fail "$label: rstmonctl $c refused in plain words" "exit $rc: $(cat "$T/err" "$T/out")"
		fi
	done
done
snaps > "$T/snap3"
expect "refused rstmonctl commands moved nothing" "$(diff "$T/snap2" "$T/snap3")" ""

# Control: root, the administrator of "other", may do all of it there.
run_py nsx other $H probe "root in other" yes
finish
