#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The causes the kernel's timers and limits produce, with real sockets
# between two namespaces, IPv4 and IPv6 (causes.sh has those an
# application produces):
#
#   timeout      keepalive probes to a peer gone silent (tcp_keepalive_timer()
#                gives up: TCP_KEEPALIVE_TIMEOUT), and close() in FIN_WAIT2
#                with TCP_LINGER2 below zero (TCP_ABORT_ON_LINGER)
#   bad-segment  a SYN-ACK whose ACK number is not the SYN's, to a SYN_SENT
#                socket: its stack answers it (TCP_INVALID_ACK_SEQUENCE)
#   memory       close() while orphans are over net.ipv4.tcp_max_orphans
#                (tcp_check_oom(): TCP_ABORT_ON_MEMORY)
#
# The sender's namespace (cli) must name sender, cause and confidence, and,
# on kernels whose tcp_send_reset tracepoint has a reason (6.10+), the
# kernel's reason.  A case the running kernel cannot produce says "# SKIP"
# with the reason, never passes.  Then the connection dump's address
# filters on a live IPv6 connection (netlink.sh and rstmonctl.sh test them
# on IPv4).
#
# tcp_max_orphans is not per namespace (init_net's table only, 6.1 to
# 7.2): the memory case sets it to 0 for the whole guest for a few seconds
# and puts it back.
# time bound: 1200
. "$(dirname "$0")/lib.sh"

CTL=$(cd "$(dirname "$0")/../.." && pwd)/userspace-ctl/rstmonctl
W=$(mktemp -d)
ORPHANS=$(cat /proc/sys/net/ipv4/tcp_max_orphans)
trap 'echo "$ORPHANS" > /proc/sys/net/ipv4/tcp_max_orphans; cleanup; rm -rf "$W"' EXIT

modprobe -r rstmon 2>/dev/null
if ! modprobe rstmon; then
	fail "load rstmon"
	finish
fi
add_ns cli srv || skip "no network namespaces"
link cli srv 1
nsx srv nft -f - <<'NFT' || skip "no nftables"
table inet kc {
	chain input { type filter hook input priority 0; }
}
NFT
# Orphans in FIN_WAIT2 stay full sockets (not TIME_WAIT ones) while the
# memory case needs one.
nsx cli sysctl -qw net.ipv4.tcp_fin_timeout=120

fmt=$(cat /sys/kernel/tracing/events/tcp/tcp_send_reset/format \
	/sys/kernel/debug/tracing/events/tcp/tcp_send_reset/format 2>/dev/null)
[[ $fmt == *reason* ]] && KREASON=1 || KREASON=0

skipcase() { echo "ok - $1 # SKIP $2"; }

# expect_rst NAME NS PORT DIR SENDER CAUSE CONFIDENCE [KREASON]: the first
# event of NS in DIR on port PORT says SENDER/CAUSE/CONFIDENCE, and the
# kernel's reason KREASON where the kernel gives one.
expect_rst() {
	local name=$1 n=$2 port=$3 dir=$4 line got
	wait_ev "$n" "$port" "$dir"
	line=$EVL
	echo "# $name: ${line:-no event}"
	got="$(evf "$line" sender)/$(evf "$line" cause)/$(evf "$line" confidence)"
	if [ "$got" = "$5/$6/$7" ]; then
		pass "$name"
	else
		fail "$name" "got $got, want $5/$6/$7: ${line:-no event}"
	fi
	[ -n "${8:-}" ] || return 0
	if [ "$KREASON" = 1 ]; then
		expect "$name: kernel reason" "$(evf "$line" kreason)" "$8"
	else
		expect "$name: no kernel reason on this kernel" "$(evf "$line" kreason)" none
	fi
}

# peer_view NAME NS PORT: what the receiver made of it (a comment: an RST
# from a timer or a limit looks, from outside, like any abort).
peer_view() {
	local line
	line=$(ev "$2" "$3" in)
	echo "# $1, as the peer saw it: $(evf "$line" sender)/$(evf "$line" cause)/$(evf "$line" confidence)"
}

# mib NS NAME: a TcpExt counter of namespace NS.
mib() {
	nsx "$1" awk -v k="$2" '$1 == "TcpExt:" { if (!n) { for (i = 2; i <= NF; i++) f[i] = $i; n = 1; next }
		for (i = 2; i <= NF; i++) if (f[i] == k) print $i }' /proc/net/netstat
}

mem_aborted() { [ "$(mib cli TCPAbortOnMemory)" -gt "$m0" ]; }

run_family() {
	local f=$1 a=$3 p=$4 out i m0 hit

	# --- timeout: keepalive probes to a peer that went silent -----------
	serve srv reply-hold "$a" $((p + 1))
	nsx cli env RSTMON_READY="$W/ka-$f" $KIT client keepalive "$a" $((p + 1)) 2,1,2 > "$W/ka-$f.out" &
	PIDS+=($!)
	wait_until 10 test -e "$W/ka-$f" || fail "$f timeout (keepalive): the exchange"
	nsx srv nft add rule inet kc input tcp dport $((p + 1)) drop
	wait_until 20 test -s "$W/ka-$f.out"
	expect "$f timeout (keepalive): client errno" "$(cat "$W/ka-$f.out")" ETIMEDOUT
	expect_rst "$f timeout (keepalive): client" cli $((p + 1)) out local timeout certain \
		TCP_KEEPALIVE_TIMEOUT

	# --- timeout: close() in FIN_WAIT2 with TCP_LINGER2 < 0 --------------
	nsx srv $KIT server hold-all "$a" $((p + 2)) &
	PIDS+=($!)
	wait_until 10 nsx srv sh -c "ss -Htln | grep -q ':$((p + 2)) '"
	out=$(nsx cli $KIT client linger2-close "$a" $((p + 2)))
	expect "$f timeout (TCP_LINGER2 < 0): closed in FIN_WAIT2" "$out" CLOSED
	expect_rst "$f timeout (TCP_LINGER2 < 0): client" cli $((p + 2)) out local timeout certain \
		TCP_ABORT_ON_LINGER
	peer_view "$f timeout (TCP_LINGER2 < 0)" srv $((p + 2))

	# --- bad-segment: a SYN-ACK with a wrong ACK number -----------------
	# Nobody listens at the server and its stack never sees the SYN (nft
	# drops it after the packet socket): only the forged SYN-ACK answers.
	nsx srv nft add rule inet kc input tcp dport $((p + 3)) drop
	nsx srv $KIT client forge-synack "$a" $((p + 3)) v1-b > "$W/forge-$f" &
	PIDS+=($!)
	sleep 0.3	# the packet socket is bound (nothing to poll)
	out=$(nsx cli $KIT client syn-hold "$a" $((p + 3)) 3)
	wait_until 10 test -s "$W/forge-$f"
	expect "$f bad-segment: forged SYN-ACK sent" "$(cat "$W/forge-$f")" SENT
	# The RST does not end the SYN_SENT socket (RFC 9293 3.10.7.3).
	expect "$f bad-segment: the client still connecting" "$out" STATE2
	expect_rst "$f bad-segment: client" cli $((p + 3)) out local bad-segment likely \
		TCP_INVALID_ACK_SEQUENCE

	# --- memory: too many orphans ----------------------------------------
	# One orphan first (FIN_WAIT2, held by a server that never closes), then
	# tcp_max_orphans 0: the next close() finds the orphan count (cached
	# every 100 ms) over the limit.  A few tries for that cache.
	nsx srv $KIT server hold-all "$a" $((p + 4)) &
	PIDS+=($!)
	wait_until 10 nsx srv sh -c "ss -Htln | grep -q ':$((p + 4)) '"
	nsx cli $KIT client close-orphan "$a" $((p + 4)) > /dev/null
	if ! wait_until 10 nsx cli sh -c "ss -Htn state fin-wait-2 '( dport = :$((p + 4)) )' | grep -q ."; then
		fail "$f memory: an orphan in FIN_WAIT2"
		return
	fi
	m0=$(mib cli TCPAbortOnMemory)
	echo 0 > /proc/sys/net/ipv4/tcp_max_orphans
	hit=0
	for i in 1 2 3 4 5; do
		sleep 0.3
		nsx cli $KIT client close-orphan "$a" $((p + 4)) > /dev/null
		if wait_until 3 mem_aborted; then
			hit=$i
			break
		fi
	done
	echo "$ORPHANS" > /proc/sys/net/ipv4/tcp_max_orphans
	if [ "$hit" = 0 ]; then
		skipcase "$f memory" "no TCPAbortOnMemory after 5 closes with an orphan over tcp_max_orphans 0"
		return
	fi
	echo "# $f memory: reset at close $hit"
	expect_rst "$f memory: client" cli $((p + 4)) out local memory certain TCP_ABORT_ON_MEMORY
	peer_view "$f memory" srv $((p + 4))
}

run_family ipv4 10.1.0.1 10.1.0.2 8100
run_family ipv6 fd00:1::1 fd00:1::2 9100
expect "kernel reasons never contradict" "$(counter cli errors kernel_disagrees)" 0

# --- conns: the address filters on a live IPv6 connection ----------------
P=9105
serve srv hold fd00:1::2 $P
nsx cli $KIT client read-wait fd00:1::2 $P > /dev/null &
PIDS+=($!)
has_conn() { [ -n "$(ip netns exec "$(ns srv)" "$CTL" conns --port $P 2>/dev/null)" ]; }
wait_until 10 has_conn || fail "conns ipv6: the connection on $P is tracked"
c=$(nsx srv "$CTL" conns --port $P)
expect "conns ipv6 --port $P: one line" "$(echo "$c" | grep -c '^conn ')" 1
expect "conns ipv6: family" "$(evf "$c" family)" ipv6
expect "conns ipv6: server" "$(evf "$c" server)" "[fd00:1::2]:$P"
case $(evf "$c" client) in
"[fd00:1::1]:"[0-9]*) pass "conns ipv6: client [fd00:1::1]:PORT" ;;
*) fail "conns ipv6: client [fd00:1::1]:PORT" "$c" ;;
esac
cport=$(evf "$c" client | sed 's/.*://')
found() { nsx "$1" "$CTL" conns "${@:2}" | grep -c "server=\[fd00:1::2\]:$P "; }
expect "conns --addr fd00:1::1 (the client's): found" "$(found srv --addr fd00:1::1)" 1
expect "conns --addr fd00:1::2 (the server's): found" "$(found srv --addr fd00:1::2)" 1
expect "conns --addr fd00:1:0:0:0:0:0:1 (the client's, written out): found" \
	"$(found srv --addr fd00:1:0:0:0:0:0:1)" 1
expect "conns --addr fd00:1::1 --port $cport (both of the client): found" \
	"$(found srv --addr fd00:1::1 --port "$cport")" 1
expect "conns --addr fd00:1::2 --port $P --state established --dir in: found" \
	"$(found srv --addr fd00:1::2 --port $P --state established --dir in)" 1
expect "conns -j --addr fd00:1::1: ipv6" \
	"$(nsx srv "$CTL" -j conns --addr fd00:1::1 --port $P | json 'd["family"]')" ipv6
expect "conns --addr fd00:1::1 in cli (it went out): found" \
	"$(found cli --addr fd00:1::1 --dir out)" 1
# Not matching: another address of the subnet, an address that differs
# in its first byte only, the subnet's prefix, the IPv4 addresses of the
# same hosts, the v4-mapped form of one, and the right address with a
# wrong port, state or direction.
for a in fd00:1::3 fc00:1::1 fd00:1:: fd00:1::100 10.1.0.1 10.1.0.2 ::ffff:10.1.0.1 ::1 ::; do
	expect "conns --addr $a: not the IPv6 connection" "$(found srv --addr $a)" 0
done
expect "conns --addr fd00:1::1 --port 9: nothing" "$(found srv --addr fd00:1::1 --port 9)" 0
expect "conns --addr fd00:1::1 --state syn-sent: nothing" \
	"$(found srv --addr fd00:1::1 --state syn-sent)" 0
expect "conns --addr fd00:1::1 --dir out in srv: nothing" "$(found srv --addr fd00:1::1 --dir out)" 0
# The IPv4 filter on an IPv4 connection still matches beside it.
serve srv hold 10.1.0.2 $((P + 1))
nsx cli $KIT client read-wait 10.1.0.2 $((P + 1)) > /dev/null &
PIDS+=($!)
wait_until 10 sh -c "[ -n \"\$(ip netns exec $(ns srv) $CTL conns --port $((P + 1)) 2>/dev/null)\" ]"
expect "conns --addr 10.1.0.1: the IPv4 connection only" \
	"$(nsx srv "$CTL" conns --addr 10.1.0.1 | grep -c "server=10.1.0.2:$((P + 1)) ")/$(found srv --addr 10.1.0.1)" 1/0
expect "conns --addr fd00:1::1: the IPv6 connections only" \
	"$(nsx srv "$CTL" conns --addr fd00:1::1 | grep -vc ' family=ipv6 ')/$(found srv --addr fd00:1::1)" 0/1
rc=0
out=$(nsx srv "$CTL" conns --addr fd00:1::1::2 2>&1) || rc=$?
if [ "$rc" -ne 0 ]; then
	pass "conns --addr fd00:1::1::2: refused (${out%%$'\n'*})"
else
	fail "conns --addr fd00:1::1::2: refused" "exit 0: $out"
fi

echo "# events in cli:"
event_table cli
finish
