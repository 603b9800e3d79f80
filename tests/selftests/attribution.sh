#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who an RST hit: for a server in a dedicated cgroup (made here, under the
# guest's cgroup2 mount) running as its own uid, each event names the local
# socket, its owner, its cgroup, the namespace and the listening port; a
# stateless reply says that no local socket existed; forwarded RSTs name
# none; and RSTs are counted by cgroup (GET_CGROUPS, through YNL).
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CGROOT=/sys/fs/cgroup
[ -e "$CGROOT/cgroup.procs" ] || skip "no cgroup2 mount at $CGROOT"
UID_SRV=4242
CGREL=/$PFX/srv
CG=$CGROOT$CGREL

cg_cleanup() {
	cleanup
	# Processes left in the cgroup would keep it: they are gone by now.
	rmdir "$CG" "$CGROOT/$PFX" 2>/dev/null
}
trap cg_cleanup EXIT

mkdir -p "$CG" || { fail "make cgroup $CGREL"; finish; }

# serve_in MODE ADDR PORT [ARG]: a tcpkit server in namespace srv, moved
# into the test's cgroup before it makes its socket, as uid $UID_SRV.
serve_in() {
	local port=$3

	ready_file
	RSTMON_READY=$READY sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$CG" \
		ip netns exec "$(ns srv)" setpriv --reuid=$UID_SRV --regid=$UID_SRV \
		--clear-groups $KIT server "$1" "$2" "$port" ${4:+"$4"} &
	PIDS+=($!)
	wait_until 10 test -e "$READY" || fail "server $1 listening on $port"
}

# attr NAME NS PORT DIR KEY WANT: field KEY of that event is WANT.
attr() {
	local line
	wait_ev "$2" "$3" "$4"
	line=$EVL
	expect "$1" "$(evf "$line" "$5")" "$6"
}

add_ns cli srv
link cli srv 1
ino_srv=$(stat -L -c %i "/run/netns/$(ns srv)")
ino_cli=$(stat -L -c %i "/run/netns/$(ns cli)")
# The client runs in this shell's cgroup.
cg_cli=$(sed -n 's/^0:://p' /proc/self/cgroup)
nsx srv sysctl -qw net.ipv4.tcp_abort_on_overflow=1
nsx srv sysctl -qw net.ipv4.tcp_syncookies=0
nsx cli tc qdisc add dev v1-a root netem delay 100ms

for fam in ipv4 ipv6; do
	if [ $fam = ipv4 ]; then a=10.1.0.2 p=7000; else a=fd00:1::2 p=7100; fi

	# unread-data: the server's own socket resets, as the server's owner.
	serve_in unread "$a" $((p + 1))
	out=$(nsx cli $KIT client send-wait "$a" $((p + 1)))
	expect "$fam unread-data: client errno" "$out" ECONNRESET
	attr "$fam server socket: full" srv $((p + 1)) out sock full
	attr "$fam server socket: cgroup" srv $((p + 1)) out cgroup "$CGREL"
	attr "$fam server socket: uid" srv $((p + 1)) out uid $UID_SRV
	attr "$fam server socket: namespace" srv $((p + 1)) out netns "$ino_srv"
	attr "$fam server socket: listening port" srv $((p + 1)) out listen $((p + 1))
	attr "$fam server socket: local port" srv $((p + 1)) out lport $((p + 1))
	id=$(evf "$(ev srv $((p + 1)) out)" cgroup_id)
	same "$fam server socket: cgroup id is the directory's inode" "$id" "$(stat -c %i "$CG")"
	# The client's socket received it: its own owner and cgroup.
	attr "$fam client socket: full" cli $((p + 1)) in sock full
	attr "$fam client socket: cgroup" cli $((p + 1)) in cgroup "$cg_cli"
	attr "$fam client socket: uid" cli $((p + 1)) in uid 0
	attr "$fam client socket: namespace" cli $((p + 1)) in netns "$ino_cli"
	attr "$fam client socket: not a listener" cli $((p + 1)) in listen -

	# refused: a stateless reply, no local socket; namespace and port only.
	out=$(nsx cli $KIT client connect "$a" $((p + 2)))
	expect "$fam refused: client errno" "$out" ECONNREFUSED
	attr "$fam refused: no local socket" srv $((p + 2)) out sock none
	attr "$fam refused: the port" srv $((p + 2)) out lport $((p + 2))
	attr "$fam refused: the namespace" srv $((p + 2)) out netns "$ino_srv"
	attr "$fam refused: no owner" srv $((p + 2)) out uid -
	attr "$fam refused: no cgroup" srv $((p + 2)) out cgroup -

	# accept-overflow: the reset answers for a connection in its handshake;
	# its owner is the listener's.
	serve_in backlog "$a" $((p + 3)) 1
	out=$(nsx cli $KIT client burst "$a" $((p + 3)) 1,3)
	case $out in *ECONNRESET*) pass "$fam accept-overflow: a client was reset" ;;
	*) fail "$fam accept-overflow: a client was reset" "$out" ;; esac
	line=$(ev srv $((p + 3)) out)
	case $(evf "$line" sock) in
	request|listener) pass "$fam accept-overflow: the listener's socket" ;;
	*) fail "$fam accept-overflow: the listener's socket" "$line" ;;
	esac
	attr "$fam accept-overflow: cgroup" srv $((p + 3)) out cgroup "$CGREL"
	attr "$fam accept-overflow: uid" srv $((p + 3)) out uid $UID_SRV
	attr "$fam accept-overflow: listening port" srv $((p + 3)) out listen $((p + 3))

	# data-after-close: the server's socket was already closed (a kernel
	# from 6.13 still hands it over with the reply).
	serve_in reply-close "$a" $((p + 4))
	nsx cli $KIT client keepalive-race "$a" $((p + 4)) > /dev/null
	wait_until 5 sh -c "ip netns exec $(ns srv) cat /proc/net/rstmon | grep -q 'dir=out.*:$((p + 4)) '"
	line=$(ev srv $((p + 4)) out)
	case $(evf "$line" sock) in
	gone) pass "$fam data-after-close: the closed socket is gone" ;;
	full) expect "$fam data-after-close: the closed socket's cgroup" \
		"$(evf "$line" cgroup)" "$CGREL" ;;
	*) fail "$fam data-after-close: a local socket had existed" "$line" ;;
	esac
done

# No process id is recorded, ever (in events there are: a report with
# none proves nothing).
evs=$(report srv | grep '^event ')
if [ -z "$evs" ]; then
	fail "no process id in events" "no events in srv's report"
elif echo "$evs" | grep -qE ' (pid|comm)='; then
	fail "no process id in events" "$(echo "$evs" | grep -m1 -E ' (pid|comm)=')"
else
	pass "no process id in events"
fi

# Counted by cgroup: the server's cgroup has its RSTs (unread-data,
# accept-overflow and more, both families).
Y=$TOP/build/ynl
if [ -e "$Y/cli.py" ]; then
	cgs=$(nsx srv python3 "$Y/cli.py" --spec "$TOP/Documentation/netlink/specs/rstmon.yaml" \
		--schema "$Y/genetlink.yaml" --output-json --process-unknown --dump get-cgroups)
	n=$(echo "$cgs" | json "sum(e['cgroup']['rsts'] for e in d if e['cgroup'].get('path') == '$CGREL')")
	if [ "${n:-0}" -ge 4 ]; then
		pass "RSTs counted for the server's cgroup ($n)"
	else
		fail "RSTs counted for the server's cgroup" "$cgs"
	fi
	expect "the other cgroups' entry comes last" \
		"$(echo "$cgs" | json "'other' in d[-1]['cgroup']")" True
else
	fail "YNL CLI in build/ynl (tests/run.sh copies it)"
fi
finish
