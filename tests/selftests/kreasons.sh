#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own reset reasons that kcauses.sh and causes.sh leave out,
# provoked with real sockets between two namespaces (kreasons.py), IPv4
# and IPv6; each must come with rstmon's cause, the kernel's reason as
# rstmonctl shows it, and no kernel-disagrees:
#
#   TCP_DISCONNECT_WITH_DATA  close() with SO_LINGER 0 in LAST_ACK with
#                             data still unsent: linger-abort
#   TCP_ABORT_ON_CLOSE        an MPTCP socket closed with data unread:
#                             MPTCP's fastclose resets its live subflow
#                             (app-abort, which rstmon sees: before, the
#                             map said the reason did not fit it)
#
# A reason is checked where the running kernel has it: its name is in the
# tcp_send_reset tracepoint's format (not a version number); elsewhere the
# case says "# SKIP".  The MPTCP case needs MPTCP in the kernel (not the
# UML kernel's).
. "$(dirname "$0")/lib.sh"

need_ctl
KR="python3 $(dirname "$0")/kreasons.py"
add_ns cli srv || skip "no network namespaces"
link cli srv 1

fmt=$(cat /sys/kernel/tracing/events/tcp/tcp_send_reset/format \
	/sys/kernel/debug/tracing/events/tcp/tcp_send_reset/format 2>/dev/null)
has_reason() { [[ $fmt == *"\"$1\""* ]]; }
skipcase() { echo "ok - $1 # SKIP $2"; }

# expect_kr NAME PORT CAUSE KREASON: cli's event out to PORT says local
# CAUSE, rstmonctl shows KREASON, and no kernel-disagrees.
expect_kr() {
	local name=$1 port=$2 line ctl
	wait_until 5 sh -c "ip netns exec $(ns cli) cat /proc/net/rstmon |
		grep '^event .* dir=out ' | grep -F ':$port ' | grep -q ' kreason=[A-Z]'"
	line=$(ev cli "$port" out)
	echo "# $name: ${line:-no event}"
	expect "$name: sender/cause" "$(evf "$line" sender)/$(evf "$line" cause)" "local/$3"
	ctl=$(nsx cli "$CTL" --lines events --port "$port" --dir out | head -n 1)
	expect "$name: rstmonctl's kernel reason" "$(evf "$ctl" kreason)" "$4"
	case ",$(evf "$line" evidence)," in
	*,kernel-disagrees,*) fail "$name: no kernel-disagrees" "$line" ;;
	*,kreason,*) pass "$name: no kernel-disagrees" ;;
	*) fail "$name: no kernel-disagrees" "no kreason evidence: $line" ;;
	esac
	nsx cli "$CTL" why --port "$port" --dir out | grep -o "the kernel's reason: [^;]*" | head -n 1 |
		sed 's/^/# why: /'
}

run_family() {
	local f=$1 a=$2 p=$3 out

	# --- TCP_DISCONNECT_WITH_DATA: SO_LINGER 0 in LAST_ACK, data unsent ---
	if has_reason TCP_DISCONNECT_WITH_DATA; then
		nsx srv $KR server-finhold "$a" "$p" > /dev/null &
		PIDS+=($!)
		wait_until 10 nsx srv sh -c "ss -Htln | grep -q ':$p '"
		out=$(nsx cli $KR disconnect-data "$a" "$p")
		echo "# $f disconnect-data: $out"
		expect "$f disconnect with data: LAST_ACK with data unsent" "${out%% *}" CLOSED
		expect_kr "$f disconnect with data" "$p" linger-abort TCP_DISCONNECT_WITH_DATA
	else
		skipcase "$f disconnect with data" "the kernel has no reason TCP_DISCONNECT_WITH_DATA"
	fi

	# --- TCP_ABORT_ON_CLOSE: MPTCP's fastclose of a live subflow ---------
	p=$((p + 1))
	if ! has_reason TCP_ABORT_ON_CLOSE; then
		skipcase "$f mptcp fastclose" "the kernel has no reason TCP_ABORT_ON_CLOSE"
		return
	fi
	if [ "$MPTCP" = 0 ]; then
		skipcase "$f mptcp fastclose" "no MPTCP in this kernel"
		return
	fi
	nsx srv $KR mptcp-server "$a" "$p" > /dev/null &
	PIDS+=($!)
	wait_until 10 nsx srv sh -c "ss -Htln | grep -q ':$p '"
	out=$(nsx cli $KR mptcp-unread "$a" "$p")
	expect "$f mptcp fastclose: closed with data unread" "$out" CLOSED
	expect_kr "$f mptcp fastclose" "$p" app-abort TCP_ABORT_ON_CLOSE
}

if [ -z "$fmt" ] || [[ $fmt != *reason* ]]; then
	skip "the tcp_send_reset tracepoint gives no reason on this kernel"
fi
MPTCP=0
python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)' 2>/dev/null && MPTCP=1
run_family ipv4 10.1.0.2 8300
run_family ipv6 fd00:1::2 9300
expect "kernel reasons never contradict" "$(counter cli errors kernel_disagrees)" 0
echo "# events in cli:"
event_table cli
finish
