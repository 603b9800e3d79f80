#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the 2-vCPU stock-kernel guest (tests/vm/stock-vm.sh, started by
# "tests/run.sh bench-smp" in place of guest-tests.sh): end-to-end traffic
# over veth with the two namespaces' processes on different CPUs, rstmon
# unloaded and loaded in turn, then the benchmark module
# tests/bench/rstmon_bench_smp.c.  Writes "KEY key=value..." lines to
# $RSTMON_RESULTS/bench-smp.out (see report-smp.py), its own log to
# bench-smp.log, and finally $RSTMON_RESULTS/done.
#
# Parameters from the kernel command line:
#   rstmon_smp=SIZES/ROUNDS/SEGS/E2E_SECONDS/E2E_RUNS
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
R=$RSTMON_RESULTS
T=$RSTMON_TOP
here=$T/tests/bench
out=$R/bench-smp.out
exec > "$R/bench-smp.log" 2>&1
: > "$out"
say() { echo "$*" >> "$out"; }
# The end-to-end rounds and conntrack sized like rstmon.
# shellcheck source=tests/bench/guest-lib.sh
. "$here/guest-lib.sh"

p=$(sed -n 's/.*rstmon_smp=\([^ ]*\).*/\1/p' /proc/cmdline)
IFS=/ read -r sizes rounds segs e2e runs <<< "${p:-1000,100000,1000000/1001/200/5/3}"
largest=${sizes##*,}
say "GUEST kernel=$(uname -r) cpus=$(nproc) sizes=$sizes rounds=$rounds segs=$segs e2e=$e2e runs=$runs"

# NET_RX softirqs per CPU (where receive ran).
net_rx() { awk '$1 == "NET_RX:" { print "cpu0=" $2 " cpu1=" $3 }' /proc/softirqs; }

# --- end to end: veth between two namespaces, processes pinned apart -----
# veth delivers a segment in the sender's CPU's softirq: with the client on
# CPU 0 and the server on CPU 1, each namespace sends on one CPU and
# receives on the other, so rstmon sees a connection's two directions on
# two CPUs.
if [ "$e2e" != 0 ]; then
	e2e_setup rs
	say "NET_RX_BEFORE $(net_rx)"
	e2e_runs rs "$runs" "$e2e" 1 0 1
	say "NET_RX_AFTER $(net_rx)"
	e2e_teardown rs
fi

# --- the benchmark module --------------------------------------------------
# Table limits above the largest size, conntrack's hash as large as
# rstmon's (bench-guest.sh does the same).
max=$((largest + largest / 8 + 4096))
[ "$max" -lt 1024 ] && max=1024
modprobe nf_conntrack || say "ERROR modprobe nf_conntrack"
modprobe rstmon max_conns=$max netns_max_conns=$max ||
	{ say "ERROR modprobe rstmon max_conns=$max"; touch "$R/done"; exit 1; }
pow=$(conntrack_like_rstmon "$max")
say "CONFIG max_conns=$max rstmon_buckets=$pow ct_buckets=$(cat /proc/sys/net/netfilter/nf_conntrack_buckets) ct_max=$(cat /proc/sys/net/netfilter/nf_conntrack_max)"
seq=$(python3 "$T/tests/vm/kmsg.py" seq "rstmon-rig: bench-smp: insmod")
t0=$(cut -d' ' -f1 /proc/uptime)
insmod "$RSTMON_KO/rstmon_bench_smp.ko" sizes="$sizes" rounds="$rounds" segs="$segs"
rc=$?
klog=$(python3 "$T/tests/vm/kmsg.py" since "${seq:-0}") || say "ERROR kernel log overrun: results lost"
echo "$klog" | sed -n 's/.*rstmon_bench_smp: //p' >> "$out"
say "INSMOD_EXIT $rc seconds=$(awk -v a="$t0" '{ printf "%.0f", $1 - a }' /proc/uptime)"
echo "$klog" | grep -E 'BUG|WARNING|rstmon returned|Oops' >> "$out"
modprobe -r rstmon
dmesg > "$R/dmesg"
sync
touch "$R/done"
