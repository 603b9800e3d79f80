#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every cause a host can produce on its own, with real sockets between two
# namespaces, IPv4 and IPv6.  For each, the server's namespace and the
# client's must both name the sender and the cause of the RST.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/scenarios.sh"

scenarios_setup
run_family ipv4 10.1.0.2 8000
run_family ipv6 fd00:1::2 9000
rm -rf "$TMPD"
modprobe -r rstmon && modprobe rstmon || fail "reload rstmon with defaults"
finish
