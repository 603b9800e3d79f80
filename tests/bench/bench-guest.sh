#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest (UML): the benchmark module against nf_conntrack, the
# memory of a full table, and end-to-end traffic over veth with and
# without rstmon.  Writes "key value..." lines to $1 (see report.py).
#
#   bench-guest.sh OUT KO_DIR SIZES ROUNDS SEGS E2E_SECS
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
out=$1 ko=$2 sizes=$3 rounds=$4 segs=$5 e2e=$6
here=$(cd "$(dirname "$0")" && pwd)
: > "$out"
say() { echo "$*" >> "$out"; }
# The end-to-end rounds and conntrack sized like rstmon.
# shellcheck source=tests/bench/guest-lib.sh
. "$here/guest-lib.sh"
largest=${sizes##*,}

# --- end to end: veth between two namespaces, rstmon unloaded and loaded --
if [ "$e2e" != 0 ]; then
	e2e_setup rb
	e2e_runs rb 5 "$e2e" 0.3
	e2e_teardown rb
fi

# --- the benchmark module, and the memory of the table it leaves --------
# Table limit above the largest size; conntrack's limit and buckets the
# same as rstmon's, so neither walks longer chains than the other.
max=$((largest + largest / 8 + 4096))
# One namespace holds the whole table (netns_max_conns), and every RST of
# no connection takes the classified and logged path (untracked_rst_rate=0,
# the cost the table reports; the default limit would skip most of them).
modprobe rstmon max_conns=$max netns_max_conns=$max untracked_rst_rate=0 ||
	{ say "ERROR modprobe rstmon max_conns=$max"; exit 1; }
pow=$(conntrack_like_rstmon "$max")
# Whether rstmon takes its socket path (module parameter sock_path), so
# the table says what "data-socket" measured.
sock_path=$(cat /sys/module/rstmon/parameters/sock_path 2>/dev/null || echo none)
say "CONFIG max_conns=$max rstmon_buckets=$pow ct_buckets=$(cat /proc/sys/net/netfilter/nf_conntrack_buckets) ct_max=$(cat /proc/sys/net/netfilter/nf_conntrack_max) sock_path=$sock_path"
slab() { awk -v n="$1" '$1 == n { print "objs=" $3 " objsize=" $4 }' /proc/slabinfo; }
say "SLAB_BEFORE rstmon_conn $(slab rstmon_conn)"
# The bench's lines by record number (no "dmesg -C": nothing the kernel
# says may be hidden from the rig).  A ring overrun loses results: say so.
seq=$(python3 "$here/../vm/kmsg.py" seq "rstmon-rig: bench: insmod")
insmod "$ko/rstmon_bench.ko" sizes="$sizes" rounds="$rounds" segs="$segs" 2>/dev/null
rc=$?
klog=$(python3 "$here/../vm/kmsg.py" since "${seq:-0}") || say "ERROR kernel log overrun: results lost"
echo "$klog" | sed -n 's/.*rstmon_bench: //p' >> "$out"
[ "$rc" -ne 0 ] && say "INSMOD_EXIT $rc"
conns=$(awk '$1 == "table" { for (i = 1; i <= NF; i++) if ($i ~ /^conns=/) print substr($i, 7) }' /proc/net/rstmon)
say "SLAB_AFTER rstmon_conn $(slab rstmon_conn) table_conns=$conns slab_size=$(cat /sys/kernel/slab/rstmon_conn/slab_size 2>/dev/null)"
say "SLAB_AFTER nf_conntrack $(slab nf_conntrack) ct_count=$(cat /proc/sys/net/netfilter/nf_conntrack_count)"
say "MEMINFO $(awk '$1 == "Slab:" { print "slab_kb=" $2 }' /proc/meminfo)"
# RSTs of unknown connections again (after a run to its end: insmod
# fails with ECANCELED, 1), with untracked_rst_rate at its
# default: the path of an RST flood, past the first of each second.
rate=$(modinfo -p rstmon | sed -n 's/^untracked_rst_rate:.*default \([0-9]*\).*/\1/p')
if [ "$rc" -le 1 ] && echo "${rate:-1000}" > /sys/module/rstmon/parameters/untracked_rst_rate; then
	say "CONFIG_FLOOD untracked_rst_rate=$(cat /sys/module/rstmon/parameters/untracked_rst_rate)"
	seq=$(python3 "$here/../vm/kmsg.py" seq "rstmon-rig: bench: insmod rst_flood")
	insmod "$ko/rstmon_bench.ko" sizes="$sizes" rounds="$rounds" segs="$segs" rst_flood=1 2>/dev/null
	frc=$?
	klog2=$(python3 "$here/../vm/kmsg.py" since "${seq:-0}") || say "ERROR kernel log overrun: results lost"
	echo "$klog2" | sed -n 's/.*rstmon_bench: \(RESULT .*\)/\1/p' >> "$out"
	[ "$frc" -ne 0 ] && [ "$frc" -ne 1 ] && say "INSMOD_EXIT $frc"
	klog="$klog
$klog2"
fi
modprobe -r rstmon
say "MEMINFO_UNLOADED $(awk '$1 == "Slab:" { print "slab_kb=" $2 }' /proc/meminfo)"
echo "$klog" | grep -E 'BUG|WARNING|rstmon returned' >> "$out"
exit 0
