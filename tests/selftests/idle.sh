#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Idle timeouts below idle_threshold, and failover after silence
# (module/idle.h), IPv4 and IPv6, through a gateway:
#
#   client -- gw -- server        the service address svc moves to server2
#                \-- server2      (TTL start 50: farther away) or server3
#                \-- server3      (the server's own distance)
#
#  conntrack   the gw's conntrack forgets the connection after 3 s of
#              silence (nf_conntrack_tcp_timeout_established=3) and its
#              rule rejects the client's next segment.  Both namespaces
#              have an idle_threshold of 20 s: the gw says firewall
#              idle-timeout, certain, matched on its conntrack timeout; the
#              client says middlebox idle-timeout from the rhythm (4.5 s
#              of silence, well above its answers within milliseconds and
#              above the floor, a tenth of the threshold).  Old rstmon said
#              no-connection on both.
#  failover    after 2.5 s of silence (client's threshold: 2 s) the service
#              address moves; the new owner's stack resets the client's
#              next segment.  From server2 (farther): no-connection, the
#              evidence new-owner, idle-timeout the other candidate.  From
#              server3 (same TTL): idle-timeout and no-connection, suspect
#              (the firewall of the peer's own host looks the same).
#              Old rstmon said idle-timeout with no other candidate.
#
# time bound: 840
. "$(dirname "$0")/lib.sh"
need_ctl

add_ns client gw server server2 server3
link client gw 1
link gw server 2
link gw server2 3
link gw server3 4
nsx gw sysctl -qw net.ipv4.ip_forward=1
nsx gw sysctl -qw net.ipv6.conf.all.forwarding=1
nsx client ip route add default via 10.1.0.2
nsx client ip -6 route add default via fd00:1::2
for n in server:2 server2:3 server3:4; do
	nsx "${n%:*}" ip route add default via "10.${n#*:}.0.1"
	nsx "${n%:*}" ip -6 route add default via "fd00:${n#*:}::1"
done
# server2 is farther away than the server: its packets start at TTL 50.
nsx server2 sysctl -qw net.ipv4.ip_default_ttl=50
for d in all default lo v3-b; do
	nsx server2 sysctl -qw "net.ipv6.conf.$d.hop_limit=50"
done
nsx client "$CTL" config set idle-threshold 20 || fail "client: idle-threshold 20 accepted"
nsx gw "$CTL" config set idle-threshold 20 || fail "gw: idle-threshold 20 accepted"

# The conntrack rules: a segment of a flow conntrack no longer knows (no
# loose pickup mid-stream) is rejected with a reset.  One rule per port:
# an anonymous set draws a lockdep splat from nf_tables on 6.12 debug
# kernels (nft_set_bitmap, not rstmon's).  The ruleset loads nf_conntrack
# (a module on the stock kernels) before its sysctls are set.
nsx gw nft -f - <<'NFT' || { fail "gw: nft ruleset loaded"; finish; }
table inet gw {
	chain forward {
		type filter hook forward priority 0;
		tcp dport 9101 ct state invalid tcp flags & (syn | rst) == 0 reject with tcp reset
		tcp dport 9151 ct state invalid tcp flags & (syn | rst) == 0 reject with tcp reset
	}
}
NFT
nsx gw sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0 ||
	{ fail "gw: conntrack sysctls (nf_conntrack loaded)"; finish; }
nsx gw sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=3

TMPD=$(mktemp -d)
idle_cleanup() {
	cleanup
	rm -rf "$TMPD"
}
trap idle_cleanup EXIT

# fld NS PORT DIR KEY: KEY= of the first such event.
fld() { evf "$(ev "$1" "$2" "$3")" "$4"; }

# verdict NAME NS PORT DIR WANT: sender/cause/confidence/idle_match/alt_cause
# of the first such event (waits up to 5 s for it).
verdict() {
	local line got m alt
	wait_ev "$2" "$3" "$4"
	line=$EVL
	got="$(evf "$line" sender)/$(evf "$line" cause)/$(evf "$line" confidence)"
	m=$(evf "$line" idle_match)
	alt=$(evf "$line" alt_cause)
	got+="/${m:-none}/${alt:--}"
	if [ "$got" = "$5" ]; then
		pass "$1"
	else
		fail "$1" "got $got, want $5: ${line:-no event}"
	fi
}

# why_has NAME NS PORT DIR PYEXPR: rstmonctl -j why's first such event
# (as "e") satisfies PYEXPR.
why_has() {
	local out
	out=$(nsx "$2" "$CTL" why -j --last 1000 | python3 -c '
import json, sys
port, dir, expr = sys.argv[1:4]
for e in map(json.loads, sys.stdin):
    if e["dir"] != dir or not any(e[k].endswith(":" + port) for k in ("src", "dst")):
        continue
    print("OK" if eval(expr) else "no: %s" % json.dumps(e))
    break
else:
    print("no event")
' "$3" "$4" "$5" 2>&1)
	if [ "$out" = OK ]; then pass "$1"; else fail "$1" "$out"; fi
}

# run_family FAM SERVER SERVER2 SERVER3 SVC PLEN PORTBASE
run_family() {
	local f=$1 a=$2 svc=$5 plen=$6 p=$7 out spid n to ttl
	local -A addr=([server2]=$3 [server3]=$4)

	# conntrack: 4.5 s of silence, conntrack's timeout 3 s.
	serve server reply-hold "$a" $((p + 1))
	out=$(nsx client $KIT client idle "$a" $((p + 1)) 4.5)
	wait_until 5 sh -c "ip netns exec $(ns client) cat /proc/net/rstmon |
		grep '^event .* dir=in ' | grep -qF ':$((p + 1)) '"
	expect_reset "$f conntrack: client errno" "$out" client $((p + 1))
	verdict "$f conntrack: gw (its own conntrack timeout)" gw $((p + 1)) out \
		firewall/idle-timeout/certain/conntrack/-
	expect "$f conntrack: gw names the timeout" "$(fld gw $((p + 1)) out idle_match_s)" 3
	verdict "$f conntrack: client (the rhythm, below idle_threshold)" client $((p + 1)) in \
		middlebox/idle-timeout/likely/rhythm/-
	why_has "$f conntrack: why -j on the gw names conntrack's timeout" gw $((p + 1)) out \
		'e.get("idle_match_s") == 3 and "below 3 s" in e["advice"] and "nf_conntrack_tcp_timeout_established" in e["advice"]'
	stop "${PIDS[-1]}"

	# failover: the address moves after 2.5 s of silence (client's
	# threshold: 2 s) to server2 (farther), then to server3 (same TTL).
	nsx client "$CTL" config set idle-threshold 2 || fail "client: idle-threshold 2 accepted"
	for to in server2:2 server3:3; do
		n=${to#*:}
		to=${to%:*}
		nsx server ip addr add "$svc/$plen" dev lo
		nsx gw ip route replace "$svc/$plen" via "$a"
		serve server reply-hold "$svc" $((p + n))
		spid=${PIDS[-1]}
		nsx client $KIT client pause "$svc" $((p + n)) "$TMPD/$f-$n" > "$TMPD/$f-$n.out" &
		PIDS+=($!)
		wait_until 10 test -e "$TMPD/$f-$n.ready" || fail "$f $to: exchange done"
		nsx server ip addr del "$svc/$plen" dev lo
		# What the old host's socket still sends never leaves it.
		nsx server nft add table inet old 2>/dev/null
		nsx server nft add chain inet old out "{ type filter hook output priority 0; }" \
			2>/dev/null
		nsx server nft add rule inet old out tcp sport $((p + n)) drop
		nsx "$to" ip addr add "$svc/$plen" dev lo
		nsx gw ip route replace "$svc/$plen" via "${addr[$to]}"
		# The silence itself (not a synchronisation): longer than the
		# client's idle_threshold.
		sleep 2.5
		touch "$TMPD/$f-$n.go"
		wait_until 10 test -s "$TMPD/$f-$n.out"
		expect "$f $to: client errno" "$(cat "$TMPD/$f-$n.out")" ECONNRESET
		if [ "$to" = server2 ]; then
			verdict "$f failover farther: client names the new owner" client $((p + n)) in \
				peer/no-connection/likely/threshold/idle-timeout
			if [[ ,$(fld client $((p + n)) in evidence), == *,new-owner,* ]]; then
				pass "$f failover farther: evidence new-owner"
			else
				fail "$f failover farther: evidence new-owner" "$(ev client $((p + n)) in)"
			fi
			ttl=$(fld client $((p + n)) in ttl)
			expect "$f failover farther: the new owner's TTL" "$ttl" 49
			why_has "$f failover farther: why -j advises reconnecting" client $((p + n)) in \
				'e.get("alt_cause") == "idle-timeout" and "reconnect" in e["advice"] and "VRRP" in e["advice"]'
		else
			verdict "$f failover same TTL: both candidates, suspect" client $((p + n)) in \
				peer/idle-timeout/suspect/threshold/no-connection
			why_has "$f failover same TTL: why -j names both and the failover advice" \
				client $((p + n)) in \
				'e.get("alt_cause") == "no-connection" and "reconnect" in e["advice"] and "keepalive" in e["advice"]'
			if [[ ,$(fld client $((p + n)) in evidence), == *,new-owner,* ]]; then
				fail "$f failover same TTL: no new-owner evidence" "$(ev client $((p + n)) in)"
			else
				pass "$f failover same TTL: no new-owner evidence"
			fi
		fi
		expect_event "$f $to: its stack had no socket" "$to" $((p + n)) out local no-connection
		stop "$spid"
		nsx "$to" ip addr del "$svc/$plen" dev lo
		nsx server nft flush table inet old
	done
	nsx client "$CTL" config set idle-threshold 20
}

run_family ipv4 10.2.0.2 10.3.0.2 10.4.0.2 10.9.0.1 32 9100
run_family ipv6 fd00:2::2 fd00:3::2 fd00:4::2 fd00:9::1 128 9150
finish
