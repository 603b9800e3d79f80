#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Did the receiving stack accept the RST (accepted=yes|no|challenged)?
# RSTs crafted from the client's namespace into its own live connection:
# the exact sequence number resets it, one inside the window gets a
# challenge ACK and the connection lives on (the "sender" carrying on then
# proves the RST forged), one far out of the window is ignored.  Their
# payloads shown escaped and bounded.  Then data after close both ways
# round: closed_first=server (the keep-alive race) and =client (closed
# while the server was still sending), with why's advice for each.
# IPv4 and IPv6.
# time bound: 600
. "$(dirname "$0")/lib.sh"

ACT="python3 $(dirname "$0")/accepted.py"
need_ctl
add_ns cli srv
link cli srv 1

# A TcpExt counter of the server's namespace (nstat's TcpExtNAME).
tcpext() {
	nsx srv awk -v name="$1" '$1 == "TcpExt:" { if (!h) { for (i = 2; i <= NF; i++) k[i] = $i; h = 1 }
		else for (i = 2; i <= NF; i++) if (k[i] == name) print $i }' /proc/net/netstat
}

# evidence_has NAME NS PORT DIR FLAG
evidence_has() {
	local line
	line=$(ev "$2" "$3" "$4")
	if [[ ,$(evf "$line" evidence), == *",$5,"* ]]; then
		pass "$1"
	else
		fail "$1" "no $5: ${line:-no event}"
	fi
}

# rst_case FAM ADDR PORT KIND PAYLOAD WANT_CLIENT WANT_SERVER ACCEPTED
rst_case() {
	local f=$1 a=$2 p=$3 kind=$4 pl=$5 line srvpid out sout
	nsx srv $ACT server echo "$a" "$p" > "$TMPD/srv.$p" &
	srvpid=$!
	PIDS+=($srvpid)
	wait_until 10 nsx srv sh -c "ss -Htln | grep -q ':$p '" || fail "$f: echo on $p"
	out=$(nsx cli $ACT client rst "$a" "$p" "$kind,$pl")
	expect "$f $kind: the client's connection afterwards" "$out" "$6"
	wait "$srvpid"
	sout=$(cat "$TMPD/srv.$p")
	expect "$f $kind: the server application saw" "$sout" "$7"
	wait_until 5 sh -c "[ -n \"\$(ip netns exec $(ns srv) cat /proc/net/rstmon |
		grep '^event .* dir=in ' | grep -F ':$p ')\" ]"
	line=$(ev srv "$p" in)
	expect "$f $kind: accepted=" "$(evf "$line" accepted)" "$8"
	LINE=$line
}

TMPD=$(mktemp -d)
for fam in ipv4 ipv6; do
	if [ $fam = ipv4 ]; then a=10.1.0.2 b=7000; else a=fd00:1::2 b=7100; fi

	# Exact: the connection is reset; the app sees it; nothing is left.
	rst_case $fam $a $((b + 1)) exact text ECONNRESET ECONNRESET yes
	expect "$fam exact: rst_payload= escaped" "$(evf "$LINE" rst_payload)" \
		'"policy\x20\"deny\"\x20\\\x20idle"'
	expect "$fam exact: rst_payload_len=" "$(evf "$LINE" rst_payload_len)" 20
	# Every event line has both keys; "-" where they do not apply.
	expect "$fam exact: closed_first=- (not data-after-close)" "$(evf "$LINE" closed_first)" -
	expect "$fam exact: the RST sent reads accepted=-" \
		"$(evf "$(ev cli $((b + 1)) out)" accepted)" -
	if nsx srv ss -Htn | grep -qF ":$((b + 1)) "; then
		fail "$fam exact: the server's socket is gone"
	else
		pass "$fam exact: the server's socket is gone"
	fi

	# In the window: a challenge ACK, the connection lives; the client
	# (the RST's "sender") carrying on amends the event to injected.
	c0=$(tcpext TCPChallengeACK) k0=$(tcpext TCPACKSkippedChallenge)
	rst_case $fam $a $((b + 2)) window binary ALIVE EOF challenged
	c1=$(tcpext TCPChallengeACK) k1=$(tcpext TCPACKSkippedChallenge)
	expect "$fam window: the stack sent a challenge ACK (TcpExtTCPChallengeACK +1)" \
		"$((c1 - c0)) $((k1 - k0))" "1 0"
	evidence_has "$fam window: rstmon saw it leave: confirmed" srv $((b + 2)) in challenge-ack
	expect "$fam window: the sender carried on: injected" "$(evf "$LINE" cause)" injected
	expect "$fam window: binary payload as \\xNN" "$(evf "$LINE" rst_payload)" \
		'"\x00\x01\x02\x0a\x7f\xffok"'

	# Far out of the window: ignored; a payload longer than 40 bytes cut.
	rst_case $fam $a $((b + 3)) far long ALIVE EOF no
	if [[ ,$(evf "$LINE" evidence), == *,challenge-ack,* ]]; then
		fail "$fam far: an ignored RST is not confirmed challenged" "$LINE"
	else
		pass "$fam far: an ignored RST is not confirmed challenged"
	fi
	expect "$fam far: payload cut at 40 bytes, marked" "$(evf "$LINE" rst_payload)" \
		"\"$(printf 'L%.0s' $(seq 40))\"..."
	expect "$fam far: rst_payload_len= the whole" "$(evf "$LINE" rst_payload_len)" 100

	# rstmonctl: the same, in text, JSON and why.
	if [ -x "$CTL" ]; then
		# The table: only the accepted RST closed its connection; the
		# challenged and the ignored one's lived on, to their FINs.
		for c in "1 closed" "2 closing" "3 closing"; do
			set -- $c
			t=$(nsx srv "$CTL" conns --dport $((b + $1)) | grep '^conn ' | head -n 1)
			expect "$fam conns: after the RST to $((b + $1)), state" "$(evf "$t" state)" "$2"
			case ,$(evf "$t" client_flags), in
			*,rst,*) pass "$fam conns: $((b + $1)): the client's rst flag kept" ;;
			*) fail "$fam conns: $((b + $1)): the client's rst flag kept" "$t" ;;
			esac
		done
		t=$(nsx srv "$CTL" events | grep -F ":$((b + 2)) " | head -n 1)
		expect "$fam rstmonctl text: accepted" "$(evf "$t" accepted)" challenged
		expect "$fam rstmonctl text: payload" "$(evf "$t" rst_payload)" \
			'"\x00\x01\x02\x0a\x7f\xffok"'
		j=$(nsx srv "$CTL" -j events | grep -F ":$((b + 3))\"" | grep '"dir":"in"' | head -n 1)
		expect "$fam rstmonctl JSON" \
			"$(echo "$j" | json 'd["accepted"], d["rst_payload"][:5], d["rst_payload_len"], d["rst_payload_truncated"]')" \
			"no LLLLL 100 True"
		w=$(nsx srv "$CTL" why --port $((b + 1)) --last 20 2>&1)
		case $w in
		*"Did it reset the connection: yes"*"The RST carried 20 bytes"*) pass "$fam why: the reset that mattered" ;;
		*) fail "$fam why: the reset that mattered" "$w" ;;
		esac
	else
		skip "rstmonctl not built"
	fi

	# Data after close, the server first: the keep-alive race.
	p=$((b + 4))
	serve srv reply-close $a $p
	out=$(nsx cli $KIT client keepalive-race $a $p)
	expect_event "$fam server closed first: event" srv $p out local data-after-close
	expect "$fam server closed first: closed_first=" \
		"$(evf "$(ev srv $p out)" closed_first)" server
	expect "$fam server closed first: the client's view" \
		"$(evf "$(ev cli $p in)" closed_first)" server

	# ... the client first, while the server was still sending.
	p=$((b + 5))
	nsx srv $ACT server later $a $p > /dev/null &
	PIDS+=($!)
	wait_until 10 nsx srv sh -c "ss -Htln | grep -q ':$p '" || fail "$fam: later on $p"
	nsx cli $ACT client early $a $p > /dev/null
	expect_event "$fam client closed first: event" cli $p out local data-after-close
	expect "$fam client closed first: closed_first=" \
		"$(evf "$(ev cli $p out)" closed_first)" client
	expect "$fam client closed first: the server's view" \
		"$(evf "$(ev srv $p in)" closed_first)" client
	expect "$fam client closed first: the server's stack accepted the RST" \
		"$(evf "$(ev srv $p in)" accepted)" yes
	if [ -x "$CTL" ]; then
		w=$(nsx cli "$CTL" why --port $p --last 20 2>&1)
		case $w in
		*"the client closed first"*"shutdown(SHUT_WR)"*) pass "$fam why: client first, drain before close" ;;
		*) fail "$fam why: client first, drain before close" "$w" ;;
		esac
		w=$(nsx srv "$CTL" why --port $((b + 4)) --last 20 2>&1)
		case $w in
		*"keep-alive race"*"idle timeout below the server's"*) pass "$fam why: server first, the keep-alive race" ;;
		*) fail "$fam why: server first, the keep-alive race" "$w" ;;
		esac
		j=$(nsx srv "$CTL" -j events | grep -F ":$((b + 4))\"" | grep '"dir":"out"' | head -n 1)
		expect "$fam rstmonctl JSON closed_first" "$(echo "$j" | json 'd["closed_first"]')" server
	fi
done
# Two exact RSTs and the two of the client closing first.
expect "counter: accepted" "$(counter srv rst_in accepted)" 4
expect "counter: challenged" "$(counter srv rst_in challenged)" 2
rm -rf "$TMPD"
finish
