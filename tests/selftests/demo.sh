#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make demo": provoke real resets between network namespaces and show
# what rstmon reports in each of them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/scenarios.sh"

scenarios_setup
add_ns bystander
echo "Running every host-local reset scenario over IPv4 and IPv6 between namespaces"
echo "'cli' and 'srv' (see tests/selftests/scenarios.sh); checks below must all be ok."
echo
run_family ipv4 10.1.0.2 8000
run_family ipv6 fd00:1::2 9000

CTL=$(cd "$(dirname "$0")/../.." && pwd)/userspace-ctl/rstmonctl
for n in srv cli; do
	printf '\n=== rstmon in namespace %s: what it says about each RST\n' "$n"
	if [ -x "$CTL" ]; then
		# rstmonctl's table: the default on a terminal, asked for here
		# (make demo's output may be piped).
		echo "\$ rstmonctl events -o table"
		"$CTL" -n "$(ns "$n")" events -o table
	else
		event_table "$n"
	fi
done
for n in srv cli bystander; do
	printf '\n=== /proc/net/rstmon of namespace %s (header)\n' "$n"
	report "$n" | grep -v '^event ' | grep -v '=0 out=0 fwd=0$'
done
printf '\n=== one full event line (server, linger-abort over IPv4)\n'
ev srv 8004 out
if [ -x "$CTL" ]; then
	printf '\n=== rstmonctl -n %s: the same, over generic netlink\n' "$(ns srv)"
	echo "\$ rstmonctl events | tail -n 2"
	"$CTL" -n "$(ns srv)" events | tail -n 2
	echo "\$ rstmonctl -j events | tail -n 1"
	"$CTL" -n "$(ns srv)" -j events | tail -n 1
	echo "\$ rstmonctl config set idle-threshold 600 notify-rate 100; rstmonctl config get"
	"$CTL" -n "$(ns srv)" config set idle-threshold 600 notify-rate 100
	"$CTL" -n "$(ns srv)" config get
	echo "\$ rstmonctl metrics | grep -m 3 rstmon_rst_segments_total"
	"$CTL" -n "$(ns srv)" metrics | grep -m 3 'rstmon_rst_segments_total'
	echo "\$ rstmonctl metrics | grep rstmon_cgroup_resets_total"
	"$CTL" -n "$(ns srv)" metrics | grep 'rstmon_cgroup_resets_total'
	printf '\n=== rstmonctl why: who was hit, why, and what to do (the keep-alive race, accept overflow)\n'
	echo "\$ rstmonctl why --port 8005 --last 1; rstmonctl why --cause accept-overflow --last 1"
	"$CTL" -n "$(ns srv)" why --port 8005 --last 1
	"$CTL" -n "$(ns srv)" why --cause accept-overflow --last 1
	printf '\n=== rstmonctl -A: every network namespace, labelled (container=, pod= when a cgroup names them)\n'
	echo "\$ rstmonctl -A events | tail -n 3 | cut -c 1-160"
	"$CTL" -A events | tail -n 3 | cut -c 1-160
	echo "\$ rstmonctl -A stats | grep -A 1 '^=='"
	"$CTL" -A stats | grep -A 1 '^=='
fi
if [ -x "$CTL" ]; then
	printf '\n=== rstmonctl top: resets per second by sender and cause (one snapshot, piped)\n'
	echo "\$ timeout -s INT 1.5 rstmonctl top -i 1 | head -n 12"
	timeout --preserve-status -s INT 1.5 "$CTL" -n "$(ns srv)" top -i 1 | head -n 12
fi
if [ -x "$CTL" ]; then
	printf '\n=== Did the reset matter? Two RSTs forged into live connections (tests/selftests/accepted.sh)\n'
	echo "One at the exact next sequence number (the stack resets: accepted=yes), one"
	echo "inside the window (accepted=challenged, its challenge ACK seen: the connection"
	echo "lives on); each with a reason text.  The real client sends on after both:"
	echo "injected."
	ACT="python3 $(dirname "$0")/accepted.py"
	for k in "exact 8091" "window 8092"; do
		set -- $k
		nsx srv $ACT server echo 10.1.0.2 "$2" > /dev/null &
		PIDS+=($!)
		wait_until 10 nsx srv sh -c "ss -Htln | grep -q ':$2 '" || fail "demo: echo on $2"
		echo "client after the $1 RST: $(nsx cli $ACT client rst 10.1.0.2 "$2" "$1,text")"
		wait "${PIDS[-1]}"
	done
	wait_until 5 sh -c "[ \"\$(ip netns exec $(ns srv) cat /proc/net/rstmon | grep -c ' dir=in .*:809[12] ')\" = 2 ]"
	echo "\$ rstmonctl events --port 8091; rstmonctl events --port 8092 (dir=in, cut)"
	for p in 8091 8092; do
		"$CTL" -n "$(ns srv)" events --port $p | grep ' dir=in ' | tr ' ' '\n' |
			grep -E '^(cause|accepted|rst_payload|rst_payload_len|evidence)=' | paste -sd ' '
	done
	echo "\$ rstmonctl why --port 8092 --last 1"
	"$CTL" -n "$(ns srv)" why --port 8092 --last 1
fi
printf '\n=== The socket path: 1 MB over one connection; most of its segments never touch the table\n'
sp() { nsx "$1" awk '$1 == "socket_path"' /proc/net/rstmon; }
echo "before: srv $(sp srv); cli $(sp cli)"
nsx srv python3 -c 'import socket
s = socket.create_server(("10.1.0.2", 8095)); c, _ = s.accept(); n = 0
while (d := c.recv(65536)):
    n += len(d)
c.close()' &
PIDS+=($!)
wait_until 10 nsx srv sh -c "ss -Htln | grep -q ':8095 '" || fail "demo: sink on 8095"
nsx cli python3 -c 'import socket
c = socket.create_connection(("10.1.0.2", 8095))
for _ in range(256):
    c.sendall(b"x" * 4096)
c.close()'
wait "${PIDS[-1]}"
echo "after:  srv $(sp srv); cli $(sp cli)"
rm -rf "$TMPD"
modprobe -r rstmon && modprobe rstmon

printf '\n=== Through a gateway: client -- router -- server (tests/selftests/gateway.sh)\n'
echo "A router's reject rule, a closed port, a NAT's idle timeout, an address moved to"
echo "another server, a forged RST, the keep-alive race, a forged burst, masquerade and"
echo "a flowtable, seen from all three namespaces; checks below must all be ok."
RSTMON_DEMO=1 bash "$(dirname "$0")/gateway.sh"
