#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rstmonctl(8) names every sender, cause and evidence flag of
# module/names.h (a name added there and not to the man page fails), and
# has its BUGS and SEE ALSO conntrack(8), nft(8), nstat(8), ss(8).
#
#   tests/host/manpage-check.sh [TOP]
TOP=${1:-.}
MAN=$TOP/userspace-ctl/rstmonctl.8
rc=0
# The man page as text, the hyphens plain.
text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN")
for table in sender cause evidence; do
	names=$(sed -n "/rstmon_${table}_names\[\]/,/^};/p" "$TOP/module/names.h" |
		sed -n 's/.*= "\([^"]*\)",.*/\1/p')
	[ -n "$names" ] || { echo "not ok - man page: no $table names read from names.h"; rc=1; continue; }
	missing=$(for n in $names; do
		printf '%s\n' "$text" | grep -qE "(^|[ ,(])$n([ ,;:.)]|\$)" || echo "$n"; done)
	if [ -z "$missing" ]; then
		echo "ok - man page: every $table name ($(echo $names | wc -w))"
	else
		echo "not ok - man page: $table names missing: $(echo $missing)"
		rc=1
	fi
done
for want in "^.SH BUGS" "^.BR conntrack (8)" "^.BR nft (8)" "^.BR nstat (8)" "^.BR ss (8)" "^.SH FIELDS"; do
	grep -q "$want" "$MAN" || { echo "not ok - man page: $want"; rc=1; }
done
[ "$rc" = 0 ] && echo "ok - man page: BUGS, FIELDS, SEE ALSO conntrack, nft, nstat, ss"
exit $rc
