#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Nothing lost by the socket path (issue 20): connections long enough
# that most of their segments are established data, which the socket
# path would let skip the connection table, then end in an RST whose
# classification needs the history the table keeps.  Each case is run
# with sock_path=0 and again with sock_path=1 (skipped while the module
# has no such parameter), and must give the same verdicts both times.
# Segmentation offload is off on the link (gso_max_segs 1), so every
# segment the hooks see is one MSS: "hundreds of segments" are real.
# time bound: 480
. "$(dirname "$0")/lib.sh"

SP=/sys/module/rstmon/parameters/sock_path
need_ctl
add_ns cli srv
link cli srv 1
for n in "cli v1-a" "srv v1-b"; do
	set -- $n
	nsx "$1" ip link set dev "$2" gso_max_segs 1 ||
		fail "$1: gso_max_segs 1 (one MSS a segment)"
done
nsx cli nft -f - <<'NFT'
table inet sockpath {
	chain output { type filter hook output priority 0; }
}
NFT
A=10.1.0.2
TMPD=$(mktemp -d)
ACT="env RSTMON_SOCKPATH_DIR=$TMPD python3 $(dirname "$0")/sockpath.py"
# The kernel's own reason for its RSTs (tcp_send_reset's, 6.10+) tells
# which socket sent them: the scenarios are what they claim to be.
KREASON=
[[ $(cat /sys/kernel/tracing/events/tcp/tcp_send_reset/format \
	/sys/kernel/debug/tracing/events/tcp/tcp_send_reset/format 2>/dev/null) == *reason* ]] &&
	KREASON=1

# kreason NAME NS PORT DIR WANT: the event's kreason is WANT, where the
# kernel gives one.
kreason() {
	evline "$2" "$3" "$4"
	if [ -n "$KREASON" ]; then
		expect "$1: kreason=" "$(fld kreason)" "$5"
	else
		expect "$1: kreason= (none on this kernel)" "$(fld kreason)" none
	fi
}
VERDICTS=$TMPD/verdicts

# Event lines are read from one copy of each namespace's report, read
# again only when an event looked for is not in it yet (forks are slow
# on the emulated guests: no process per field).
declare -A REP
# evline NS PORT DIR: LINE is the first event of namespace NS in
# direction DIR with port PORT at either end (as lib.sh's ev), waiting up
# to 5 s for it; empty if none.
evline() {
	local i l
	for ((i = 0; i < 100; i++)); do
		while IFS= read -r l; do
			if [[ $l == "event "* && $l == *" dir=$3 "* && "$l " == *":$2 "* ]]; then
				LINE=$l
				return 0
			fi
		done <<< "${REP[$1]:-}"
		[ "$i" -gt 0 ] && sleep 0.05
		REP[$1]=$(report "$1")
	done
	LINE=
	return 1
}
# fld KEY: the value of KEY= in LINE.
fld() {
	if [[ " $LINE " =~ \ $1=([^ ]*)\  ]]; then
		echo "${BASH_REMATCH[1]}"
	fi
}

# verdict ROUND NAME NS PORT DIR WANT [KEY=WANT...]: the event's
# sender/cause and the fields named are as wanted; recorded for the
# comparison of the two rounds.  Leaves the event in LINE.
verdict() {
	local r=$1 name=$2 n=$3 p=$4 d=$5 want=$6 kv k v got
	shift 6
	evline "$n" "$p" "$d"
	got="$(fld sender)/$(fld cause)"
	if [ "$got" = "$want" ]; then
		pass "sock_path=$r $name: sender/cause $want"
	else
		fail "sock_path=$r $name: sender/cause" "got $got, want $want: ${LINE:-no event}"
	fi
	echo "$name $got" >> "$VERDICTS.$r"
	for kv in "$@"; do
		k=${kv%%=*} v=${kv#*=}
		case $k in
		evidence+)
			if [[ ,$(fld evidence), == *",$v,"* ]]; then
				pass "sock_path=$r $name: evidence has $v"
			else
				fail "sock_path=$r $name: evidence has $v" "$LINE"
			fi ;;
		*)
			expect "sock_path=$r $name: $k=" "$(fld "$k")" "$v" ;;
		esac
		echo "$name $k=$(fld "$k")" >> "$VERDICTS.$r"
	done
}

# within NAME GOT WANT PERCENT
within() {
	if [ -n "$2" ] && [ $(( ($2 - $3) * 100 )) -le $(( $3 * $4 )) ] &&
	   [ $(( ($3 - $2) * 100 )) -le $(( $3 * $4 )) ]; then
		pass "$1"
	else
		fail "$1" "got '$2', want $3 +-$4%"
	fi
}

# counts NAME NS PORT DIR BYTES_SENDER BYTES_RECEIVER SEGS: the event's
# byte counts within 10 % of those, and its sender's segments from SEGS
# up to where the counter saturates.
counts() {
	local segs
	evline "$2" "$3" "$4"
	within "$1: bytes_sender" "$(fld bytes_sender)" "$5" 10
	within "$1: bytes_receiver" "$(fld bytes_receiver)" "$6" 10
	segs=$(fld segs_sender)
	if [ -n "$segs" ] && [ "$segs" -ge "$7" ] && [ "$segs" -le 65535 ]; then
		pass "$1: segs_sender $segs (at least $7)"
	else
		fail "$1: segs_sender" "got '$segs', want $7..65535: $LINE"
	fi
}

# listening PORT...: every PORT has a listener in srv.
listening() {
	local l p
	l=$(nsx srv ss -Htln) || return 1
	for p in "$@"; do [[ $l == *":$p "* ]] || return 1; done
}

# server PORTS [LISTEN]: sockpath.py's command servers on PORTS (a comma
# list) and a listener that never accepts on LISTEN, in one process
# (SERVER), all listening.
server() {
	nsx srv $ACT server cmd $A "$1" ${2:+"$2"} >> "$TMPD/srv" &
	SERVER=$!
	PIDS+=($!)
	wait_until 20 listening ${1//,/ } ${2:-} || fail "servers on $1 ${2:-} listening"
}

# client CASE PORT MODE [ARG]: sockpath.py's client MODE, in the
# background; its outcome to $TMPD/CASE.
client() {
	nsx cli $ACT client "$3" $A "$2" ${4:+"$4"} > "$TMPD/$1" &
	CLIENTS+=($!)
	PIDS+=($!)
}

# outcome NAME CASE WANT: what client CASE printed.
outcome() { expect "$1" "$(cat "$TMPD/$2")" "$3"; }

# sp_on NS: NS's rstmon says its socket path is on.
sp_on() { nsx "$1" grep -q '^socket_path .* state=on$' /proc/net/rstmon; }
# spath NS: the segments NS's rstmon accounted from their socket.
spath() { nsx "$1" awk '$1 == "socket_path" { sub(/segments=/, "", $2); print $2 }' /proc/net/rstmon; }

# round R BASE: every case, with sock_path=R, on ports BASE + 1..; the
# cases but 4 at once (each on its own port), to keep the wall time short.
round() {
	local r=$1 b=$2 p c t0

	[ -e $SP ] && echo "$r" > $SP
	# The path starts a second after it is switched on.
	[ "$r" = 1 ] && [ -e $SP ] && { wait_until 10 sp_on srv && wait_until 10 sp_on cli ||
		fail "sock_path=1: /proc says state=on"; }
	t0=$EPOCHSECONDS
	local sp_s sp_c
	sp_s=$(spath srv) sp_c=$(spath cli)
	CLIENTS=()
	p=$((b + 5))
	nsx cli nft add rule inet sockpath output tcp dport $p "tcp flags == ack" drop
	server $((b + 1)),$((b + 2)),$((b + 3)),$((b + 4)),$((b + 7)) $p
	# One client process, a thread each:
	#
	# 1a. The client reads 200 kB of a 400 kB response (hundreds of
	# its segments established data) and closes with the rest unread.
	#
	# 1b. Data after close on an orphaned socket.  After a 50 kB
	# upload and a 400 kB response the server closes with
	# TCP_LINGER2 90 (more than TIME_WAIT's 60 s: its FIN_WAIT2 orphan
	# stays a full socket); the client reads to the FIN and sends its
	# next request.
	#
	# 2a. The keep-alive race into TIME_WAIT: the same (a 150 kB
	# response), but with TCP_LINGER2 2 and the server's close() after
	# its FIN was acknowledged, so the closed socket becomes a
	# time-wait socket in its FIN_WAIT2 substate at once.
	#
	# 2b. ... a late segment that is not new data: a SYN in the window
	# of that time-wait socket, from the client's port and its
	# CLOSE_WAIT socket's next sequence number.
	#
	# 3. RST into a SYN_RECV request: the client's handshake ACK is
	# dropped on its way out (the rule above), so the server holds the
	# connection in SYN_RECV; the client, established, gives up with
	# SO_LINGER 0 before any data.
	#
	# 5. A bulk transfer (2 MB up, 100 kB down), a last request that
	# wants no answer, a silence of 3 s (far below idle_threshold, and
	# far above the 1 s of linger-abort even when a loaded guest's
	# jiffies lag) and an abortive close.
	CLIENTS=()
	nsx cli $ACT client all $A "$TMPD" unread:$((b + 1)):unread:200000 \
		orphan:$((b + 2)):orphan:90 tw-data:$((b + 3)):tw-data:2 \
		tw-syn:$((b + 4)):tw-syn:5 syn-recv:$p:syn-recv \
		bulk:$((b + 7)):bulk:2000000,100000,3 &
	CLIENTS+=($!)
	PIDS+=($!)
	for c in "${CLIENTS[@]}"; do wait "$c"; done
	echo "# sock_path=$r: cases 1-3 and 5 done at ${SECONDS}s (from $t0):" \
		"$(cd "$TMPD" && stat -c '%n@%Y' unread orphan tw-data tw-syn syn-recv bulk | tr '\n' ' ')"

	# 1a: the client's full socket sends the RST in TCP_CLOSE with
	# both directions shut and no SO_LINGER: unread-data.  The server's
	# side knows it only from the table: the last payload was its own
	# and the client never answered it (RSTMON_SF_LAST_DATA), so
	# unread-data too.
	p=$((b + 1))
	outcome "sock_path=$r unread: the client closed" unread CLOSED
	verdict "$r" unread cli $p out local/unread-data evidence+=socket
	verdict "$r" unread-peer srv $p in peer/unread-data evidence+=tracked

	# 1b: the orphan resets the request (TCP_ABORT_ON_DATA, an RST
	# from the stack's reply socket): only the table knows that the
	# server had sent a FIN and the client sent data after it:
	# data-after-close, the server first.  (The client's socket, in
	# CLOSE_WAIT, reports the RST as EPIPE: tcp_reset().)
	p=$((b + 2))
	outcome "sock_path=$r orphan: the client's send" orphan EPIPE
	verdict "$r" orphan srv $p out local/data-after-close closed_first=server
	verdict "$r" orphan-peer cli $p in peer/data-after-close closed_first=server
	# The history until then: 400 kB and the FIN from the server (276
	# segments at least), 50 kB and the next request from the client.
	counts "sock_path=$r orphan" srv $p out 400000 50000 250
	kreason "sock_path=$r orphan: a full socket's" srv $p out TCP_ABORT_ON_DATA

	# 2a: the time-wait socket answers new data with TCP_TW_RST:
	# data-after-close, the server first, as from the orphan.
	p=$((b + 3))
	outcome "sock_path=$r tw-data: the client's send" tw-data EPIPE
	verdict "$r" tw-data srv $p out local/data-after-close closed_first=server
	verdict "$r" tw-data-peer cli $p in peer/data-after-close closed_first=server
	counts "sock_path=$r tw-data" srv $p out 150000 50000 100
	kreason "sock_path=$r tw-data: a time-wait socket's" srv $p out TCP_TIMEWAIT_SOCKET

	# 2b: the time-wait socket kills the SYN with an RST; the server
	# had sent its FIN and the client no data after it: time-wait.
	p=$((b + 4))
	outcome "sock_path=$r tw-syn: raw SYN sent" tw-syn SENT
	verdict "$r" tw-syn srv $p out local/time-wait evidence+=ctl-socket
	verdict "$r" tw-syn-peer cli $p in peer/time-wait
	kreason "sock_path=$r tw-syn: a time-wait socket's" srv $p out TCP_TIMEWAIT_SOCKET

	# 3: the client's socket: an abortive close before any data either
	# way, abandoned (the loser of a parallel connect); the server's
	# side from its SYN_RECV table entry: abandoned too.
	p=$((b + 5))
	outcome "sock_path=$r syn-recv: the client aborted" syn-recv ABORTED
	verdict "$r" syn-recv cli $p out local/abandoned
	verdict "$r" syn-recv-peer srv $p in peer/abandoned state=syn-recv
	nsx cli nft flush chain inet sockpath output
	stop "$SERVER"

	# 5: the client's socket says linger-abort; the server's side sees
	# an abort after a silence (too long for a linger close right after
	# data, too short for an idle timeout): app-abort.  The counts the
	# event carries are the transfer's.  (The client's last request,
	# unanswered, matters: had the last payload been the server's, its
	# side could not tell it read from unread, and says unread-data.)
	p=$((b + 7))
	outcome "sock_path=$r bulk: the client aborted" bulk ABORTED
	verdict "$r" bulk cli $p out local/linger-abort
	verdict "$r" bulk-peer srv $p in peer/app-abort
	# One MSS a segment (1448 bytes with timestamps): 2 MB is 1382
	# segments at least.
	counts "sock_path=$r bulk (client)" cli $p out 2000000 100000 1250
	counts "sock_path=$r bulk (server)" srv $p in 2000000 100000 1250

	echo "# sock_path=$r: cases 1-3 and 5 checked at ${SECONDS}s"
	# The socket path was taken (most of the bulk's segments) or not.
	if [ -e $SP ]; then
		local ds=$(($(spath srv) - sp_s)) dc=$(($(spath cli) - sp_c))

		echo "# sock_path=$r: socket path segments: server $ds, client $dc"
		if [ "$r" = 1 ]; then
			[ "$ds" -ge 1000 ] && [ "$dc" -ge 1000 ] &&
				pass "sock_path=1: most segments skipped the table (server $ds, client $dc)" ||
				fail "sock_path=1: most segments skipped the table" "server $ds, client $dc"
		else
			expect "sock_path=0: no segment skipped the table" "$ds $dc" "0 0"
		fi
	fi

	# 4. A connection older than the module: 100 kB each way with
	# rstmon unloaded, then load it (sock_path=R), 200 kB each way, a
	# last request of the client's that wants no answer and at once an
	# abortive close (SO_LINGER 0).  Its entry is picked up mid-stream:
	# tracked (not untracked, not no-connection); the client's socket
	# says linger-abort; the server's side sees an RST right after the
	# client's own data, within a second: linger-abort too.
	p=$((b + 6))
	server $p
	rm -f "$TMPD/ready" "$TMPD/go"
	modprobe -r rstmon || fail "sock_path=$r preload: rstmon unloaded"
	CLIENTS=()
	client preload $p preload "$TMPD"
	wait_until 30 test -e "$TMPD/ready" || fail "sock_path=$r preload: traffic before the load"
	echo "# sock_path=$r: unloaded, 100 kB each way at ${SECONDS}s"
	modprobe rstmon || fail "sock_path=$r preload: rstmon loaded"
	[ -e $SP ] && echo "$r" > $SP
	touch "$TMPD/go"
	wait "${CLIENTS[0]}"
	echo "# sock_path=$r: case 4 reset at ${SECONDS}s"
	outcome "sock_path=$r preload: the client aborted" preload ABORTED
	verdict "$r" preload cli $p out local/linger-abort evidence+=tracked evidence+=midstream
	verdict "$r" preload-peer srv $p in peer/linger-abort evidence+=tracked evidence+=midstream
	# Its byte counts run from the pick-up: 200 kB (and the commands).
	evline cli $p out
	within "sock_path=$r preload: bytes_sender, since the load" "$(fld bytes_sender)" 200000 10
	within "sock_path=$r preload: bytes_receiver, since the load" "$(fld bytes_receiver)" 200000 10
	echo "# sock_path=$r: case 4 done at ${SECONDS}s"
}

round 0 7000
if [ ! -e $SP ]; then
	[ "$FAILED" -eq 0 ] || finish
	rm -rf "$TMPD"
	skip "sock_path=1: this rstmon has no sock_path parameter"
fi
round 1 7100
if cmp -s "$VERDICTS.0" "$VERDICTS.1"; then
	pass "the same verdicts with sock_path=0 and 1"
else
	fail "the same verdicts with sock_path=0 and 1" "$(diff "$VERDICTS.0" "$VERDICTS.1" | tr '\n' ' ')"
fi
echo 1 > $SP
rm -rf "$TMPD"
finish
