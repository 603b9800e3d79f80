#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# conntrack INVALID behind NAT (kubernetes #74839, #117924): client -- nat
# -- backend, the NAT host DNATs a service address VIP:80+i to
# backend:8080+i as kube-proxy does.  A segment of the backend far beyond
# conntrack's window is INVALID: it crosses untranslated, from the
# backend's real address; the client's stack, which knows no connection
# with that address, answers with an RST, which crosses untranslated too
# and kills the backend's connection.  IPv4 and IPv6, each:
#
#  bug        the NAT host names it nat-invalid (both tuples: the service
#             address the client used), the client's event says its stack
#             answered a stray segment, the backend's that the peer had no
#             connection; conntrack counted both segments INVALID; the
#             backend's connection died
#  be_liberal with net.netfilter.nf_conntrack_tcp_be_liberal=1 the same
#             segment is translated: no reset anywhere, no event
#  drop       with an INVALID drop rule in FORWARD: the same
. "$(dirname "$0")/lib.sh"
need_ctl

TMPD=$(mktemp -d)
ci_cleanup() {
	cleanup
	rm -rf "$TMPD"
}
trap ci_cleanup EXIT
CI="python3 $(dirname "$0")/ctinvalid.py"

add_ns client nat backend
link client nat 1
link nat backend 2
nsx nat sysctl -qw net.ipv4.ip_forward=1
nsx nat sysctl -qw net.ipv6.conf.all.forwarding=1
nsx client ip route add default via 10.1.0.2
nsx client ip -6 route add default via fd00:1::2
nsx backend ip route add default via 10.2.0.1
nsx backend ip -6 route add default via fd00:2::1
VIP4=10.99.0.1
VIP6=fd00:99::1
nsx nat nft -f - <<NFT || fail "nat: DNAT of the service address"
table inet svc {
	chain pre {
		type nat hook prerouting priority dstnat;
		ip daddr $VIP4 tcp dport 81-89 dnat ip to 10.2.0.2:tcp dport map { 81 : 8081, 82 : 8082, 83 : 8083, 84 : 8084, 85 : 8085, 86 : 8086 }
		ip6 daddr $VIP6 tcp dport 81-89 dnat ip6 to [fd00:2::2]:tcp dport map { 81 : 8081, 82 : 8082, 83 : 8083, 84 : 8084, 85 : 8085, 86 : 8086 }
	}
	chain fwd {
		type filter hook forward priority filter;
		ct state invalid tcp sport 8081-8089 counter name from_backend
		ct state invalid tcp dport 8081-8089 counter name to_backend
	}
	counter from_backend { }
	counter to_backend { }
}
NFT
nsx nat test -e /proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal ||
	fail "nat: conntrack loaded (nf_conntrack_tcp_be_liberal)"

# ctr NAME: packets of the NAT host's named counter.
ctr() {
	nsx nat nft list counter inet svc "$1" | awk '$1 == "packets" { print $2 }'
}

# host ADDR:PORT or [ADDR]:PORT: the address alone.
host() { local a=${1%:*}; a=${a#[}; echo "${a%]}"; }

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

# provoke FAM VIP BACKEND CASE [reset]: one connection to VIP:80+CASE,
# reaching BACKEND:8080+CASE; the backend's namespace sends the INVALID
# segment.  With "reset", the backend's connection is expected to die of it
# before the client's last request.
# Leaves the actors' outputs in $TMPD/FAM-CASE/{backend,client,stray}.
provoke() {
	local f=$1 vip=$2 be=$3 i=$4 reset=${5:-} d=$TMPD/$1-$4 cpid bpid spid
	mkdir -p "$d"
	nsx backend $CI backend "$be" $((8080 + i)) > "$d/backend" &
	bpid=$!
	PIDS+=("$bpid")
	wait_until 10 nsx backend sh -c "ss -Htln | grep -q ':$((8080 + i)) '" ||
		fail "$f case $i: backend listening"
	nsx client $CI client "$vip" $((80 + i)) "$d" > "$d/client" &
	cpid=$!
	PIDS+=("$cpid")
	wait_until 10 test -e "$d/ready" || fail "$f case $i: client connected through the service address"
	nsx backend $CI stray v2-b $((8080 + i)) "$d" > "$d/stray" &
	spid=$!
	PIDS+=("$spid")
	wait_until 10 test -e "$d/sniffing" || fail "$f case $i: stray sender ready"
	touch "$d/go"
	wait "$spid"
	expect "$f case $i: the INVALID segment sent" "$(cat "$d/stray")" SENT
	# The backend's connection dies of it (bug) before the next request.
	[ -z "$reset" ] || wait_until 10 test -s "$d/backend" ||
		fail "$f case $i: the backend's connection ended"
	touch "$d/go2"
	wait "$cpid"
	# The client is done: a backend still up sees its EOF.
	wait "$bpid"
}

# run_family FAM VIP BACKEND CLIENT BASE: cases BASE+1 (bug), BASE+2
# (be_liberal) and BASE+3 (drop), on ports 80+case and 8080+case.
run_family() {
	local f=$1 vip=$2 be=$3 c=$4 k=$5 line from to
	local p=$((8080 + k + 1))

	# bug: INVALID segments leak untranslated.
	from=$(ctr from_backend)
	to=$(ctr to_backend)
	provoke "$f" "$vip" "$be" $((k + 1)) reset
	expect "$f bug: the backend's connection was reset" "$(cat "$TMPD/$f-$((k + 1))/backend")" ECONNRESET
	expect "$f bug: the client's next request is reset" "$(cat "$TMPD/$f-$((k + 1))/client")" ECONNRESET
	[ "$(ctr from_backend)" -gt "$from" ] && pass "$f bug: conntrack found the backend's segment INVALID" ||
		fail "$f bug: conntrack found the backend's segment INVALID" "from_backend $from -> $(ctr from_backend)"
	[ "$(ctr to_backend)" -gt "$to" ] && pass "$f bug: ... and the client's RST INVALID too" ||
		fail "$f bug: ... and the client's RST INVALID too" "to_backend $to -> $(ctr to_backend)"
	expect_event "$f bug: NAT host: nat-invalid from an endpoint" nat $p fwd peer nat-invalid
	line=$(ev nat $p fwd)
	expect "$f bug: NAT host: certain (stateless answer at the client's next sequence)" \
		"$(evf "$line" confidence)" certain
	expect "$f bug: NAT host: sent by the client to the backend's real address" \
		"$(host "$(evf "$line" src)") -> $(host "$(evf "$line" dst)")" "$c -> $be"
	evidence_has "$f bug: NAT host: evidence untranslated" nat $p fwd untranslated
	evidence_has "$f bug: NAT host: evidence nat (the tuples)" nat $p fwd nat
	expect "$f bug: NAT host: the service address the client used" \
		"$(evf "$line" nat_pre_dst)" "$([ "$f" = ipv6 ] && echo "[$vip]" || echo "$vip"):$((p - 8000))"
	expect "$f bug: NAT host: the backend it was translated to" \
		"$(host "$(evf "$line" nat_post_dst)")" "$be"
	expect_event "$f bug: client: its stack answered" client $p out local no-connection
	evidence_has "$f bug: client: evidence stray" client $p out stray
	expect_event "$f bug: backend: the peer had no connection" backend $p in peer no-connection
	if nsx nat "$CTL" why --cause nat-invalid | grep -q nf_conntrack_tcp_be_liberal; then
		pass "$f bug: rstmonctl why on the NAT host gives the fixes"
	else
		fail "$f bug: rstmonctl why on the NAT host gives the fixes"
	fi
	if nsx client "$CTL" why | grep -q "nat-invalid"; then
		pass "$f bug: rstmonctl why on the client points at the NAT host"
	else
		fail "$f bug: rstmonctl why on the client points at the NAT host"
	fi

	# be_liberal: conntrack accepts the segment, which is translated.
	nsx nat sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=1
	provoke "$f" "$vip" "$be" $((k + 2))
	nsx nat sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=0
	expect "$f be_liberal: the backend's connection lived" "$(cat "$TMPD/$f-$((k + 2))/backend")" EOF
	expect "$f be_liberal: the client's next request answered" "$(cat "$TMPD/$f-$((k + 2))/client")" ok
	no_event "$f be_liberal: NAT host: no reset" nat $((p + 1))
	no_event "$f be_liberal: client: no reset" client $((p + 1))

	# drop: the INVALID segment never leaves the NAT host.
	nsx nat nft insert rule inet svc fwd ct state invalid drop
	provoke "$f" "$vip" "$be" $((k + 3))
	nsx nat nft flush chain inet svc fwd
	nsx nat nft add rule inet svc fwd ct state invalid tcp sport 8081-8089 counter name from_backend
	nsx nat nft add rule inet svc fwd ct state invalid tcp dport 8081-8089 counter name to_backend
	expect "$f drop: the backend's connection lived" "$(cat "$TMPD/$f-$((k + 3))/backend")" EOF
	expect "$f drop: the client's next request answered" "$(cat "$TMPD/$f-$((k + 3))/client")" ok
	no_event "$f drop: NAT host: no reset" nat $((p + 2))
	no_event "$f drop: client: no reset" client $((p + 2))
}

run_family ipv4 $VIP4 10.2.0.2 10.1.0.1 0
run_family ipv6 $VIP6 fd00:2::2 fd00:1::1 3
finish
