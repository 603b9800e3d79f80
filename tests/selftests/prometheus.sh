#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rstmonctl metrics --listen scraped by a real Prometheus server (the
# Debian package): N refused connections and M linger-aborts in namespace
# srv, counted by the listener from the event stream, scraped every
# second, and queried back with PromQL: per cause exactly N and M, the
# silence histogram's count N + M, and the same as the kernel's own
# per-cause counters.  /metrics passes promtool check metrics; other
# paths are 404, other methods 405; SIGTERM ends the listener with 0.
#
# The logic is rstmonctl's (userspace), the same on every kernel: on the
# UML guest only.
#
# Prometheus and every HTTP client run in namespace mon, which reaches
# srv's listener over a veth link: their own connections (and the polls
# before a server is up) reset nothing in srv.
#
# time bound: 1200
. "$(dirname "$0")/lib.sh"

uml_only "metrics --listen and Prometheus"
need_ctl
command -v prometheus > /dev/null && command -v promtool > /dev/null ||
	skip "the prometheus package is not installed"
command -v curl > /dev/null || skip "curl is not installed"

N=3
M=2
PORT=9466
W=$(mktemp -d)
LPID=
PPID_=
done_all() {
	[ -n "$PPID_" ] && kill "$PPID_" 2>/dev/null && wait "$PPID_" 2>/dev/null
	[ -n "$LPID" ] && kill "$LPID" 2>/dev/null && wait "$LPID" 2>/dev/null
	cleanup
	rm -rf "$W"
}
trap done_all EXIT

add_ns cli srv mon
link cli srv 1		# cli 10.1.0.1, srv 10.1.0.2
link srv mon 2		# srv 10.2.0.1, mon 10.2.0.2
LISTEN=10.2.0.1:$PORT
URL=http://$LISTEN/metrics

# 1. The listener in srv.
ip netns exec "$(ns srv)" "$CTL" metrics --listen "$LISTEN" > "$W/listen.out" 2> "$W/listen.err" &
LPID=$!
if wait_until 30 nsx srv sh -c "ss -Htln | grep -q '10.2.0.1:$PORT '"; then
	pass "listener up on $LISTEN"
else
	fail "listener up on $LISTEN" "$(cat "$W/listen.err")"
	finish
fi
expect "listener says where" "$(head -n 1 "$W/listen.err")" "rstmonctl: serving $URL"

# 2. Prometheus in mon, scraping it every second.
cat > "$W/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: rstmon
    static_configs:
      - targets: ['$LISTEN']
EOF
mkdir -p "$W/data"
ip netns exec "$(ns mon)" prometheus --config.file="$W/prometheus.yml" \
	--storage.tsdb.path="$W/data" --web.listen-address=127.0.0.1:9090 \
	> "$W/prometheus.log" 2>&1 &
PPID_=$!
ready() { nsx mon curl -sf -o /dev/null http://127.0.0.1:9090/-/ready; }
if ! wait_until 180 ready; then
	if ! kill -0 "$PPID_" 2>/dev/null; then
		echo "# prometheus log:"; tail -n 20 "$W/prometheus.log" | sed 's/^/#   /'
		skip "prometheus exited before it was ready (environment): $(tail -n 1 "$W/prometheus.log")"
	fi
	fail "prometheus ready within 180 s" "$(tail -n 3 "$W/prometheus.log" | tr '\n' ' ')"
	finish
fi
pass "prometheus ready"

# query EXPR: the instant query's result as "LABEL=VALUE;..." (LABEL: the
# cause label, or "-"), sorted.
query() {
	nsx mon python3 - "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
q = urllib.parse.urlencode({"query": sys.argv[1]})
with urllib.request.urlopen("http://127.0.0.1:9090/api/v1/query?" + q, timeout=10) as r:
    d = json.load(r)
out = sorted("%s=%s" % (s["metric"].get("cause", "-"), s["value"][1]) for s in d["data"]["result"])
print(";".join(out))
PY
}
# The target is scraped: up is 1.
if wait_until 60 sh -c "[ \"\$(ip netns exec $(ns mon) curl -s 'http://127.0.0.1:9090/api/v1/query?query=up' |
	python3 -c 'import json,sys; r=json.load(sys.stdin)[\"data\"][\"result\"]; print(r[0][\"value\"][1] if r else \"\")')\" = 1 ]"; then
	pass "prometheus scrapes the listener (up == 1)"
else
	fail "prometheus scrapes the listener (up == 1)" "$(tail -n 3 "$W/prometheus.log" | tr '\n' ' ')"
fi

# 3. The resets in srv: N refused connections, M linger-aborts.
for i in $(seq 1 "$N"); do
	expect "refused connect $i" "$(tcp_connect cli 10.1.0.2 $((8900 + i)))" ECONNREFUSED
done
for i in $(seq 1 "$M"); do
	serve srv linger 10.1.0.2 $((8950 + i))
	nsx cli $KIT client read-wait 10.1.0.2 $((8950 + i)) > /dev/null
done
kcount() {
	"$CTL" -n "$(ns srv)" metrics 2>/dev/null |
		sed -n "s/^rstmon_kernel_resets_total{netns=\"[0-9]*\",dir=\"out\",cause=\"$1\"} //p"
}
wait_until 30 sh -c "[ \"\$(ip netns exec $(ns srv) $CTL metrics 2>/dev/null | grep -c \
	'^rstmon_kernel_resets_total{.*dir=\"out\",cause=\"\(refused\|linger-abort\)\"} [1-9]')\" = 2 ]"
expect "kernel: refused out" "$(kcount refused)" "$N"
expect "kernel: linger-abort out" "$(kcount linger-abort)" "$M"

# 4. What Prometheus scraped, with PromQL.
Q='sum by (cause) (rstmon_resets_total{dir="out",cause=~"refused|linger-abort"})'
want="linger-abort=$M;refused=$N"
got=
for _ in $(seq 1 120); do
	got=$(query "$Q")
	[ "$got" = "$want" ] && break
	sleep 0.5
done
expect "PromQL $Q" "$got" "$want"
expect "PromQL: the senders (local)" \
	"$(query 'sum by (cause) (rstmon_resets_total{dir="out",sender="local",cause=~"refused|linger-abort"})')" "$want"
expect "PromQL: the silence histogram counts each reset" \
	"$(query 'sum(rstmon_reset_silence_seconds_count{dir="out",cause=~"refused|linger-abort"})')" "-=$((N + M))"
expect "PromQL: +Inf bucket is the count" \
	"$(query 'sum(rstmon_reset_silence_seconds_bucket{dir="out",cause=~"refused|linger-abort",le="+Inf"})')" "-=$((N + M))"
expect "PromQL: the kernel's counters agree" \
	"$(query 'sum by (cause) (rstmon_kernel_resets_total{dir="out",cause=~"refused|linger-abort"})')" "$want"
expect "PromQL: netns label is srv's inode" \
	"$(query 'count(rstmon_info{netns="'"$(stat -L -c %i "/run/netns/$(ns srv)")"'"})')" "-=1"

# 5. The endpoint itself.
nsx mon curl -s -D "$W/headers" -o "$W/metrics" "$URL"
if promtool check metrics < "$W/metrics" > "$W/promtool.log" 2>&1; then
	pass "promtool check metrics on /metrics"
else
	fail "promtool check metrics on /metrics" "$(head -n 3 "$W/promtool.log" | tr '\n' ' ')"
fi
expect "Content-Type" "$(sed -n 's/^Content-Type: //Ip' "$W/headers" | tr -d '\r')" \
	"text/plain; version=0.0.4; charset=utf-8"
expect "/metrics: refused out, sender local" \
	"$(grep -c "^rstmon_resets_total{netns=\"[0-9]*\",dir=\"out\",sender=\"local\",cause=\"refused\"} $N\$" "$W/metrics")" 1
expect "GET /other: 404" "$(nsx mon curl -s -o /dev/null -w '%{http_code}' "http://$LISTEN/other")" 404
expect "POST /metrics: 405" \
	"$(nsx mon curl -s -o /dev/null -w '%{http_code}' -X POST -d x "$URL")" 405

# 6. SIGTERM: exit 0.
kill -TERM "$LPID"
rc=0
wait "$LPID" || rc=$?
LPID=
expect "SIGTERM: listener exits 0" "$rc" 0
finish
