#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The advice table of Documentation/rstmon.rst ("What to do about each
# cause", between the advice-table-begin and -end comments) is the one of
# rstmonctl why (userspace-ctl/advice.c), as "rstmonctl advice" prints it.
#
#   tests/host/advice-check.sh [TOP]     (rstmonctl built first)
TOP=${1:-.}
CTL=$TOP/userspace-ctl/rstmonctl
DOC=$TOP/Documentation/rstmon.rst

if [ ! -x "$CTL" ]; then
	echo "not ok - advice-table: $CTL not built"
	exit 1
fi
doc=$(awk '/^\.\. advice-table-end/ { on = 0 } on { print } /^\.\. advice-table-begin/ { on = 1 }' "$DOC")
ctl=$("$CTL" advice) || { echo "not ok - advice-table: rstmonctl advice failed"; exit 1; }
if [ -z "$doc" ]; then
	echo "not ok - advice-table: no advice-table-begin/-end in $DOC"
	exit 1
fi
# $(...) drops the trailing blank lines; drop the leading ones too.
doc=$(printf '%s\n' "$doc" | sed '/./,$!d')
if [ "$doc" = "$ctl" ]; then
	echo "ok - advice-table matches Documentation/rstmon.rst"
	exit 0
fi
echo "not ok - advice-table: Documentation/rstmon.rst differs from rstmonctl advice"
diff <(printf '%s\n' "$doc") <(printf '%s\n' "$ctl") | sed 's/^/# /'
exit 1
