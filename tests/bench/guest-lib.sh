# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by bench-guest.sh and bench-smp-guest.sh.
#
# conntrack_like_rstmon MAX: conntrack's hash as large as the loaded
# rstmon's (a power of two), its limit 2 * MAX; prints the bucket count.
#
# End-to-end traffic over veth between two namespaces, rstmon unloaded and
# loaded in turn.  Needs say() (a line to the output).  Each round writes
# "E2E unloaded|loaded bulk_bps=N rr_tps=N" (see report.py, report-smp.py).
#
#   e2e_setup NS                     namespaces NS-a (10.9.0.1), NS-b (10.9.0.2)
#   e2e_runs NS RUNS SECONDS SETTLE [CLIENT_CPU SERVER_CPU]
#   e2e_teardown NS                  rstmon unloaded, the namespaces gone
#
# SETTLE: seconds the server gets to listen; the CPUs, where given, pin the
# client's and the server's processes (taskset).

e2e_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

conntrack_like_rstmon() {
	local max=$1 buckets pow=1
	buckets=$(awk '$1 == "table" { for (i = 1; i <= NF; i++) if ($i ~ /^limit=/) print substr($i, 7) }' /proc/net/rstmon)
	while [ "$pow" -lt "${buckets:-1}" ]; do pow=$((pow * 2)); done
	echo "$pow" > /proc/sys/net/netfilter/nf_conntrack_buckets 2>/dev/null ||
		echo "$pow" > /sys/module/nf_conntrack/parameters/hashsize
	echo $((max * 2)) > /proc/sys/net/netfilter/nf_conntrack_max
	echo "$pow"
}

e2e_setup() {
	local ns=$1
	ip netns add "$ns-a" && ip netns add "$ns-b"
	ip link add v-a netns "$ns-a" type veth peer name v-b netns "$ns-b"
	ip -n "$ns-a" addr add 10.9.0.1/24 dev v-a && ip -n "$ns-a" link set v-a up
	ip -n "$ns-b" addr add 10.9.0.2/24 dev v-b && ip -n "$ns-b" link set v-b up
	ip -n "$ns-a" link set lo up && ip -n "$ns-b" link set lo up
}

# e2e_round NS TAG SECONDS SETTLE [CLIENT_CPU SERVER_CPU]: one bulk and
# one request/response run.
e2e_round() {
	local ns=$1 tag=$2 secs=$3 settle=$4 bps tps
	local cli=() srv=()
	[ -n "${5:-}" ] && cli=(taskset -c "$5")
	[ -n "${6:-}" ] && srv=(taskset -c "$6")
	ip netns exec "$ns-b" "${srv[@]}" iperf3 -s -1 -B 10.9.0.2 > /dev/null 2>&1 &
	sleep "$settle"
	bps=$(ip netns exec "$ns-a" "${cli[@]}" iperf3 -c 10.9.0.2 -t "$secs" -J 2>/dev/null |
	      python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))' 2>/dev/null)
	wait
	ip netns exec "$ns-b" "${srv[@]}" python3 "$e2e_dir/rr.py" server 10.9.0.2 5201 &
	sleep "$settle"
	tps=$(ip netns exec "$ns-a" "${cli[@]}" python3 "$e2e_dir/rr.py" client 10.9.0.2 5201 "$secs")
	wait
	say "E2E $tag bulk_bps=${bps:-0} rr_tps=${tps:-0}"
}

e2e_runs() {
	local ns=$1 runs=$2
	shift 2
	for _ in $(seq "$runs"); do
		modprobe -r rstmon 2>/dev/null
		e2e_round "$ns" unloaded "$@"
		modprobe rstmon || say "ERROR modprobe rstmon"
		e2e_round "$ns" loaded "$@"
	done
}

e2e_teardown() {
	modprobe -r rstmon
	ip netns del "$1-a"; ip netns del "$1-b"
}
