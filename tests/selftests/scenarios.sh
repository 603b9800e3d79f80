#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host-local RST scenarios, shared by causes.sh (which asserts) and
# demo.sh (which shows).  Needs lib.sh sourced first.

# scenarios_setup: namespaces cli and srv on one veth, the server's nft
# table, and the sysctls and delay that the accept-overflow case needs.
scenarios_setup() {
	# A short idle threshold, so the idle-timeout case takes seconds.
	modprobe -r rstmon && modprobe rstmon idle_threshold=5 || return 1
	need_ctl
	add_ns cli srv
	link cli srv 1
	TMPD=$(mktemp -d)
	nsx srv nft -f - <<'NFT'
table inet rstmon {
	chain input { type filter hook input priority 0; }
	chain output { type filter hook output priority 0; }
}
NFT
	nsx srv sysctl -qw net.ipv4.tcp_abort_on_overflow=1
	nsx srv sysctl -qw net.ipv4.tcp_syncookies=0
	# SYNs and handshake ACKs reach the server in bursts: an overflow
	# needs several handshakes in flight at once.
	nsx cli tc qdisc add dev v1-a root netem delay 100ms
}

# scenarios_threshold SECONDS: the idle threshold of both namespaces.
scenarios_threshold() {
	local ns

	for ns in cli srv; do
		nsx "$ns" "$CTL" config set idle-threshold "$1" ||
			fail "$ns: idle-threshold $1 accepted"
	done
}

# run_family FAM SRVADDR PORTBASE
run_family() {
	local f=$1 a=$2 p=$3 out

	# Only the idle-timeout case below wants the short threshold: the
	# others pause for a second or two, which an emulated guest under load
	# stretches past 5 s (an abort after 5.5 s of silence reads as an idle
	# timeout, rightly so).
	scenarios_threshold 60
	# refused: nobody listens.
	out=$(nsx cli $KIT client connect "$a" $((p + 1)))
	expect "$f refused: client errno" "$out" ECONNREFUSED
	expect_event "$f refused: server" srv $((p + 1)) out local refused
	expect_event "$f refused: client" cli $((p + 1)) in peer refused

	# a local reject rule on the server.
	nsx srv nft add rule inet rstmon input tcp dport $((p + 2)) reject with tcp reset
	out=$(nsx cli $KIT client connect "$a" $((p + 2)))
	expect "$f reject rule: client errno" "$out" ECONNREFUSED
	expect_event "$f reject rule: server" srv $((p + 2)) out firewall refused
	expect_event "$f reject rule: client" cli $((p + 2)) in peer refused

	# unread-data: the server closes with the request unread.
	serve srv unread "$a" $((p + 3))
	out=$(nsx cli $KIT client send-wait "$a" $((p + 3)))
	expect "$f unread-data: client errno" "$out" ECONNRESET
	expect_event "$f unread-data: server" srv $((p + 3)) out local unread-data
	expect_event "$f unread-data: client" cli $((p + 3)) in peer unread-data

	# linger-abort: SO_LINGER 0 close right after a reply.
	serve srv linger "$a" $((p + 4))
	out=$(nsx cli $KIT client read-wait "$a" $((p + 4)))
	expect "$f linger-abort: client errno" "$out" ECONNRESET
	expect_event "$f linger-abort: server" srv $((p + 4)) out local linger-abort
	expect_event "$f linger-abort: client" cli $((p + 4)) in peer linger-abort

	# data-after-close: the keep-alive race of the seed.
	serve srv reply-close "$a" $((p + 5))
	out=$(nsx cli $KIT client keepalive-race "$a" $((p + 5)))
	expect "$f data-after-close: client errno (RST in CLOSE_WAIT)" "$out" EPIPE
	expect_event "$f data-after-close: server" srv $((p + 5)) out local data-after-close
	expect_event "$f data-after-close: client" cli $((p + 5)) in peer data-after-close

	# time-wait: a SYN inside the window of the server's closed socket.
	serve srv reply-close "$a" $((p + 6))
	out=$(nsx cli $KIT client close-wait-syn "$a" $((p + 6)))
	expect "$f time-wait: raw SYN sent" "$out" SENT
	expect_event "$f time-wait: server" srv $((p + 6)) out local time-wait
	expect_event "$f time-wait: client" cli $((p + 6)) in peer time-wait

	# app-abort: an operator kills the server's socket (SOCK_DESTROY).
	serve srv reply-hold "$a" $((p + 7))
	nsx cli $KIT client exchange-wait "$a" $((p + 7)) > "$TMPD/app-abort" &
	PIDS+=($!)
	wait_until 10 nsx srv sh -c "ss -Htn state established '( sport = :$((p + 7)) )' | grep -q ."
	sleep 1.2	# idle, so the abort is not read as a linger close
	nsx srv ss -K state established "( sport = :$((p + 7)) )" > /dev/null
	wait_until 10 test -s "$TMPD/app-abort"
	expect "$f app-abort: client errno" "$(cat "$TMPD/app-abort")" ECONNRESET
	expect_event "$f app-abort: server" srv $((p + 7)) out local app-abort
	expect_event "$f app-abort: client" cli $((p + 7)) in peer app-abort

	# abandoned: the client drops a fresh connection with an abort.
	serve srv hold "$a" $((p + 8))
	out=$(nsx cli $KIT client abandon "$a" $((p + 8)))
	expect_event "$f abandoned: client" cli $((p + 8)) out local abandoned
	expect_event "$f abandoned: server" srv $((p + 8)) in peer abandoned

	# no-connection: the server lost the connection without a word (its
	# RST dropped on the way out), then the client sends.
	nsx srv nft add rule inet rstmon output tcp sport $((p + 9)) "tcp flags & rst == rst" drop
	serve srv linger "$a" $((p + 9))
	local spid=${PIDS[-1]}
	nsx cli $KIT client idle "$a" $((p + 9)) 0.5 > "$TMPD/noconn" &
	PIDS+=($!)
	wait "$spid"	# the server has closed; its RST was dropped
	nsx srv nft flush chain inet rstmon output
	wait_until 10 test -s "$TMPD/noconn"
	expect "$f no-connection: client errno" "$(cat "$TMPD/noconn")" ECONNRESET
	expect_event "$f no-connection: server" srv $((p + 9)) out local no-connection
	expect_event "$f no-connection: client" cli $((p + 9)) in peer no-connection

	# accept-overflow: the backlog is full and tcp_abort_on_overflow set.
	serve srv backlog "$a" $((p + 10)) 1
	out=$(nsx cli $KIT client burst "$a" $((p + 10)) 1,3)
	case $out in *ECONNRESET*) pass "$f accept-overflow: a client was reset" ;;
	*) fail "$f accept-overflow: a client was reset" "$out" ;; esac
	expect_event "$f accept-overflow: server" srv $((p + 10)) out local accept-overflow
	expect_event "$f accept-overflow: client" cli $((p + 10)) in peer accept-overflow

	# idle-timeout: the server's stateful firewall forgets a connection
	# idle longer than its timeout and rejects its next segment.
	nsx srv nft add rule inet rstmon input ct state invalid reject with tcp reset
	nsx srv sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
	nsx srv sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=6
	serve srv reply-hold "$a" $((p + 11))
	scenarios_threshold 5
	out=$(nsx cli $KIT client idle "$a" $((p + 11)) 8)
	wait_until 5 sh -c "ip netns exec $(ns cli) cat /proc/net/rstmon |
		grep '^event .* dir=in ' | grep -qF ':$((p + 11)) '"
	expect_reset "$f idle-timeout: client errno" "$out" cli $((p + 11))
	expect_event "$f idle-timeout: server" srv $((p + 11)) out firewall idle-timeout
	expect_event "$f idle-timeout: client" cli $((p + 11)) in peer idle-timeout
	nsx srv nft flush chain inet rstmon input
	nsx srv sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=432000
}

