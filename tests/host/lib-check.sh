#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The selftests' report readers (tests/selftests/lib.sh: ev, ev_in, evf,
# counter_in, no_event, expect_event), bash alone since the emulated
# guests made each process they spawned cost a tenth of a second, against
# the awk/grep/sed pipelines they replaced, on a report with the cases
# that could tell them apart: a port that is a prefix of another, a key
# that is a prefix of another, a port at the end of a line, two events of
# one connection, a counter line whose name is a prefix of another's.
#
#   tests/host/lib-check.sh [TOP]
TOP=$(cd "${1:-.}" && pwd)
# lib.sh's EXIT trap and helpers, with no namespace: nsx and report read
# the fixture instead.
. "$TOP/tests/selftests/lib.sh"
REP=$(cat <<'EOF'
rstmon version=0.3.0 netns=4026532288
table conns=3 total=7 limit=262144 netns_limit=131072 untracked=0 evicted=0 nomem=0 netns_full=0
events logged=3 ring=1024 overwritten=0 amended=1 idle_threshold=300 notify_dropped=0 rst_unlogged=0
events_by cause=2
rst ipv4 in=0 out=2 fwd=0
rst ipv6 in=5 out=6 fwd=7
errors malformed=0 fragments=0 rst_untracked=9
event id=1 time=1.1 dir=out sender=local cause=refused confidence=certain src=10.1.0.2:80801 dst=10.1.0.1:40312 evidence=ack
event id=2 time=1.2 dir=in sender=peer cause=linger-abort confidence=certain src=10.1.0.2:8080 dst=10.1.0.1:40312 causes=x evidence=ack,tracked
event id=3 time=1.3 dir=in sender=middlebox cause=injected confidence=likely src=10.1.0.2:8080 dst=10.1.0.1:40312 evidence=data-after
event id=4 time=1.4 dir=fwd sender=peer cause=refused confidence=certain src=[fd00::1]:443 dst=[fd00::2]:9000
EOF
)
nsx() { [ "$1" = missing ] && return 1; shift; [ "$*" = "cat /proc/net/rstmon" ] && printf '%s\n' "$REP"; }
UNREAD=$(mktemp)
trap 'rm -f "$UNREAD" "$UNREAD.err"' EXIT

# The implementations before (ev on a report, evf, counter_in).
old_ev() {
	printf '%s\n' "$1" | awk -v p=":$2 " -v d=" dir=$3 " '
		$1 == "event" && index($0, d) && index($0 " ", p) { print; exit }'
}
old_evf() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }
old_counter_in() {
	awk -v line="$1" -v key="$2" '
		index($0, line " ") == 1 || $0 == line {
			for (i = 1; i <= NF; i++)
				if (index($i, key "=") == 1) { print substr($i, length(key) + 2); exit }
		}'
}

n=0
same_as_before() {
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		pass "lib: $1"
	else
		fail "lib: $1" "got '$2', before '$3'"
	fi
}
for q in "8080 in" "8080 out" "80801 out" "40312 in" "9000 fwd" "443 fwd" "80 in" "808 out" "7 in"; do
	read -r p d <<< "$q"
	same_as_before "ev port $p dir $d" "$(ev srv "$p" "$d")" "$(old_ev "$REP" "$p" "$d")"
done
line=$(old_ev "$REP" 8080 in)
for k in sender cause confidence src dst evidence id time causes nothing e; do
	same_as_before "evf $k" "$(evf "$line" "$k")" "$(old_evf "$line" "$k")"
done
same_as_before "evf of two lines" "$(evf "$REP" evicted)" "$(old_evf "$REP" evicted)"
for q in "events logged" "events amended" "events cause" "events_by cause" "rst ipv6 fwd" \
	 "rst ipv4 in" "errors rst_untracked" "table netns_full" "rst ipv6 none" "nothing here"; do
	read -r a b c <<< "$q"
	l=$a${c:+ $b} k=${c:-$b}
	same_as_before "counter_in '$l' $k" "$(printf '%s\n' "$REP" | counter_in "$l" "$k")" \
		"$(printf '%s\n' "$REP" | old_counter_in "$l" "$k")"
done
has_event srv 8080 in
same_as_before "has_event: the event, in EVL" "$EVL" "$(old_ev "$REP" 8080 in)"
has_event srv 808 in && EVL=found
same_as_before "has_event: none" "$EVL" ""
has_event missing 8080 in && EVL=found
same_as_before "has_event: an unreadable report is none, not recorded" "$EVL$(cat "$UNREAD")" ""
same_as_before "counter through report" "$(counter srv "rst ipv6" out)" 6

# expect_event and no_event give the same verdicts as before.
RSTMON_WAIT_SCALE=0
verdict() { "$@" | sed 's/ #.*//'; }
same_as_before "expect_event, the first event of a connection" \
	"$(verdict expect_event t srv 8080 in peer linger-abort)" "ok - t"
same_as_before "expect_event, another verdict" \
	"$(verdict expect_event t srv 8080 in middlebox injected)" "not ok - t"
same_as_before "expect_event, no event" "$(verdict expect_event t srv 808 in peer refused)" "not ok - t"
same_as_before "no_event, none" "$(verdict no_event t srv 808)" "ok - t"
same_as_before "no_event, one at the end of a line" "$(verdict no_event t srv 9000)" "not ok - t"
same_as_before "no_event, an unreadable report" "$(verdict no_event t missing 808)" "not ok - t"
same_as_before "the unreadable report recorded for finish" "$(grep -c '^namespace missing:' "$UNREAD")" 1
: > "$UNREAD"
[ "$n" -ge 30 ] && pass "lib: $n comparisons" || fail "lib: $n comparisons"
finish
