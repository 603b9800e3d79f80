#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The rstmon-events unit: systemd-analyze verify takes it, and its
# exposure (systemd-analyze security --offline=yes) stays at most
# $RSTMON_EXPOSURE_MAX (2.0: "OK").  The unit's ExecStart= names the
# installed /usr/sbin/rstmonctl; the copy checked here names the built one.
# Exit 4 (a skip) when systemd-analyze is missing.
#
#   tests/host/unit-check.sh [TOP]     (rstmonctl built first)
TOP=$(cd "${1:-.}" && pwd)
UNIT=$TOP/userspace-ctl/rstmon-events.service
MAX=${RSTMON_EXPOSURE_MAX:-2.0}

if ! command -v systemd-analyze > /dev/null; then
	echo "# systemd-analyze is missing"
	exit 4
fi
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
sed "s|/usr/sbin/rstmonctl|$TOP/userspace-ctl/rstmonctl|" "$UNIT" > "$d/rstmon-events.service"
rc=0
if out=$(systemd-analyze verify --man=no "$d/rstmon-events.service" 2>&1) && [ -z "$out" ]; then
	echo "ok - unit: systemd-analyze verify"
else
	echo "not ok - unit: systemd-analyze verify"
	printf '%s\n' "$out" | sed 's/^/# /'
	rc=1
fi
# --threshold is in tenths of the score.
out=$(systemd-analyze security --offline=yes --threshold="$(awk "BEGIN { print int($MAX * 10) }")" "$d/rstmon-events.service" 2>&1)
src=$?
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
if [ "$src" = 0 ] && [ -n "$score" ]; then
	echo "ok - unit: exposure $score (at most $MAX)"
else
	echo "not ok - unit: exposure ${score:-?} (at most $MAX)"
	printf '%s\n' "$out" | grep -v '^✓' | sed 's/^/# /'
	rc=1
fi
# The settings the hardening stands on (the score alone would not miss one).
for want in CapabilityBoundingSet=CAP_NET_ADMIN AmbientCapabilities=CAP_NET_ADMIN \
	    NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
	    "RestrictAddressFamilies=AF_NETLINK AF_UNIX" ProtectKernelModules=yes \
	    SystemCallFilter=@system-service MemoryDenyWriteExecute=yes LockPersonality=yes \
	    Restart=on-failure LogRateLimitIntervalSec= LogRateLimitBurst= \
	    "ExecStart=/usr/sbin/rstmonctl watch --journal"; do
	if ! grep -q "^$want" "$UNIT"; then
		echo "not ok - unit: $want"
		rc=1
	fi
done
[ "$rc" = 0 ] && echo "ok - unit: its hardening settings"
exit $rc
