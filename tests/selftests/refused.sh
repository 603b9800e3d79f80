#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A client connects to a port with no listener.  The server's stack answers
# the SYN with an RST: the server's namespace counts one RST sent, the
# client's one received, and an uninvolved namespace nothing.  IPv4 and IPv6.
. "$(dirname "$0")/lib.sh"

add_ns cli srv other
link cli srv 1

expect "ipv4 connect refused" "$(tcp_connect cli 10.1.0.2 9)" ECONNREFUSED
expect "ipv6 connect refused" "$(tcp_connect cli fd00:1::2 9)" ECONNREFUSED

for fam in ipv4 ipv6; do
	expect "$fam server sent 1 rst" "$(counter srv "rst $fam" out)" 1
	expect "$fam server received no rst" "$(counter srv "rst $fam" in)" 0
	expect "$fam client received 1 rst" "$(counter cli "rst $fam" in)" 1
	expect "$fam client sent no rst" "$(counter cli "rst $fam" out)" 0
	for d in in out fwd; do
		expect "$fam uninvolved namespace $d=0" "$(counter other "rst $fam" $d)" 0
	done
done
expect "client saw 2 segments out (SYNs)" "$(counter cli segments out)" 2
expect "other namespace saw no segment" "$(counter other segments in)" 0
expect "no malformed segments" "$(counter srv errors malformed)" 0
expect "/proc/net/rstmon is mode 0440, owned by root" \
	"$(nsx srv stat -c '%a %U %G' /proc/net/rstmon)" "440 root root"
finish
