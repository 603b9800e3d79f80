#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RSTs through a gateway: client -- router -- server (and server2 behind
# the same router), IPv4 and IPv6.  rstmon watches all three namespaces:
# the ends see each RST arrive (dir=in) or leave (dir=out), the router sees
# it cross (dir=fwd), or sends it itself (dir=out).  Each case asserts what
# each namespace must say about who sent the RST and why:
#
#  reject         the router's forward rule rejects a SYN: the client sees a
#                 middlebox, the router its own firewall, the server nothing
#  closed port    the server's stack refuses: a peer on the client and the
#                 router alike
#  idle-timeout   the router's conntrack forgot an idle connection and its
#                 rule rejects the next segment
#  failover       a service address moves from server to server2, whose
#                 stack has no connection for the client's next segment
#  injection      a program on the router forges the server's RST while the
#                 server keeps sending
#  keep-alive     the server closes an idle kept-alive connection as the
#                 client sends its next request (the seed's race)
#  burst          the injector forges three RSTs across the window at once
#  nat            the router masquerades the client: its event carries the
#                 tuples before and after translation
#  offload        a flowtable carries the connection past the router's
#                 hooks: the router's RST claims data it never saw, so it
#                 says "bypassed" and lowers its confidence
#
# Events of one RST must name the same connection in every namespace that
# saw it (same_conn).
. "$(dirname "$0")/lib.sh"

# rstmon reads conntrack through an inline only: loading it never pulls
# nf_conntrack in, and without conntrack it works the same, less NAT.
if ! deps=$(modinfo -F depends rstmon 2>&1); then
	fail "rstmon does not depend on nf_conntrack" "modinfo: $deps"
elif [[ ,$deps, == *,nf_conntrack,* ]]; then
	fail "rstmon does not depend on nf_conntrack" "depends: $deps"
else
	pass "rstmon does not depend on nf_conntrack"
	echo "# rstmon depends on: ${deps:-nothing}"
fi

IDLE=/sys/module/rstmon/parameters/idle_threshold
[ -w "$IDLE" ] || { fail "rstmon loaded (no $IDLE)"; finish; }
OLD_IDLE=$(cat "$IDLE")
TMPD=$(mktemp -d)
gw_cleanup() {
	cleanup
	echo "$OLD_IDLE" > "$IDLE"
	rm -rf "$TMPD"
}
trap gw_cleanup EXIT
# A short idle threshold, so the idle-timeout case takes seconds.
echo 5 > "$IDLE" || fail "idle_threshold=5 accepted"

add_ns client router server server2
link client router 1
link router server 2
link router server2 3
nsx router sysctl -qw net.ipv4.ip_forward=1
nsx router sysctl -qw net.ipv6.conf.all.forwarding=1
nsx client ip route add default via 10.1.0.2
nsx client ip -6 route add default via fd00:1::2
nsx server ip route add default via 10.2.0.1
nsx server ip -6 route add default via fd00:2::1
nsx server2 ip route add default via 10.3.0.1
nsx server2 ip -6 route add default via fd00:3::1
nsx router nft -f - <<'NFT'
table inet gw {
	chain forward { type filter hook forward priority 0; }
}
NFT
nsx server nft -f - <<'NFT'
table inet gw {
	chain output { type filter hook output priority 0; }
}
NFT

# same_conn NAME PORT NS1 DIR1 NS2 DIR2: the first events of NS1 and NS2
# for PORT name the same RST's addresses (no NAT between them); both must
# be there.
same_conn() {
	local e1 e2
	e1=$(ev "$3" "$2" "$4")
	e2=$(ev "$5" "$2" "$6")
	[ -n "$e1" ] || { fail "$1" "no event in $3 (dir=$4)"; return; }
	[ -n "$e2" ] || { fail "$1" "no event in $5 (dir=$6)"; return; }
	expect "$1" "$(evf "$e2" src) -> $(evf "$e2" dst)" "$(evf "$e1" src) -> $(evf "$e1" dst)"
}

# evidence_has NAME NS PORT DIR FLAG: the first such event lists FLAG.
evidence_has() {
	local line
	line=$(ev "$2" "$3" "$4")
	if [[ ,$(evf "$line" evidence), == *",$5,"* ]]; then
		pass "$1"
	else
		fail "$1" "no $5: ${line:-no event}"
	fi
}

# host ADDR:PORT or [ADDR]:PORT: the address alone.
host() { local a=${1%:*}; a=${a#[}; echo "${a%]}"; }

# run_family FAM CLIENT SERVER SERVER2 SERVICE PLEN PORTBASE: SERVICE/PLEN
# is the address that moves from SERVER to SERVER2.
run_family() {
	local f=$1 c=$2 a=$3 a2=$4 svc=$5 plen=$6 p=$7 out spid line n l3=ip
	[ "$f" = ipv6 ] && l3=ip6

	# reject: the router's forward rule answers the SYN for the server.
	nsx router nft add rule inet gw forward tcp dport $((p + 1)) reject with tcp reset
	out=$(nsx client $KIT client connect "$a" $((p + 1)))
	expect "$f reject: client errno" "$out" ECONNREFUSED
	expect_event "$f reject: client" client $((p + 1)) in middlebox refused
	expect_event "$f reject: router" router $((p + 1)) out firewall refused
	evidence_has "$f reject: client saw zero hops" client $((p + 1)) in zero-hop
	same_conn "$f reject: one RST" $((p + 1)) client in router out
	no_event "$f reject: server saw nothing" server $((p + 1))
	nsx router nft flush chain inet gw forward

	# closed port: nobody listens on the server.
	out=$(nsx client $KIT client connect "$a" $((p + 2)))
	expect "$f closed port: client errno" "$out" ECONNREFUSED
	expect_event "$f closed port: server" server $((p + 2)) out local refused
	expect_event "$f closed port: router" router $((p + 2)) fwd peer refused
	expect_event "$f closed port: client" client $((p + 2)) in peer refused
	same_conn "$f closed port: one RST (client, router)" $((p + 2)) client in router fwd
	same_conn "$f closed port: one RST (client, server)" $((p + 2)) client in server out

	# idle-timeout: the router's conntrack expires the silent connection
	# (no loose pickup of a flow in mid-stream), and its rule rejects the
	# next segment of either end: the client's after 10 s, the server's
	# after 12 s.  The margins are for a loaded host, where UML loses
	# ticks: with 8 s against conntrack's 6 s, ci18 saw the client's
	# segment pass (conntrack had counted less than 6 s of it) and the
	# client wait in vain; with 1 s between the two ends, the server's
	# python can wake first.
	nsx router nft add rule inet gw forward tcp dport $((p + 3)) ct state invalid \
		"tcp flags & (syn | rst) == 0" reject with tcp reset
	nsx router nft add rule inet gw forward tcp sport $((p + 3)) ct state invalid \
		"tcp flags & (syn | rst) == 0" reject with tcp reset
	nsx router sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
	nsx router sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=6
	serve server reply-idle "$a" $((p + 3)) 12
	out=$(nsx client $KIT client idle "$a" $((p + 3)) 10)
	expect "$f idle-timeout: client errno" "$out" ECONNRESET
	expect_event "$f idle-timeout: router" router $((p + 3)) out firewall idle-timeout
	expect_event "$f idle-timeout: client" client $((p + 3)) in middlebox idle-timeout
	same_conn "$f idle-timeout: one RST (client, router)" $((p + 3)) client in router out
	expect_event "$f idle-timeout: server" server $((p + 3)) in middlebox idle-timeout
	# The silence, as the kernel counts it: at least the conntrack
	# timeout (6 s) that made the router forget the connection.  Not the
	# client's 10 s of sleep: that is the wall clock, and a busy host
	# costs UML ticks, so jiffies (rstmon's and conntrack's alike) can
	# count 7.6 s of 8.
	for n in client:in router:out server:in; do
		line=$(ev "${n%:*}" $((p + 3)) "${n#*:}")
		if [ "$(evf "$line" idle_ms)" -ge 6000 ] 2>/dev/null; then
			pass "$f idle-timeout: ${n%:*}'s event has the silence"
		else
			fail "$f idle-timeout: ${n%:*}'s event has the silence" "${line:-no event}"
		fi
	done
	wait "${PIDS[-1]}" 2>/dev/null
	nsx router nft flush chain inet gw forward
	nsx router sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=432000

	# failover: the service address moves from server to server2 while a
	# connection to it is open; the client's next segment reaches server2.
	nsx server ip addr add "$svc/$plen" dev lo
	nsx router ip route add "$svc/$plen" via "$a"
	serve server reply-hold "$svc" $((p + 4))
	spid=${PIDS[-1]}
	nsx client $KIT client pause "$svc" $((p + 4)) "$TMPD/failover-$f" > "$TMPD/failover-$f.out" &
	PIDS+=($!)
	wait_until 10 test -e "$TMPD/failover-$f.ready" || fail "$f failover: exchange done"
	nsx server ip addr del "$svc/$plen" dev lo
	# The old host is gone for the service address: what its socket
	# still sends from it never leaves (nor draws answers later on).
	nsx server nft add rule inet gw output $l3 saddr "$svc" drop
	nsx server2 ip addr add "$svc/$plen" dev lo
	nsx router ip route replace "$svc/$plen" via "$a2"
	touch "$TMPD/failover-$f.go"
	wait_until 10 test -s "$TMPD/failover-$f.out"
	expect "$f failover: client errno" "$(cat "$TMPD/failover-$f.out")" ECONNRESET
	expect_event "$f failover: server2" server2 $((p + 4)) out local no-connection
	expect_event "$f failover: router" router $((p + 4)) fwd peer no-connection
	expect_event "$f failover: client" client $((p + 4)) in peer no-connection
	same_conn "$f failover: one RST (client, router)" $((p + 4)) client in router fwd
	expect "$f failover: the router names the server's side" \
		"$(evf "$(ev router $((p + 4)) fwd)" side)" server
	same_conn "$f failover: one RST (client, server2)" $((p + 4)) client in server2 out
	no_event "$f failover: server saw no RST" server $((p + 4))
	stop "$spid"

	# injection: a program on the router forges the server's next RST
	# (exact sequence number, the router's TTL) while the server keeps
	# sending after the client's request; the client's stack then answers
	# the server's data with RSTs.
	serve server trickle "$a" $((p + 5))
	spid=${PIDS[-1]}
	nsx client $KIT client exchange-wait "$a" $((p + 5)) > "$TMPD/inject-$f" &
	PIDS+=($!)
	out=$(nsx router $KIT client inject "$c" $((p + 5)) v1-b)
	expect "$f injection: forged RST sent" "$out" SENT
	wait_until 10 test -s "$TMPD/inject-$f"
	expect "$f injection: client errno" "$(cat "$TMPD/inject-$f")" ECONNRESET
	# The server's data after the forged RST has reached the client when
	# the client's stack answers it.
	wait_until 10 has_event client $((p + 5)) out ||
		fail "$f injection: server data after the forged RST"
	expect_event "$f injection: client" client $((p + 5)) in middlebox injected
	expect_event "$f injection: router (raw socket)" router $((p + 5)) out local injected
	wait "$spid"

	# keep-alive race: the server answers and closes, the client sends its
	# next request after the FIN; the server's stack resets.
	serve server reply-close "$a" $((p + 6))
	out=$(nsx client $KIT client keepalive-race "$a" $((p + 6)))
	expect "$f data-after-close: client errno (RST in CLOSE_WAIT)" "$out" EPIPE
	expect_event "$f data-after-close: server" server $((p + 6)) out local data-after-close
	expect_event "$f data-after-close: router" router $((p + 6)) fwd peer data-after-close
	expect_event "$f data-after-close: client" client $((p + 6)) in peer data-after-close
	same_conn "$f data-after-close: one RST" $((p + 6)) server out client in

	# burst: three forged RSTs across the window at once: each after the
	# first has other numbers, with nothing from the client in between.
	serve server trickle "$a" $((p + 7))
	spid=${PIDS[-1]}
	nsx client $KIT client exchange-wait "$a" $((p + 7)) > "$TMPD/burst-$f" &
	PIDS+=($!)
	out=$(nsx router $KIT client inject-burst "$c" $((p + 7)) v1-b)
	expect "$f burst: forged RSTs sent" "$out" SENT
	expect_event "$f burst: client" client $((p + 7)) in middlebox injected
	evidence_has "$f burst: client saw the burst" client $((p + 7)) in rst-burst
	stop "$spid"

	# nat: the router masquerades the client towards the server; the
	# server's stack refuses a closed port.
	nsx router nft -f - <<-NFT || fail "$f nat: masquerade rule"
	table inet gwnat {
		chain post { type nat hook postrouting priority 100; tcp dport $((p + 8)) masquerade; }
	}
	NFT
	out=$(nsx client $KIT client connect "$a" $((p + 8)))
	expect "$f nat: client errno" "$out" ECONNREFUSED
	expect_event "$f nat: server" server $((p + 8)) out local refused
	expect_event "$f nat: router" router $((p + 8)) fwd peer refused
	expect_event "$f nat: client" client $((p + 8)) in peer refused
	line=$(ev router $((p + 8)) fwd)
	evidence_has "$f nat: router says translated" router $((p + 8)) fwd nat
	same "$f nat: before translation, to the router's address" \
		"$(host "$(evf "$line" nat_pre_dst)")" "$(host "$(evf "$(ev server $((p + 8)) out)" dst)")"
	expect "$f nat: after translation, to the client" \
		"$(host "$(evf "$line" nat_post_dst)")" "$c"
	same_conn "$f nat: client and router" $((p + 8)) client in router fwd
	nsx router nft delete table inet gwnat

	# offload: a flowtable takes the connection after its handshake; the
	# server's data bypasses the router's hooks.  Up to 6.12 its RST
	# tears the flow down and takes the slow path through the forward
	# hook; later kernels only mark the flow as closing and forward the
	# RST on the fast path, past every forward hook.  An nft counter in a
	# forward chain says which this kernel does: rstmon must see the RST
	# exactly when that chain does.  Not on lockdep kernels: creating a
	# flowtable there trips "suspicious RCU usage" in nf_tables itself
	# (6.12's nft_flowtable_lookup() walks its RCU list under the commit
	# mutex without saying so), a report that is the kernel's and not
	# rstmon's; the stock kernels run this case.
	if [ -e /proc/lockdep ]; then
		echo "# $f offload: not on a lockdep kernel (nf_tables flowtable lookup warns)"
		return 0
	fi
	nsx router nft -f - <<-NFT || fail "$f offload: flowtable"
	table inet gwft {
		flowtable ft { hook ingress priority 0; devices = { v1-b, v2-a }; }
		chain to_flowtable { type filter hook forward priority 10; tcp dport $((p + 9)) flow add @ft; }
		chain rst_seen {
			type filter hook forward priority 20;
			tcp sport $((p + 9)) tcp flags & rst == rst counter
		}
	}
	NFT
	serve server linger "$a" $((p + 9))
	out=$(nsx client $KIT client read-wait "$a" $((p + 9)))
	expect "$f offload: client errno" "$out" ECONNRESET
	expect_event "$f offload: client" client $((p + 9)) in peer linger-abort
	seen=$(nsx router nft list chain inet gwft rst_seen |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
	if [ -z "$seen" ]; then
		fail "$f offload: the router's nft counter read"
	elif [ "$seen" -gt 0 ]; then
		evidence_has "$f offload: router says bypassed" router $((p + 9)) fwd bypassed
		expect "$f offload: router's confidence" \
			"$(evf "$(ev router $((p + 9)) fwd)" confidence)" suspect
	else
		echo "# $f offload: this kernel's flowtable forwards the RST on its fast path"
		no_event "$f offload: no forward hook saw the RST, nor did the router's rstmon" \
			router $((p + 9))
		expect "$f offload: the client's RST was forwarded (one hop)" \
			"$(evf "$(ev client $((p + 9)) in)" ttl)" 63
	fi
	nsx router nft delete table inet gwft
}

# dump: every namespace's events, as TAP comments (what rstmon said); for
# "make demo" (RSTMON_DEMO=1) as tables.
dump() {
	local n
	for n in client router server server2; do
		if [ -n "${RSTMON_DEMO:-}" ]; then
			printf '\n=== rstmon in namespace %s\n' "$n"
			event_table "$n"
		else
			echo "# --- $n"
			report "$n" | grep '^event ' | sed 's/^/# /'
		fi
	done
	if [ -n "${RSTMON_DEMO:-}" ]; then
		printf '\n=== the forwarded RST of the masqueraded connection, at the router (IPv4)\n'
		ev router 8108 fwd
	fi
}

run_family ipv4 10.1.0.1 10.2.0.2 10.3.0.2 10.9.0.1 32 8100
run_family ipv6 fd00:1::1 fd00:2::2 fd00:3::2 fd00:9::1 128 9100
dump
finish
