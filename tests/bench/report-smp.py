#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the SMP bench guest's output (bench-smp-guest.sh) into RST tables.

  report-smp.py BENCH_SMP_OUT

Exits 1 when the benchmark did not run to its end; the targets are
reported, never asserted (timings are no test).
"""
import datetime
import statistics
import sys

from benchlib import host, kv, ns, table

# Issue 20: forwarded tracked data segment <= 0.45x conntrack at 1k (at
# 100k and 1M the target is relative to the one-line floor, which
# "make bench" measures); end to end >= 0.98.
FWD_TARGET = {1000: 0.45}
E2E_TARGET = 0.98


def spread(d, who):
    return f"{ns(d[who + '_med'])} [{ns(d[who + '_q1'])}..{ns(d[who + '_q3'])}]"


def met(ratio, target, le=True):
    if target is None:
        return "-"
    ok = ratio <= target if le else ratio >= target
    return f"{'<=' if le else '>='} {target}: {'met' if ok else 'MISSED'}"


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    lines = open(sys.argv[1]).read().splitlines()
    res, e2e, guest, checks, overlap = {}, {}, {}, [], {}
    done = False
    for line in lines:
        key = line.split(" ", 1)[0]
        if key == "RESULT":
            d = kv(line)
            res[(int(d["size"]), d["mode"])] = d
        elif key == "E2E":
            tag = line.split()[1]
            d = kv(line)
            e2e.setdefault(tag, []).append(d)
        elif key == "GUEST":
            guest = kv(line)
        elif key == "CHECK":
            checks.append(kv(line))
        elif key == "DONE":
            done = True
    if not done or not res:
        print("the SMP benchmark did not run to its end:", file=sys.stderr)
        print("\n".join(lines[-10:]), file=sys.stderr)
        return 1

    out = []
    out.append("Forwarded data segment of a tracked connection, both directions"
               " (ns per segment; median [quartiles] of the rounds; rstmon and"
               " conntrack alternating in each; two CPUs: the rounds both ran"
               " through together)")
    out.append("")
    rows = []
    sizes = sorted({s for s, _ in res})
    for size in sizes:
        two, one = res.get((size, "two-cpus")), res.get((size, "one-cpu"))
        for label, d in (("two CPUs at once (RX on one, TX on the other)", two),
                         ("one CPU, both directions in turn", one)):
            if not d:
                continue
            ratio = int(d["ratio_milli"]) / 1000
            rows.append([label, size, spread(d, "rstmon"), spread(d, "ct"),
                         f"{ratio:.3f}", met(ratio, FWD_TARGET.get(size))])
        if two:
            overlap[size] = (int(two["together"]), int(two["counted"]), int(two["rounds"]),
                             int(two["overlap_med_milli"]) / 10)
            rows.append(["  CPU 0, originator's segments", size, ns(two["rstmon_cpu0"]),
                         ns(two["ct_cpu0"]),
                         f"{int(two['rstmon_cpu0']) / int(two['ct_cpu0']):.3f}", "-"])
            rows.append(["  CPU 1, responder's segments", size, ns(two["rstmon_cpu1"]),
                         ns(two["ct_cpu1"]),
                         f"{int(two['rstmon_cpu1']) / int(two['ct_cpu1']):.3f}", "-"])
    out.append(table(rows, ["figure", "table", "rstmon", "nf_conntrack_in", "ratio",
                            "target"], rstrip=True))
    out.append("")

    out.append("What splitting the directions over two CPUs costs each"
               " (two CPUs / one CPU, ns per segment)")
    out.append("")
    rows = []
    for size in sizes:
        two, one = res.get((size, "two-cpus")), res.get((size, "one-cpu"))
        if not (two and one):
            continue
        rows.append([size, f"{int(two['rstmon_med']) / int(one['rstmon_med']):.3f}",
                     f"{int(two['ct_med']) / int(one['ct_med']):.3f}",
                     "%d of %d (median overlap %.0f %%)%s" % (
                         overlap[size][0], overlap[size][2], overlap[size][3],
                         "" if overlap[size][1] == overlap[size][0] else
                         ": too few, all rounds counted")])
    out.append(table(rows, ["table", "rstmon", "nf_conntrack_in",
                            "rounds both CPUs ran through together"], rstrip=True))
    out.append("")

    if e2e:
        runs = min(len(e2e.get("unloaded", [])), len(e2e.get("loaded", [])))
        out.append("End to end over veth, client on CPU 0 and server on CPU 1"
                   f" (median [min..max] of {runs} alternating runs each)")
        out.append("")
        rows = []
        for name, field, unit in (("TCP bulk (iperf3)", "bulk_bps", "bps"),
                                  ("request/response, 1 byte", "rr_tps", "tps")):
            va = [int(d[field]) for d in e2e.get("unloaded", [])]
            vb = [int(d[field]) for d in e2e.get("loaded", [])]
            a, b = statistics.median(va), statistics.median(vb)
            ratio = b / a if a else 0
            fmt = (lambda v: f"{v / 1e9:.2f}") if unit == "bps" else (lambda v: f"{v:.0f}")
            unit_s = " Gbit/s" if unit == "bps" else "/s"

            def cell(v, m):
                return f"{fmt(m)}{unit_s} [{fmt(min(v))}..{fmt(max(v))}]"
            rows.append([name, cell(va, a), cell(vb, b), f"{ratio:.3f}",
                         met(ratio, E2E_TARGET, le=False)])
        out.append(table(rows, ["", "without rstmon", "with rstmon", "ratio", "target"],
                         rstrip=True))
        out.append("")
        before = after = None
        for line in lines:
            if line.startswith("NET_RX_BEFORE"):
                before = kv(line)
            elif line.startswith("NET_RX_AFTER"):
                after = kv(line)
        if before and after:
            out.append("NET_RX softirqs during the end-to-end runs: CPU 0 "
                       f"{int(after['cpu0']) - int(before['cpu0'])}, CPU 1 "
                       f"{int(after['cpu1']) - int(before['cpu1'])}.")
    for c in checks:
        if c.get("ct_not_accepted", "0") != "0" or c.get("ct_untracked", "0") != "0":
            out.append(f"Note: at {c['size']} connections conntrack left"
                       f" {c['ct_untracked']} segments untracked.")
        if c.get("rstmon_not_accepted", "0") != "0":
            out.append(f"ERROR: at {c['size']} connections rstmon returned"
                       f" {c['rstmon_not_accepted']} verdicts other than NF_ACCEPT.")
    first = next(iter(res.values()))
    out.append("")
    out.append(f"Machine: {host()};"
               f" guest: Debian {guest.get('kernel', '?')} under QEMU TCG (MTTCG),"
               f" {guest.get('cpus', '?')} vCPUs; {datetime.date.today()}.  Under TCG only"
               " the ratios compare.")
    out.append(f"Command: make bench-smp (sizes {guest.get('sizes', '?')},"
               f" {first['rounds']} rounds of {guest.get('segs', '?')} segments per"
               f" direction per step, end to end {guest.get('runs', '?')} x"
               f" {guest.get('e2e', '?')} s).")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
