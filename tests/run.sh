#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The entry of "make check" and "make demo".
#
#   tests/run.sh check   build everything, run every test, print
#                        "N passed, N failed" last; non-zero on failure
#   tests/run.sh demo    build, boot the UML kernel with rstmon, provoke
#                        real resets between namespaces, print the reports
#   tests/run.sh stress  the floods, churn and fault injection at full
#                        size (1 M SYNs, 1 M RSTs, 1000 cycles) in the UML
#                        debug kernel; "N passed, N failed" last
#   tests/run.sh bench   build the UML kernel without debugging options,
#                        run rstmon against nf_conntrack (tests/bench/),
#                        print the table (also in build/bench/table.rst)
#
# Installs the Debian packages it needs; kernel sources and images come
# from Debian's archive (see tests/vm/lib.sh).  Build output and results go
# to build/ in the tree; kernels are cached in $RSTMON_CACHE.
set -uo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
export RSTMON_TOP=$TOP
. tests/vm/lib.sh

mode=${1:-check}
OUT=$TOP/build
TAP=$OUT/results.tap
mkdir -p "$OUT"
: > "$TAP"

ok() { echo "ok - host/$1" >> "$TAP"; echo "PASS host/$1"; }
notok() { echo "not ok - host/$1 # ${2:-}" >> "$TAP"; echo "FAIL host/$1 ${2:+($2)}"; }

deps() {
	need_pkgs build-essential flex bison bc libelf-dev libssl-dev xz-utils \
		python3 kmod iproute2 iperf3 nftables libmnl-dev pkg-config rsync \
		linux-headers-amd64 qemu-system-x86 busybox-static cpio sparse \
		python3-docutils procps python3-yaml python3-jsonschema util-linux dkms \
		debhelper dpkg-dev fakeroot dh-dkms
}

# build_module NAME KDIR [make args...]: build the module sources in a
# copy of their own (build output of different kernels must not mix) with
# W=1; warnings fail the build.
build_module() {
	local name=$1 kdir=$2 dir=$OUT/k-$1 log
	shift 2
	log=$OUT/build-$name.log
	mkdir -p "$dir"
	rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
		--exclude generated Kbuild Makefile module uapi tests "$dir/" >/dev/null
	# Keep object files between runs: rsync only replaces changed sources.
	if make -C "$dir" module KDIR="$kdir" KBUILD_ARGS="W=1 $*" > "$log" 2>&1; then
		if grep -E 'warning:|error:' "$log"; then
			notok "build-$name-W=1" "warnings, see $log"
			return 1
		fi
		ok "build-$name-W=1"
	else
		tail -n 30 "$log"
		notok "build-$name-W=1" "build failed, see $log"
		return 1
	fi
}

summary() {
	local p f
	p=$(grep -c '^ok ' "$TAP")
	f=$(grep -c '^not ok ' "$TAP")
	if [ "$f" -gt 0 ]; then
		echo "Failures:"
		grep '^not ok ' "$TAP" | sed 's/^/  /'
	fi
	echo "$p passed, $f failed"
	[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
}

# run_guest KIND RESULTS-DIR args...: boot a guest, fold its results in.
run_guest() {
	local kind=$1 res=$2 rc=0
	shift 2
	rm -rf "$res" && mkdir -p "$res"
	if [ "$kind" = uml ]; then
		bash tests/vm/uml-run.sh --results "$res" "$@" || rc=$?
	else
		bash tests/vm/stock-vm.sh --results "$res" --kind "$kind" "$@" || rc=$?
	fi
	[ -e "$res/results.tap" ] && cat "$res/results.tap" >> "$TAP"
	if [ "$rc" -ne 0 ]; then
		notok "$kind-guest" "guest failed (exit $rc), see $res/console.log"
	else
		ok "$kind-guest"
	fi
	grep '^not ok' "$res/results.tap" 2>/dev/null | sed 's/^/  /'
	return $rc
}

deps
KDIR_HOST=$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n 1)

if [ "$mode" = demo ]; then
	UML=$(bash tests/vm/uml-kernel.sh) || die "cannot build the UML kernel"
	build_module uml "$UML" ARCH=um >/dev/null || die "module build failed"
	res=$OUT/demo
	rm -rf "$res" && mkdir -p "$res"
	bash tests/vm/uml-run.sh --uml "$UML" --ko "$OUT/k-uml" --results "$res" --mode demo ||
		die "demo guest failed; see $res/console.log"
	cat "$res/demo.out"
	exit 0
fi

if [ "$mode" = stress ]; then
	UML=$(bash tests/vm/uml-kernel.sh) || die "cannot build the UML kernel"
	build_module uml "$UML" ARCH=um >/dev/null || die "module build failed"
	make -C userspace-ctl > "$OUT/build-ctl.log" 2>&1 || die "rstmonctl build failed"
	RSTMON_STRESS=1 RSTMON_ONLY=${RSTMON_ONLY:-flood,churn,failslab} \
		run_guest uml "$OUT/stress" --uml "$UML" --ko "$OUT/k-uml" --timeout 14400
	grep '^# ' "$OUT/stress/"selftest-*.log
	summary
	exit $?
fi

if [ "$mode" = bench ]; then
	# RSTMON_BENCH_SIZES etc. shrink it (the defaults are the issue's sizes).
	b="${RSTMON_BENCH_SIZES:-1000,100000,1000000}/${RSTMON_BENCH_ROUNDS:-7}"
	b="$b/${RSTMON_BENCH_SEGS:-200000}/${RSTMON_BENCH_E2E:-5}"
	UML=$(bash tests/vm/uml-kernel.sh bench) || die "cannot build the UML bench kernel"
	build_module bench "$UML" ARCH=um RSTMON_BENCH=1 >/dev/null || die "module build failed"
	res=$OUT/bench
	rm -rf "$res" && mkdir -p "$res"
	RSTMON_BENCH=$b bash tests/vm/uml-run.sh --uml "$UML" --ko "$OUT/k-bench" --results "$res" \
		--mode bench --timeout 3600 || die "bench guest failed; see $res/console.log"
	python3 tests/bench/report.py "$res/bench.out" "$UML" > "$res/table.rst" ||
		die "bench failed; see $res/bench.out and $res/bench.log"
	cat "$res/table.rst"
	exit 0
fi

# 1. Builds: the host's Debian kernel headers, the UML debug kernel, rstmonctl.
build_module host "$KDIR_HOST"
if make -C userspace-ctl > "$OUT/build-ctl.log" 2>&1; then ok build-rstmonctl; else notok build-rstmonctl; fi
# rstmonctl's unit tests (argument parsing, output formats, netlink parsing).
make -C userspace-ctl test > "$OUT/ctl-unit.log" 2>&1
ctl_rc=$?
sed -n -e 's|^ok - |ok - host/rstmonctl-unit/|p' -e 's|^not ok - |not ok - host/rstmonctl-unit/|p' \
	"$OUT/ctl-unit.log" >> "$TAP"
if [ "$ctl_rc" -ne 0 ] && ! grep -q '^not ok' "$OUT/ctl-unit.log"; then
	notok rstmonctl-unit "make -C userspace-ctl test failed, see $OUT/ctl-unit.log"
fi
# make install / uninstall, staged in a scratch DESTDIR from a copy of the
# tree: every file lands where an operator expects it, and goes again.
inst=$OUT/install-test
rm -rf "$inst" && mkdir -p "$inst/src" "$inst/root"
rsync -a --exclude build --exclude .git ./ "$inst/src/"
kver=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$KDIR_HOST/include/generated/utsrelease.h")
files="lib/modules/$kver/updates/rstmon.ko usr/sbin/rstmonctl usr/share/man/man8/rstmonctl.8
       etc/modprobe.d/rstmon.conf lib/systemd/system/rstmon-events.service"
if make -C "$inst/src" install KDIR="$KDIR_HOST" DESTDIR="$inst/root" > "$OUT/install.log" 2>&1; then
	missing=$(for f in $files; do [ -e "$inst/root/$f" ] || echo "$f"; done)
	[ -z "$missing" ] && ok make-install || notok make-install "missing: $missing"
	make -C "$inst/src" uninstall KDIR="$KDIR_HOST" DESTDIR="$inst/root" >> "$OUT/install.log" 2>&1
	left=$(for f in $files; do [ -e "$inst/root/$f" ] && echo "$f"; done)
	[ -z "$left" ] && ok make-uninstall || notok make-uninstall "left: $left"
else
	notok make-install "see $OUT/install.log"
fi

# make deb: the Debian packages, left in build/deb/ for the stock guest's
# deb.sh to install.
if make deb > "$OUT/deb.log" 2>&1; then ok deb-build; else notok deb-build "see $OUT/deb.log"; fi

# The tracked-segment path takes no lock and writes no shared atomic.
python3 tests/host/hotpath-check.py . > "$OUT/hotpath.log" 2>&1
hp_rc=$?
sed -n -e 's|^ok - |ok - host/|p' -e 's|^not ok - |not ok - host/|p' "$OUT/hotpath.log" >> "$TAP"
[ "$hp_rc" -ne 0 ] && ! grep -q '^not ok' "$OUT/hotpath.log" && notok hotpath-check "see $OUT/hotpath.log"

# Kernel style: checkpatch from the rig's kernel source, sparse on 6.1.
if make -C "$KDIR_HOST" M="$OUT/k-host" C=2 modules > "$OUT/sparse.log" 2>&1 &&
   ! grep -E 'warning:|error:' "$OUT/sparse.log"; then
	ok sparse
else
	notok sparse "see $OUT/sparse.log"
fi

# The YNL spec and the uapi header name the same values.
if python3 tests/host/spec-check.py . > "$OUT/spec-check.log" 2>&1; then
	ok spec-matches-uapi
else
	notok spec-matches-uapi "$(grep -m1 '^not ok' "$OUT/spec-check.log")"
fi

# rstmonctl why's advice table is the one of Documentation/rstmon.rst.
if bash tests/host/advice-check.sh . > "$OUT/advice-check.log" 2>&1; then
	ok advice-table-matches-doc
else
	notok advice-table-matches-doc "$(grep -m1 '^not ok' "$OUT/advice-check.log")"
fi

# Documentation: every page parses without a warning.
docs_ok=1
for d in Documentation/*.rst; do
	if ! python3 -m docutils --halt=warning "$d" /dev/null > "$OUT/docs.log" 2>&1; then
		docs_ok=0
		notok "docs-$(basename "$d" .rst)" "$(head -n 3 "$OUT/docs.log" | tr '\n' ' ')"
	fi
done
[ "$docs_ok" = 1 ] && ok docs

UML=$(bash tests/vm/uml-kernel.sh) || notok uml-kernel "cannot build the UML kernel"
if [ -n "${UML:-}" ]; then
	if "$UML/source-tree/scripts/checkpatch.pl" --no-tree -q --strict --ignore BIT_MACRO -f \
		module/*.[ch] uapi/linux/*.h tests/kunit/*.c tests/bench/*.c > "$OUT/checkpatch.log" 2>&1; then
		ok checkpatch
	else
		notok checkpatch "see $OUT/checkpatch.log"
		cat "$OUT/checkpatch.log"
	fi
fi
# The kernel's own YNL CLI and schema, for the netlink tests in the guests.
if [ -n "${UML:-}" ]; then
	rm -rf "$OUT/ynl" && mkdir -p "$OUT/ynl" &&
		cp -r "$UML/source-tree/tools/net/ynl/." "$OUT/ynl/" &&
		cp "$UML/source-tree/Documentation/netlink/genetlink.yaml" "$OUT/ynl/" ||
		notok ynl-cli "cannot copy tools/net/ynl from $UML/source-tree"
fi
# Other kernel versions: 6.12 LTS (this release's backports) and the newest
# Debian ships (sid), each a "modules_prepare" tree of its linux-source
# (tests/vm/kernel-tree.sh): W=1, any warning fails.  Without
# Module.symvers, modpost cannot check exports there.
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
for spec in "linux-source-6.12 $codename-backports" "newest sid"; do
	# shellcheck disable=SC2086
	if tree=$(bash tests/vm/kernel-tree.sh $spec); then
		src=$(sed 's/=.*//' "$tree/.source")
		build_module "$src" "$tree" KBUILD_MODPOST_WARN=1
		echo "# $(cat "$tree/.source"): $(sed -n 's/^#define \(RSTMON_HAVE_[A-Z_]*\).*/\1/p' \
			"$OUT/k-$src/module/generated/compat-probes.h" | xargs)" >> "$OUT/compat.log"
	else
		notok "build-${spec%% *}" "cannot prepare a kernel tree"
	fi
done
if [ -n "${UML:-}" ] && build_module uml "$UML" ARCH=um; then
	# 2. The UML debug kernel: KUnit, scenarios, kernel-report scan.
	run_guest uml "$OUT/uml" --uml "$UML" --ko "$OUT/k-uml" --timeout 3000
fi

# 3. Debian's stock kernel under QEMU: modprobe and the scenarios.
if [ -e "$OUT/k-host/rstmon.ko" ]; then
	# Emulated (TCG) and slow on a busy machine: a generous bound (deb.sh's
	# DKMS build alone takes up to 15 minutes there).
	run_guest stock "$OUT/stock" --ko "$OUT/k-host" --timeout 3600
fi

# 4. The same on sid's newest stock kernel: rstmon built against a tree of
# that very version (tests/vm/stock-kernel.sh), so modprobe takes it.
if sid=$(bash tests/vm/stock-kernel.sh sid); then
	if build_module stock-sid "$sid/build"; then
		# modprobe refuses a module whose vermagic differs from the kernel's.
		want=$(modinfo -F vermagic "$(find "$sid/lib/modules" -name 'nf_conntrack.ko*' | head -n 1)")
		got=$(modinfo -F vermagic "$OUT/k-stock-sid/rstmon.ko")
		[ "$got" = "$want" ] && ok stock-sid-vermagic ||
			notok stock-sid-vermagic "rstmon.ko has '$got', the kernel's modules '$want'"
		run_guest stock-sid "$OUT/stock-sid" --image-dir "$sid" --ko "$OUT/k-stock-sid" \
			--timeout 2400
	fi
else
	notok stock-sid-guest "cannot prepare sid's stock kernel (tests/vm/stock-kernel.sh sid)"
fi

summary
