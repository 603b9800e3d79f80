# SPDX-License-Identifier: GPL-2.0
#
# What in a kernel log counts as a report, and the exact reports a kernel
# of the rig is known to print (tests/vm/known-reports).  Used on the boot
# log and each phase's log in the guest (guest-tests.sh) and on the whole
# console log on the host (console-scan.sh).

# kernel_reports: print the lines of stdin that start a kernel report.
# Stack frames are never the start of one (a frame of a stack dump, such as
# the one a failed kmem_cache_create() prints, may name lockdep_*()): UML's
# "[<address>] ? function+off/len" and x86's "  ? function+off/len".
kernel_reports() {
	grep -v -E -e '^(\[ *[0-9]+\.[0-9]+\] )? *\[<[0-9a-f]+>\] ' \
		-e '^(\[ *[0-9]+\.[0-9]+\] )? +(\? )?[A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-f]+/0x[0-9a-f]+( \[[A-Za-z0-9_]+\])?$' |
	grep -E -e 'BUG: |WARNING: |KASAN|UBSAN|kernel BUG|Oops|general protection' \
		-e 'possible (recursive|circular) locking|inconsistent lock state|lockdep' \
		-e 'suspicious RCU usage|rcu_sched (self-)?detected stall|INFO: rcu|RCU stall' \
		-e 'unreferenced object|kmemleak: .*leak|ODEBUG|list_(add|del) corruption' \
		-e 'Kernel panic|soft lockup|hard LOCKUP|hung_task|blocked for more than' |
		grep -v -e 'kmemleak: Kernel memory leak detector initialized' \
			-e 'KASAN init done' -e 'kasan: KernelAddressSanitizer initialized' || true
}

# known_filter KERNEL: drop from stdin the reports listed for KERNEL in
# tests/vm/known-reports (lines "KERNEL<TAB>exact report line", timestamps
# removed before comparing).
known_filter() {
	local k=$1 list
	list=$(dirname "${BASH_SOURCE[0]}")/known-reports
	sed -E 's/^\[ *[0-9]+\.[0-9]+\] //' |
		awk -F'\t' -v k="$k" 'FNR == NR { if ($1 == k) known[$2] = 1; next }
				     !($0 in known)' "$list" -
}
