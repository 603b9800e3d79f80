#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Asymmetric routing: the client's segments reach the server through r1,
# the server's come back through r2.  r1 forwards one direction only; the
# client's RST that crosses it must be reported as seen one way
# ("one-way" evidence, counted in the header's path line) and never with
# more than "suspect" confidence.  IPv4 and IPv6.
#
#   client --1-- r1 --2-- server
#      \                    /
#       4------- r2 ------3
. "$(dirname "$0")/lib.sh"

add_ns client r1 r2 server
link client r1 1
link r1 server 2
link server r2 3
link r2 client 4
for n in client r1 r2 server; do
	nsx $n sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	for i in $(nsx $n ls /sys/class/net); do
		nsx $n sysctl -qw "net.ipv4.conf.$i.rp_filter=0"
	done
done
for n in r1 r2; do
	nsx $n sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
done
# There: client -> r1 -> server.  Back: server -> r2 -> client.
nsx client ip route add 10.2.0.0/24 via 10.1.0.2
nsx client ip -6 route add fd00:2::/64 via fd00:1::2
nsx server ip route add 10.1.0.0/24 via 10.3.0.2
nsx server ip -6 route add fd00:1::/64 via fd00:3::2
nsx r2 ip route add 10.1.0.0/24 via 10.4.0.2
nsx r2 ip -6 route add fd00:1::/64 via fd00:4::2

run_family() {
	local f=$1 a=$2 p=$3 out line
	serve server hold "$a" "$p"
	out=$(nsx client $KIT client send-abort "$a" "$p")
	expect "$f: the client aborted" "$out" ABORTED
	expect_event "$f: client" client "$p" out local linger-abort
	wait_until 5 sh -c "[ -n \"\$(ip netns exec $(ns r1) cat /proc/net/rstmon |
		grep '^event .* dir=fwd ' | grep -F ':$p ')\" ]"
	line=$(ev r1 "$p" fwd)
	if [[ ,$(evf "$line" evidence), == *,one-way,* ]]; then
		pass "$f: r1 says it saw one way"
	else
		fail "$f: r1 says it saw one way" "${line:-no event}"
	fi
	expect "$f: r1 is no more than suspect" "$(evf "$line" confidence)" suspect
	expect "$f: r1 names the client's side" "$(evf "$line" side)" client
	no_event "$f: r2 saw no RST" r2 "$p"
}

run_family ipv4 10.2.0.2 8201
run_family ipv6 fd00:2::2 9201
expect "r1 counts both in its path line" "$(counter r1 path one_way)" 2
expect "r2 counts none" "$(counter r2 path one_way)" 0
for n in r1 r2; do
	echo "# --- $n"
	report $n | grep '^event ' | sed 's/^/# /'
done
finish
