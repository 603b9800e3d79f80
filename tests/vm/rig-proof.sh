#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove the rig reports what the UML debug kernel says: build
# tests/vm/rig-proof/rstmon_rig_proof.ko (a WARN_ON(1) and an AB-BA
# spinlock inversion on load), boot the UML guest with the real
# guest-tests.sh in its rig-proof mode (RSTMON_RIG_PROOF=1: only
# tests/vm/rig-proof/provoke.sh, which loads the module, then after.sh,
# which does nothing), and check from the guest's results and the host's
# console scan that the rig caught it all.
#
#   rig-proof.sh UML_BUILD_DIR
#
# Prints TAP lines "ok - host/rig-proof/WHAT" ("ok" when the rig DID catch
# the problem) and exits 1 when any is "not ok".  Output in build/rig-proof/;
# the guest's own results.tap there is full of the failures it must show,
# so it is never folded into make check's results.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 UML_BUILD_DIR" >&2; exit 64; }
uml=$(cd "$1" && pwd) || exit 64
out=$RSTMON_TOP/build/rig-proof
res=$out/results
fails=0
ok() { echo "ok - host/rig-proof/$1"; }
notok() { echo "not ok - host/rig-proof/$1 # ${2:-}"; fails=$((fails + 1)); }
# expect NAME WHY CMD...: ok when CMD succeeds.
expect() {
	local name=$1 why=$2
	shift 2
	if "$@" > /dev/null 2>&1; then ok "$name"; else notok "$name" "$why"; fi
}

# The module, built against the UML tree as rstmon is (its own copy of
# the sources: kbuild writes next to them).
rm -rf "$out" && mkdir -p "$out/src" "$out/ko" "$res"
cp "$here/rig-proof/Kbuild" "$here/rig-proof/rstmon_rig_proof.c" "$out/src/"
if make -C "$uml" M="$out/src" ARCH=um modules > "$out/build.log" 2>&1 &&
   cp "$out/src/rstmon_rig_proof.ko" "$out/ko/"; then
	ok build
else
	notok build "module build failed, see $out/build.log"
	exit 1
fi

start=$SECONDS
rc=0
RSTMON_RIG_PROOF=1 RSTMON_ONLY='' RSTMON_SKIP='' RSTMON_GUEST_TESTS='' \
	bash "$here/uml-run.sh" --uml "$uml" --ko "$out/ko" --results "$res" --timeout 180 \
	> "$out/uml-run.log" 2>&1 || rc=$?
if [ "$rc" -eq 0 ]; then
	ok "guest-finished"
else
	notok "guest-finished" "uml-run.sh exited $rc after $((SECONDS - start)) s, see $res/console.log"
	exit 1
fi

tap=$res/results.tap
has() { grep -qE -- "$1" "$2"; }
# The WARN: the first report of provoke.sh's phase, read from /dev/kmsg.
expect warn-attributed "no 'not ok - uml/provoke/kernel-log # WARNING: ...' in $tap" \
	has '^not ok - uml/provoke/kernel-log # WARNING: CPU: [0-9]+ PID: [0-9]+ at .*rig_proof' "$tap"
expect lockdep-report "no lockdep report in $res/kmsg/provoke.reports" \
	has 'WARNING: possible circular locking dependency detected' "$res/kmsg/provoke.reports"
expect debug_locks-dropped "no 'not ok - uml/provoke/debug_locks' in $tap" \
	has '^not ok - uml/provoke/debug_locks # debug_locks=0' "$tap"
expect lockdep-off-said "after.sh does not say lockdep is off" \
	has '^ok - uml/after/debug_locks # SKIP lockdep off since provoke' "$tap"
# Attribution: the next script's phase stays clean, and its own result is kept.
expect after-clean "after.sh was blamed for provoke.sh's reports" \
	has '^ok - uml/after/kernel-log$' "$tap"
expect scripts-skipped "the selftests were not all skipped" \
	has '^ok - uml/module-params # SKIP rig-proof run$' "$tap"
expect taint-caught "the WARN's taint did not fail kernel-taint" \
	has '^not ok - uml/kernel-taint # tainted=' "$tap"
expect durations "no provoke line in $res/durations" has '^provoke [0-9.]+$' "$res/durations"

# The host's scan of the console log flags the same phase, both reports.
scan=$(bash "$here/console-scan.sh" "$res" uml)
echo "$scan" > "$out/console-scan.tap"
expect console-scan "console-scan.sh did not flag uml/provoke/console" \
	has '^not ok - uml/provoke/console # WARNING: CPU' "$out/console-scan.tap"
expect console-lockdep "no lockdep report in $res/console.log after the provoke marker" \
	sh -c "sed -n '/rstmon-rig: start provoke/,\$p' '$res/console.log' |
		grep -q 'possible circular locking dependency detected'"
expect console-only-provoke "console-scan.sh blamed another phase than provoke" \
	sh -c "! grep -v '^not ok - uml/provoke/console ' '$out/console-scan.tap'"
echo "# rig-proof: $((SECONDS - start)) s in the guest"
[ "$fails" -eq 0 ]
