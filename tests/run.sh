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
#   tests/run.sh bench-smp  the same ratios on the stock kernel's 2-vCPU
#                        QEMU guest, the two directions on two CPUs
#                        (table also in build/bench-smp/table.rst)
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
rm -f "$OUT/summary"

# Results go to $TAPF (the main TAP file, or a stage's own, folded in at
# the end), named KIND/NAME; a line "ok - X # SKIP why" is a skip and
# counts as one, never as a pass.
TAPF=$TAP
ok() { echo "ok - host/$1" >> "$TAPF"; echo "PASS host/$1"; }
notok() { echo "not ok - host/$1 # ${2:-}" >> "$TAPF"; echo "FAIL host/$1 ${2:+($2)}"; }
skipped() { echo "ok - $1 # SKIP $2" >> "$TAPF"; echo "SKIP $1 ($2)"; }
# tapfile FILE: fold a tool's TAP lines ("ok - ...") in under host/.
tapfile() {
	sed -n -e 's|^ok - |ok - host/|p' -e 's|^not ok - |not ok - host/|p' "$1" >> "$TAPF"
}

deps() {
	need_pkgs build-essential flex bison bc libelf-dev libssl-dev xz-utils \
		python3 kmod iproute2 iperf3 nftables libmnl-dev pkg-config rsync \
		linux-headers-amd64 qemu-system-x86 busybox-static cpio sparse \
		python3-docutils procps python3-yaml python3-jsonschema util-linux dkms \
		debhelper dpkg-dev fakeroot dh-dkms tmux libsystemd-dev libmicrohttpd-dev libmicrohttpd12 \
		prometheus curl
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

# count PATTERN [FILE]: TAP lines of FILE (the main one) matching PATTERN.
count() { grep -cE "$1" "${2:-$TAP}"; }

# The stage table: each stage's wall time and its results.  Stages run
# side by side, so the times overlap; "total" is the run's own.
stage_table() {
	local st name t0 t1 p f s
	echo
	printf '%-10s %8s %8s %8s %8s\n' stage seconds passed failed skipped
	for st in host uml stock stock-sid; do
		t0=$(sed -n "s/^$st start //p" "$OUT/stages" | tail -n 1)
		t1=$(sed -n "s/^$st end //p" "$OUT/stages" | tail -n 1)
		name=$st
		[ -n "$t0" ] || { printf '%-10s %8s\n' "$name" 'not run'; continue; }
		p=$(count "^ok - $st/" | head -n 1)
		s=$(count "^ok - $st/.*# SKIP" | head -n 1)
		f=$(count "^not ok - $st/" | head -n 1)
		printf '%-10s %8s %8s %8s %8s\n' "$name" "$(( ${t1:-$SECONDS} - t0 ))" \
			"$((p - s))" "$f" "$s"
	done
	printf '%-10s %8s\n' total "$SECONDS"
}

summary() {
	local p f s
	p=$(count '^ok ')
	s=$(count '^ok .*# SKIP')
	f=$(count '^not ok ')
	p=$((p - s))
	if [ "$s" -gt 0 ]; then
		echo "Skipped:"
		grep '^ok .*# SKIP' "$TAP" | sed 's/^ok - /  /'
	fi
	if [ "$f" -gt 0 ]; then
		echo "Failures:"
		grep '^not ok ' "$TAP" | sed 's/^/  /'
	fi
	[ -e "$OUT/stages" ] && stage_table
	echo "$p passed, $f failed, $s skipped" | tee "$OUT/summary"
	[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
}

# stage NAME start|end: the stage table's clock.
stage() { echo "$1 $2 $SECONDS" >> "$OUT/stages"; }

# The global deadline of "make check" (seconds from its start): CI stops a
# run at 90 minutes, and a run that is stopped prints no summary.  Every
# guest gets at most what is left of it, less a margin for the summary;
# a guest that cannot start in time fails as not run.
DEADLINE=${RSTMON_DEADLINE:-4500}
# bound WANT: WANT seconds, or what the deadline leaves (0: nothing).
bound() {
	local left=$((DEADLINE - SECONDS - 60))
	[ "$left" -lt 120 ] && { echo 0; return; }
	[ "$1" -lt "$left" ] && echo "$1" || echo "$left"
}

# run_guest KIND RESULTS-DIR WANT-SECONDS args...: boot a guest with its
# time bound cut to the deadline, fold its results into $TAPF, scan its
# whole console log on the host, print its slowest scripts.
run_guest() {
	local kind=$1 res=$2 want=$3 rc=0 t
	shift 3
	t=$(bound "$want")
	rm -rf "$res" && mkdir -p "$res"
	if [ "$t" -eq 0 ]; then
		echo "not ok - $kind/guest # not run: the global deadline (${DEADLINE} s) is near" >> "$TAPF"
		return 1
	fi
	if [ "$kind" = uml ]; then
		bash tests/vm/uml-run.sh --results "$res" --timeout "$t" "$@" || rc=$?
	else
		bash tests/vm/stock-vm.sh --results "$res" --kind "$kind" --timeout "$t" "$@" || rc=$?
	fi
	[ -e "$res/results.tap" ] && cat "$res/results.tap" >> "$TAPF"
	if [ "$rc" -eq 124 ]; then
		echo "not ok - $kind/guest # timed out after $t s, see $res/console.log" >> "$TAPF"
	elif [ "$rc" -ne 0 ]; then
		echo "not ok - $kind/guest # guest failed (exit $rc), see $res/console.log" >> "$TAPF"
	else
		echo "ok - $kind/guest" >> "$TAPF"
	fi
	# The whole console, whatever the guest itself saw or missed.
	# (exit 1: reports found, each already a "not ok" line; 2: no console)
	bash tests/vm/console-scan.sh "$res" "$kind" >> "$TAPF"
	[ $? -ge 2 ] && echo "not ok - $kind/console-scan # no console log in $res" >> "$TAPF"
	if [ -s "$res/durations" ]; then
		echo "[$kind] slowest scripts (s): $(sort -k2 -n -r "$res/durations" | head -n 8 |
			awk '{ printf "%s %s  ", $1, $2 }')"
	fi
	grep '^not ok' "$TAPF" | grep "^not ok - $kind/" | sed "s/^/[$kind] /" | head -n 40
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
	DEADLINE=$((SECONDS + 15000))
	RSTMON_STRESS=1 RSTMON_ONLY=${RSTMON_ONLY:-flood,churn,failslab,spoof} \
		run_guest uml "$OUT/stress" 14400 --uml "$UML" --ko "$OUT/k-uml"
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

# bench-smp: the UML kernel has one CPU, so the SMP figures come from the
# stock 6.1 kernel under QEMU with two vCPUs (stock-vm.sh, -smp 2, MTTCG):
# tests/bench/bench-smp-guest.sh instead of the selftests.  Under TCG only
# the ratios mean anything.
if [ "$mode" = bench-smp ]; then
	b="${RSTMON_BENCH_SIZES:-1000,100000,1000000}/${RSTMON_BENCH_ROUNDS:-1001}"
	b="$b/${RSTMON_BENCH_SEGS:-200}/${RSTMON_BENCH_E2E:-5}/${RSTMON_BENCH_RUNS:-3}"
	build_module stock-bench "$KDIR_HOST" RSTMON_BENCH=1 >/dev/null || die "module build failed"
	res=$OUT/bench-smp
	rm -rf "$res" && mkdir -p "$res"
	# 1 M connections in both tables need more than the default 1 GiB.
	RSTMON_QEMU_ACCEL=${RSTMON_QEMU_ACCEL:-tcg,thread=multi} RSTMON_QEMU_MEM=${RSTMON_QEMU_MEM:-2048} \
	RSTMON_GUEST_TESTS=$TOP/tests/bench/bench-smp-guest.sh bash tests/vm/stock-vm.sh \
		--ko "$OUT/k-stock-bench" --results "$res" --kind stock-smp --timeout 2400 \
		--append "rstmon_smp=$b" || die "bench-smp guest failed; see $res/console.log"
	python3 tests/bench/report-smp.py "$res/bench-smp.out" > "$res/table.rst" ||
		die "bench-smp failed; see $res/bench-smp.out and $res/bench-smp.log"
	cat "$res/table.rst"
	exit 0
fi

# make check: four stages.  "host" builds and checks what needs no guest;
# then the Debian stock kernels (6.1, then sid's newest) run under QEMU in
# the background while the UML debug kernel is built (when not cached)
# and runs in the foreground: UML is one CPU, QEMU gets the other.
: > "$OUT/stages"
rm -f "$OUT"/tap-*
finish() {
	local f
	for f in "$OUT"/tap-uml "$OUT"/tap-stock "$OUT"/tap-sid; do
		[ -e "$f" ] && cat "$f" >> "$TAP"
	done
	summary
}
on_signal() {
	echo "make check interrupted: the results so far" >&2
	kill $(jobs -p) 2>/dev/null
	pkill -f "qemu-system-x86_64.*rstmon_results=$OUT/" 2>/dev/null
	finish
	exit 1
}
trap on_signal INT TERM
stage host start

# 1. Builds: the host's Debian kernel headers, rstmonctl.
build_module host "$KDIR_HOST"
python3 tests/host/probe-check.py 6.1 "$OUT/k-host/module/generated/compat-probes.h" \
	"$KDIR_HOST" > "$OUT/probe-check-host.log" 2>&1
tapfile "$OUT/probe-check-host.log"
if make -C userspace-ctl > "$OUT/build-ctl.log" 2>&1; then ok build-rstmonctl; else notok build-rstmonctl; fi
# rstmonctl's unit tests (argument parsing, output formats, netlink parsing).
RSTMON_PROM_FIXTURE="$OUT/metrics-fixture.prom" make -C userspace-ctl test > "$OUT/ctl-unit.log" 2>&1
ctl_rc=$?
sed -n -e 's|^ok - |ok - host/rstmonctl-unit/|p' -e 's|^not ok - |not ok - host/rstmonctl-unit/|p' \
	"$OUT/ctl-unit.log" >> "$TAP"
if [ "$ctl_rc" -ne 0 ] && ! grep -q '^not ok' "$OUT/ctl-unit.log"; then
	notok rstmonctl-unit "make -C userspace-ctl test failed, see $OUT/ctl-unit.log"
fi
# Prometheus: the unit tests' full exposition (every family, --listen's
# too) passes promtool; the shipped rules pass their own unit tests; the
# Grafana dashboard and the rules use only metrics that exist; the
# Kubernetes DaemonSet parses.
if promtool check metrics < "$OUT/metrics-fixture.prom" > "$OUT/promtool.log" 2>&1; then
	ok promtool-check-metrics
else
	notok promtool-check-metrics "$(head -n 2 "$OUT/promtool.log" | tr '\n' ' ')"
fi
PROMEX=Documentation/examples
if promtool check rules "$PROMEX/prometheus/rstmon.rules.yml" > "$OUT/promtool-rules.log" 2>&1 &&
   (cd "$PROMEX/prometheus" && promtool test rules rstmon.rules.test.yml) >> "$OUT/promtool-rules.log" 2>&1; then
	ok promtool-rules
else
	notok promtool-rules "see $OUT/promtool-rules.log"
fi
python3 tests/host/metrics-check.py "$OUT/metrics-fixture.prom" "$PROMEX/grafana/rstmon.json" \
	"$PROMEX/prometheus/rstmon.rules.yml" "$PROMEX/kubernetes/rstmon-daemonset.yaml" \
	> "$OUT/prom-examples.log" 2>&1
tapfile "$OUT/prom-examples.log"
# make deb: the Debian packages, left in build/deb/ for the stock guest's
# deb.sh to install.
if make deb > "$OUT/deb.log" 2>&1; then ok deb-build; else notok deb-build "see $OUT/deb.log"; fi
# DKMS's build of rstmon-dkms for the 6.1 guest's kernel, here at native
# speed (about 12 s; 15 minutes under TCG): the package's postinst builds
# it in an overlay chroot (tests/host/dkms-build.sh), and deb.sh in the
# guest installs that build from build/deb/dkms-KVER/.
kver=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$KDIR_HOST/include/generated/utsrelease.h")
bash tests/host/dkms-build.sh "$OUT/deb" "$kver" "$OUT/deb/dkms-$kver" > "$OUT/dkms-build.log" 2>&1
tapfile "$OUT/dkms-build.log"
grep -q '^\(not \)\?ok - ' "$OUT/dkms-build.log" || notok dkms-build "see $OUT/dkms-build.log"

# 2. The stock kernels, in the background: Debian 12's own 6.1 (the
# module built against its installed headers), then sid's newest, with
# rstmon built in a sid build root by sid's own compiler
# (tests/vm/stock-kernel.sh, tests/vm/stock-build.sh).  A sid kernel that
# cannot be had or prepared for a reason outside rstmon (exit 3: the
# archive moved on, a package is missing) is one skip with its reason; an
# rstmon defect (exit 1) fails.
stock_stage() {
	TAPF=$OUT/tap-stock
	: > "$TAPF"
	stage stock start
	if [ -e "$OUT/k-host/rstmon.ko" ]; then
		# About 2270 s on a 2-core machine with warm caches, beside
		# the UML and sid guests.  The bound catches a hung guest, not a
		# slow one: on a fresh machine the UML kernel's build shares the
		# two cores with it (CI stopped it at 2400 s once), so each
		# guest may run until the global deadline cuts it.
		run_guest stock "$OUT/stock" 4400 --ko "$OUT/k-host"
	else
		echo "not ok - stock/guest # not run: the module did not build for 6.1" >> "$TAPF"
	fi
	stage stock end
}
stock_stage > "$OUT/stock-stage.log" 2>&1 &
stock_pid=$!

# sid's newest kernel, started once the host stage is done (below).  What
# makes it worth booting is its TCP stack and netfilter: the scripts that
# provoke the kernel's own resets run there.  The scripts that exercise
# rstmon's interfaces (netlink, rstmonctl, isolation, floods, reloads) run
# the same code as in the UML kernel whenever sid's generic netlink probes
# (module/compat/probes/genl_*.c, the interface's compat paths) answer as
# the 6.12 tree's do: then they are left out there, each reported as a
# skip, and the log says why.  When the answers differ, everything runs.
SID_SAME_PATHS="netlink,netlink-raw,rstmonctl,isolation,flood,reload,params"
sid_stage() {
	TAPF=$OUT/tap-sid
	: > "$TAPF"
	stage stock-sid start
	local sid rc=0 why kver skip=''
	sid=$(bash tests/vm/stock-kernel.sh sid 2> "$OUT/stock-kernel-sid.log") || rc=$?
	if [ "$rc" -ne 0 ]; then
		why=$(printf '%s\n' "$sid" | sed -n 's/^reason: //p' | tail -n 1)
		why="${why:-exit $rc}, see $OUT/stock-kernel-sid.log"
		if [ "$rc" -eq 3 ]; then
			skipped stock-sid/guest "sid's newest kernel cannot be had: $why"
			skipped stock-sid/kreason-map "sid's newest kernel cannot be had: $why"
		else
			echo "not ok - stock-sid/prepare # $why" >> "$TAPF"
		fi
		stage stock-sid end
		return
	fi
	# Every reset reason of sid's kernel is in rstmon's map.
	kver=$(cat "$sid/kver")
	python3 tests/host/kreason-check.py . "sid=$sid/root/usr/src/linux-headers-${kver%-*}-common" \
		> "$OUT/kreason-check-sid.log" 2>&1
	sed -n -e 's|^ok - |ok - stock-sid/|p' -e 's|^not ok - |not ok - stock-sid/|p' \
		"$OUT/kreason-check-sid.log" >> "$TAPF"
	why=$(bash tests/vm/stock-build.sh "$sid" "$OUT/k-stock-sid" 2> "$OUT/build-stock-sid.log") ||
		rc=$?
	why=$(printf '%s\n' "$why" | sed -n 's/^reason: //p' | tail -n 1)
	# stock-build.sh's own checks (compiler, vermagic, struct module);
	# when the environment failed them (exit 3), the one skip says so.
	[ "$rc" -ne 3 ] && sed -n -E -e 's|^ok [0-9]+ - |ok - stock-sid/build/|p' \
		-e 's|^not ok [0-9]+ - |not ok - stock-sid/build/|p' \
		"$OUT/build-stock-sid.log" >> "$TAPF"
	case $rc in
	0)
		kver=$(cat "$sid/kver")
		# (The build root's headers name their -common half by its path
		# inside the root.)
		python3 tests/host/probe-check.py sid \
			"$OUT/k-stock-sid/module/generated/compat-probes.h" \
			"$sid/root/usr/src/linux-headers-$kver" \
			"$sid/root/usr/src/linux-headers-${kver%-*}-common" > "$OUT/probe-check-sid.log" 2>&1
		sed -n -e 's|^ok - |ok - stock-sid/|p' -e 's|^not ok - |not ok - stock-sid/|p' \
			"$OUT/probe-check-sid.log" >> "$TAPF"
		if cmp -s <(grep 'RSTMON_HAVE_GENL_' "$OUT/k-stock-sid/module/generated/compat-probes.h") \
			  <(grep 'RSTMON_HAVE_GENL_' "$OUT/k-linux-source-6.12/module/generated/compat-probes.h"); then
			skip=$SID_SAME_PATHS
			echo "[stock-sid] the genl probes answer as 6.12's: $skip run in UML only"
		else
			echo "[stock-sid] the genl probes differ from 6.12's: everything runs"
		fi
		RSTMON_SKIP=$skip run_guest stock-sid "$OUT/stock-sid" 4400 --image-dir "$sid" \
			--ko "$OUT/k-stock-sid"
		;;
	3) skipped stock-sid/guest "not built for sid's kernel: ${why:-exit 3}" ;;
	*) echo "not ok - stock-sid/build-W=1 # ${why:-exit $rc}" >> "$TAPF" ;;
	esac
	stage stock-sid end
}

# 3. The rest of the host's checks, while the stock guests run.
# make install / uninstall, staged in a scratch DESTDIR from a copy of the
# tree: every file lands where an operator expects it, and goes again.
inst=$OUT/install-test
rm -rf "$inst" && mkdir -p "$inst/src" "$inst/root"
rsync -a --exclude build --exclude .git ./ "$inst/src/"
files="lib/modules/$kver/updates/rstmon.ko usr/sbin/rstmonctl usr/share/man/man8/rstmonctl.8
       etc/modprobe.d/rstmon.conf etc/modules-load.d/rstmon.conf
       lib/systemd/system/rstmon-events.service"
if make -C "$inst/src" install KDIR="$KDIR_HOST" DESTDIR="$inst/root" > "$OUT/install.log" 2>&1; then
	missing=$(for f in $files; do [ -e "$inst/root/$f" ] || echo "$f"; done)
	[ -z "$missing" ] && ok make-install || notok make-install "missing: $missing"
	make -C "$inst/src" uninstall KDIR="$KDIR_HOST" DESTDIR="$inst/root" >> "$OUT/install.log" 2>&1
	left=$(for f in $files; do [ -e "$inst/root/$f" ] && echo "$f"; done)
	[ -z "$left" ] && ok make-uninstall || notok make-uninstall "left: $left"
else
	notok make-install "see $OUT/install.log"
fi

# The tracked-segment path takes no lock and writes no shared atomic.
python3 tests/host/hotpath-check.py . > "$OUT/hotpath.log" 2>&1
hp_rc=$?
tapfile "$OUT/hotpath.log"
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

# The rstmon-events unit: systemd-analyze verify, its exposure score (in
# the log), its hardening; skipped where systemd-analyze is missing.
bash tests/host/unit-check.sh . > "$OUT/unit-check.log" 2>&1
case $? in
0) tapfile "$OUT/unit-check.log"; grep -m1 'exposure' "$OUT/unit-check.log" ;;
4) skipped host/unit "systemd-analyze is missing" ;;
*) tapfile "$OUT/unit-check.log"; grep -q '^not ok' "$OUT/unit-check.log" ||
	notok unit "see $OUT/unit-check.log" ;;
esac

# The selftests' report readers (lib.sh), bash alone, give what the
# pipelines they replaced gave.
bash tests/host/lib-check.sh . > "$OUT/lib-check.log" 2>&1
tapfile "$OUT/lib-check.log"
grep -q '^ok - lib: [0-9]* comparisons' "$OUT/lib-check.log" || notok lib-check "see $OUT/lib-check.log"

# rstmonctl(8) names every sender, cause and evidence flag of names.h.
if bash tests/host/manpage-check.sh . > "$OUT/manpage-check.log" 2>&1; then
	ok manpage-names
else
	notok manpage-names "$(grep -m1 '^not ok' "$OUT/manpage-check.log")"
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
		module/*.[ch] uapi/linux/*.h tests/kunit/*.c tests/bench/*.[ch] > "$OUT/checkpatch.log" 2>&1; then
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
# 6.12 LTS for x86-64 (this release's backports): a "modules_prepare" tree
# of its linux-source (tests/vm/kernel-tree.sh), W=1, any warning fails.
# Without Module.symvers, modpost cannot check exports there.  (sid's
# newest is built in its own build root, above.)
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
if tree=$(bash tests/vm/kernel-tree.sh linux-source-6.12 "$codename-backports"); then
	if build_module linux-source-6.12 "$tree" KBUILD_MODPOST_WARN=1; then
		python3 tests/host/probe-check.py 6.12 \
			"$OUT/k-linux-source-6.12/module/generated/compat-probes.h" "$tree" \
			> "$OUT/probe-check-6.12.log" 2>&1
		tapfile "$OUT/probe-check-6.12.log"
	fi
else
	notok build-linux-source-6.12 "cannot prepare a kernel tree"
fi
# Every reset reason of the 6.12 tree and the UML kernel's is in rstmon's
# map (sid's: in sid_stage); a tree missing is a skip.
python3 tests/host/kreason-check.py . "6.12=${tree:-}" "uml=${UML:+$UML/source-tree}" \
	> "$OUT/kreason-check.log" 2>&1
tapfile "$OUT/kreason-check.log"
# i386 6.12 without CONFIG_CGROUPS (tests/vm/kernel-tree.sh ... i386): what
# 32-bit breaks (u64 division, which the kernel has no libgcc for; u64
# counters read whole) and a kernel without cgroups; W=1, any warning fails.
if tree32=$(bash tests/vm/kernel-tree.sh linux-source-6.12 "$codename-backports" i386); then
	if build_module linux-source-6.12-i386 "$tree32" ARCH=i386 KBUILD_MODPOST_WARN=1; then
		# modpost only warns there (no Module.symvers): look for libgcc's
		# 64-bit divisions by name.
		if nm -u "$OUT/k-linux-source-6.12-i386/rstmon.ko" |
		   grep -E '__(u?div|u?mod)di3|__u?divmoddi4'; then
			notok build-linux-source-6.12-i386-div64 "a 64-bit division needs libgcc"
		else
			ok build-linux-source-6.12-i386-div64
		fi
		python3 tests/host/probe-check.py 6.12-i386 \
			"$OUT/k-linux-source-6.12-i386/module/generated/compat-probes.h" "$tree32" \
			> "$OUT/probe-check-6.12-i386.log" 2>&1
		tapfile "$OUT/probe-check-6.12-i386.log"
	fi
else
	notok build-linux-source-6.12-i386 "cannot prepare a kernel tree"
	tree32=
fi
# A plain "make -C KDIR M=DIR", no top-level Makefile (Kbuild runs the
# probes), against the host's 6.1 headers and the i386 tree.
for spec in "host $KDIR_HOST" "i386 $tree32"; do
	# shellcheck disable=SC2086
	set -- $spec
	[ -n "${2:-}" ] || continue
	d=$OUT/k-plain-$1 log=$OUT/build-plain-$1.log
	rm -rf "$d" && mkdir -p "$d" && cp -r Kbuild module uapi "$d/" && rm -rf "$d/module/generated"
	arch=()
	[ "$1" = i386 ] && arch=(ARCH=i386)
	if make -C "$2" M="$d" W=1 "${arch[@]}" KBUILD_MODPOST_WARN=1 modules > "$log" 2>&1 &&
	   ! grep -E 'warning:|error:' "$log" && [ -e "$d/rstmon.ko" ]; then
		ok "build-plain-$1-W=1"
	else
		notok "build-plain-$1-W=1" "see $log"
	fi
done
# sid moving on is no failure of rstmon's: a kernel that cannot be had
# is one skip with its reason (exit 3 and a "reason:" line), which the
# stock-sid stage turns into a skip.  Asked of a suite that does not exist.
sk_out=$(bash tests/vm/stock-kernel.sh no-such-suite 2> "$OUT/stock-kernel-nosuite.log")
sk_rc=$?
if [ "$sk_rc" -eq 3 ] && printf '%s\n' "$sk_out" | tail -n 1 | grep -q '^reason: .'; then
	ok stock-kernel-unavailable-is-a-reason
else
	notok stock-kernel-unavailable-is-a-reason "exit $sk_rc, last line '$(printf '%s\n' "$sk_out" | tail -n 1)'"
fi
stage host end
sid_stage > "$OUT/sid-stage.log" 2>&1 &
sid_pid=$!

# 4. The UML debug kernel: KUnit, scenarios, kernel reports.  First the
# rig's own proof that a lockdep splat and a WARN turn the run red.
stage uml start
TAPF=$OUT/tap-uml
: > "$TAPF"
if [ -n "${UML:-}" ] && build_module uml "$UML" ARCH=um; then
	# Its lines are "ok - host/rig-proof/..." when the rig caught what the
	# throwaway module did; the proof guest's own results (deliberate
	# failures) stay in build/rig-proof/ and are never folded in.
	bash tests/vm/rig-proof.sh "$UML" > "$OUT/rig-proof.log" 2>&1
	rp_rc=$?
	grep -E '^(not )?ok - ' "$OUT/rig-proof.log" >> "$TAPF"
	[ "$rp_rc" -ne 0 ] && ! grep -q '^not ok' "$OUT/rig-proof.log" &&
		notok rig-proof "exit $rp_rc, see $OUT/rig-proof.log"
	run_guest uml "$OUT/uml" 4400 --uml "$UML" --ko "$OUT/k-uml"
else
	echo "not ok - uml/guest # not run: no UML kernel or module" >> "$TAPF"
fi
stage uml end
TAPF=$TAP

# 5. Wait for the stock kernels, within the deadline.
for pid in $stock_pid $sid_pid; do
	while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt $((DEADLINE - 30)) ]; do
		sleep 5
	done
done
if kill -0 "$stock_pid" 2>/dev/null || kill -0 "$sid_pid" 2>/dev/null; then
	kill "$stock_pid" "$sid_pid" 2>/dev/null
	pkill -f "qemu-system-x86_64.*rstmon_results=$OUT/" 2>/dev/null
	echo "not ok - stock/stages # stopped at the global deadline (${DEADLINE} s)" >> "$TAP"
fi
wait
cat "$OUT/stock-stage.log" "$OUT/sid-stage.log"
trap - INT TERM
finish
