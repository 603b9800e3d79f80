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
#             answered a stray segment, the backend's that the peer's
#             stack answered untranslated addresses (its connection went
#             on); conntrack counted both segments INVALID; the backend's
#             connection died, and rstmonctl why says so in each
#  be_liberal (IPv4) with net.netfilter.nf_conntrack_tcp_be_liberal=1 the
#             same segment is translated: no reset anywhere, no event
#  drop       (IPv6) with an INVALID drop rule in FORWARD: the same
#  masquerade (IPv4) the NAT host also masquerades the client: its own
#             stack answers the segment, and says nat-invalid, certain
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
# One rule per port: an anonymous map trips an RCU-lockdep splat of
# nf_tables on the debug kernel.
dnat=
for i in 1 2 3 4 5; do
	dnat+="ip daddr $VIP4 tcp dport $((80 + i)) dnat ip to 10.2.0.2:$((8080 + i))"$'\n'
	dnat+="ip6 daddr $VIP6 tcp dport $((80 + i)) dnat ip6 to [fd00:2::2]:$((8080 + i))"$'\n'
done
nsx nat nft -f - <<NFT || { fail "nat: DNAT of the service address"; finish; }
table inet svc {
	counter from_backend { }
	counter to_backend { }
	chain pre {
		type nat hook prerouting priority dstnat;
		$dnat
	}
	chain post {
		type nat hook postrouting priority srcnat;
		ip daddr 10.2.0.2 tcp dport 8085 masquerade
	}
	chain forward {
		type filter hook forward priority filter;
		ct state invalid tcp sport 8081-8089 counter name from_backend
		ct state invalid tcp dport 8081-8089 counter name to_backend
	}
}
NFT
nsx nat test -e /proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal ||
	fail "nat: conntrack loaded (nf_conntrack_tcp_be_liberal)"

# ctr NAME: packets of the NAT host's named counter.
ctr() {
	nsx nat nft list counter inet svc "$1" | awk '$1 == "packets" { print $2 }'
}

# The namespaces' reports, read once per case (each read costs a process
# in the namespace): snap reads them, line gives an event from them.
declare -A REP
snap() {
	local n
	for n in client nat backend; do
		REP[$n]=$(report "$n")
	done
}

# line NS PORT DIR: L, the first event of NS in DIR for PORT from the
# snapshot, and F, its fields (bash alone: each process costs on the
# slow guests).
declare -A F
line() {
	local l kv
	L=
	F=()
	while read -r l; do
		if [[ $l == "event "* && $l == *" dir=$3 "* && "$l " == *":$2 "* ]]; then
			L=$l
			break
		fi
	done <<< "${REP[$1]}"
	for kv in $L; do
		[[ $kv == *=* ]] && F[${kv%%=*}]=${kv#*=}
	done
}

# is_event NAME NS PORT DIR SENDER CAUSE: that event says SENDER and CAUSE.
is_event() {
	line "$2" "$3" "$4"
	if [ "${F[sender]:-}/${F[cause]:-}" = "$5/$6" ]; then
		pass "$1"
	else
		fail "$1" "got ${F[sender]:-}/${F[cause]:-}, want $5/$6: ${L:-no event}"
	fi
}

# evidence_has NAME NS PORT DIR FLAG: that event lists FLAG.
evidence_has() {
	line "$2" "$3" "$4"
	if [[ ,${F[evidence]:-}, == *",$5,"* ]]; then
		pass "$1"
	else
		fail "$1" "no $5: ${L:-no event}"
	fi
}

# none NAME NS PORT: no event of NS names PORT.
none() {
	local l
	if [[ ${REP[$2]} != "rstmon version="* ]]; then
		fail "$1" "no report from namespace $2"
		return
	fi
	while read -r l; do
		if [[ $l == "event "* && "$l " == *":$3 "* ]]; then
			fail "$1" "$l"
			return
		fi
	done <<< "${REP[$2]}"
	pass "$1"
}

# addr ADDR:PORT or [ADDR]:PORT: A, the address alone.
addr() { A=${1%:*}; A=${A#[}; A=${A%]}; }

# provoke FAM VIP BACKEND CASE [reset]: one connection to VIP:80+CASE,
# reaching BACKEND:8080+CASE, whose end sends the INVALID segment after the
# first exchange.  With "reset", the backend's connection is expected to
# die of it before the client's second request.  Leaves the actors'
# outputs in $TMPD/FAM-CASE/{backend,client}.
provoke() {
	local f=$1 vip=$2 be=$3 i=$4 reset=${5:-} d=$TMPD/$1-$4 cpid bpid
	mkdir -p "$d"
	nsx backend $CI backend "$be" $((8080 + i)) v2-b "$d" > "$d/backend" &
	bpid=$!
	PIDS+=("$bpid")
	wait_until 10 nsx backend sh -c "ss -Htln | grep -q ':$((8080 + i)) '" ||
		fail "$f case $i: backend listening"
	nsx client $CI client "$vip" $((80 + i)) "$d" > "$d/client" &
	cpid=$!
	PIDS+=("$cpid")
	wait_until 10 test -e "$d/sent" ||
		fail "$f case $i: the backend's end sent the INVALID segment"
	[ -z "$reset" ] || wait_until 10 test -s "$d/backend" ||
		fail "$f case $i: the backend's connection ended"
	touch "$d/go"
	wait "$cpid"
	# The client is done: a backend still up sees its EOF.
	wait "$bpid"
}

# run_family FAM VIP BACKEND CLIENT BASE FIX: cases BASE+1 (the bug) and
# BASE+2 (with FIX: be_liberal or drop), on ports 80+case and 8080+case.
run_family() {
	local f=$1 vip=$2 be=$3 c=$4 k=$5 fix=$6 src from to
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
	# The backend's event is amended once the client's next request
	# follows the RST: wait for that, then read all three reports.
	wait_until 5 sh -c "ip netns exec $(ns backend) cat /proc/net/rstmon |
		grep '^event .* dir=in .*cause=nat-invalid' | grep -qF ':$p '" ||
		fail "$f bug: backend: an amended event"
	snap
	is_event "$f bug: NAT host: nat-invalid from an endpoint" nat $p fwd peer nat-invalid
	expect "$f bug: NAT host: certain (stateless answer at the client's next sequence)" \
		"${F[confidence]:-}" certain
	addr "${F[src]:-}"
	src=$A
	addr "${F[dst]:-}"
	expect "$f bug: NAT host: sent by the client to the backend's real address" \
		"$src -> $A" "$c -> $be"
	expect "$f bug: NAT host: the service address the client used" \
		"${F[nat_pre_dst]:-}" "$([ "$f" = ipv6 ] && echo "[$vip]" || echo "$vip"):$((p - 8000))"
	addr "${F[nat_post_dst]:-}"
	expect "$f bug: NAT host: the backend it was translated to" "$A" "$be"
	evidence_has "$f bug: NAT host: evidence untranslated" nat $p fwd untranslated
	evidence_has "$f bug: NAT host: evidence nat (the tuples)" nat $p fwd nat
	is_event "$f bug: client: its stack answered" client $p out local no-connection
	evidence_has "$f bug: client: evidence stray" client $p out stray
	# The backend sees the client's stateless RST, then the client's
	# connection go on: the peer answered untranslated addresses.
	is_event "$f bug: backend: the peer's stack answered untranslated addresses" \
		backend $p in peer nat-invalid
	evidence_has "$f bug: backend: the peer's connection went on" backend $p in data-after
	if nsx backend "$CTL" why --cause nat-invalid | grep -q "left untranslated"; then
		pass "$f bug: rstmonctl why on the backend points at the NAT"
	else
		fail "$f bug: rstmonctl why on the backend points at the NAT"
	fi
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

	# The fix: the same segment makes no reset, and rstmon says nothing.
	if [ "$fix" = be_liberal ]; then
		# conntrack accepts the segment, which is translated.
		nsx nat sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=1
		provoke "$f" "$vip" "$be" $((k + 2))
		nsx nat sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=0
	else
		# the INVALID segment never leaves the NAT host.
		nsx nat nft insert rule inet svc forward ct state invalid drop
		provoke "$f" "$vip" "$be" $((k + 2))
		nsx nat nft delete rule inet svc forward handle "$(nsx nat nft -a list chain inet svc forward |
			awk '/ct state invalid drop/ { print $NF }')"
	fi
	expect "$f $fix: the backend's connection lived" "$(cat "$TMPD/$f-$((k + 2))/backend")" EOF
	expect "$f $fix: the client's next request answered" "$(cat "$TMPD/$f-$((k + 2))/client")" ok
	snap
	none "$f $fix: NAT host: no reset" nat $((p + 1))
	none "$f $fix: client: no reset" client $((p + 1))
	none "$f $fix: backend: no reset" backend $((p + 1))
}

# Each fix once (they act the same on both families).
run_family ipv4 $VIP4 10.2.0.2 10.1.0.1 0 be_liberal
run_family ipv6 $VIP6 fd00:2::2 fd00:1::1 2 drop

# masquerade (IPv4, case 5): the NAT host also translates the client's
# address, so the backend's INVALID segment is addressed to the NAT host
# itself, whose own stack answers it; conntrack still holds the
# connection that stack says does not exist.
provoke ipv4 $VIP4 10.2.0.2 5 reset
expect "masquerade: the backend's connection was reset" "$(cat "$TMPD/ipv4-5/backend")" ECONNRESET
expect "masquerade: the client's next request is reset" "$(cat "$TMPD/ipv4-5/client")" ECONNRESET
snap
is_event "masquerade: NAT host: its own stack answered, nat-invalid" nat 8085 out local nat-invalid
expect "masquerade: NAT host: certain (conntrack holds the connection)" "${F[confidence]:-}" certain
expect "masquerade: NAT host: the service address the client used" "${F[nat_pre_dst]:-}" "$VIP4:85"
addr "${F[dst]:-}"
expect "masquerade: NAT host: to the backend" "$A" 10.2.0.2
evidence_has "masquerade: NAT host: evidence untranslated" nat 8085 out untranslated
evidence_has "masquerade: NAT host: evidence stray" nat 8085 out stray
# (The backend sees an RST from one hop nearer than its peer, then the
# peer's data: it cannot tell this from an injector on the NAT host.)
finish
