#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RSTs for connections nobody tracks (a blind reset flood) are counted and
# logged, but never allocate a table entry.
. "$(dirname "$0")/lib.sh"

add_ns cli srv
link cli srv 1

expect "no entries before" "$(counter srv table conns)" 0
out=$(nsx cli $KIT client rst-flood 10.1.0.2 80 200)
expect "200 forged RSTs sent" "$out" SENT
wait_until 5 sh -c "[ \"\$(ip netns exec $(ns srv) awk '/^errors/ {print \$4}' /proc/net/rstmon)\" = rst_untracked=200 ]"
expect "server counted 200 RSTs of untracked connections" "$(counter srv errors rst_untracked)" 200
expect "server allocated no entry for them" "$(counter srv table conns)" 0
expect "server logged 200 events" "$(counter srv events logged)" 200
expect "client allocated no entry either" "$(counter cli table conns)" 0
line=$(ev cli 80 out)
expect "client: a raw socket's RST is local/injected" \
	"$(evf "$line" sender)/$(evf "$line" cause)" local/injected
finish
