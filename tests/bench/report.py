#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the bench guest's output (bench-guest.sh) into the tables of
Documentation/performance.rst.

  report.py BENCH_OUT [UML_BUILD_DIR]

Exits 1 when the benchmark did not run to its end; the targets are
reported, never asserted (timings are no test).
"""
import datetime
import os
import re
import statistics
import sys

from benchlib import host, kv, ns, table

# Issue 20's targets: rstmon's cost at most this fraction of conntrack's.
TARGETS = {"data-socket": 0.10, "syn-create": 0.45, "rst-tracked": 0.5,
           "rst-unknown": 0.3}
# The forwarded data segment: a ratio with a table that stays in cache,
# and at most this multiple of the one-random-line floor of its size on
# larger tables, where one cache miss is the floor of any lookup.
FWD_CACHED_SIZE, FWD_CACHED_TARGET, FWD_FLOOR_TARGET = 1000, 0.45, 1.5
LABELS = {
    "data-established": "data segment, tracked connection, no socket",
    "data-forwarded": "forwarded tracked data segment",
    "data-socket": "local data segment, socket at hand",
    "data-socket-stale": "  the same, socket not heard from (table path)",
    "syn-create": "SYN creating an entry",
    "rst-tracked": "RST of a tracked connection, classified and logged",
    "rst-unknown": "RST of an unknown connection",
    "rst-unknown-limited": "  the same past untracked_rst_rate (RST flood)",
    "udp-not-tcp": "not TCP (UDP): rstmon's fast path",
}


def target(r, ratio, floors, cfg):
    """The target column of result @r."""
    name, size = r["name"], int(r["size"])
    # Without rstmon's socket path, data-socket times the table path on
    # one connection whose entry stays in cache against conntrack on the
    # whole table: no verdict from that.
    if name == "data-socket" and cfg.get("sock_path", "none").upper() not in ("Y", "1"):
        return f"<= {TARGETS[name]:.2f}: n/a (sock_path={cfg.get('sock_path', '?')})"
    if name == "data-forwarded" and size > FWD_CACHED_SIZE:
        f = floors.get(r["size"])
        if not f or int(f["med"]) <= 0:
            return f"<= {FWD_FLOOR_TARGET}x floor: no floor"
        x = int(r["rstmon_med"]) / int(f["med"])
        return (f"<= {FWD_FLOOR_TARGET}x floor: {'met' if x <= FWD_FLOOR_TARGET else 'MISSED'}"
                f" ({x:.2f}x of {ns(f['med'])} ns)")
    t = FWD_CACHED_TARGET if name == "data-forwarded" else TARGETS.get(name)
    if t is None:
        return "-"
    return f"<= {t:.2f}: {'met' if ratio <= t else 'MISSED'}"


def machine(uml):
    src = ""
    if uml:
        try:
            src = open(os.path.join(uml, ".source")).read().strip()
        except OSError:
            pass
    return (f"{host()}; "
            f"guest: UML {src or 'kernel'} without debugging options, one CPU; "
            f"{datetime.date.today().isoformat()}")


def main():
    lines = open(sys.argv[1]).read().splitlines()
    uml = sys.argv[2] if len(sys.argv) > 2 else ""
    results = [kv(l) | {"name": l.split()[1]} for l in lines if l.startswith("RESULT ")]
    done = any(l.strip() == "DONE" for l in lines)
    bad = [l for l in lines if re.search(r"BUG|WARNING|rstmon returned|ERROR", l)]
    cfg = next((kv(l) for l in lines if l.startswith("CONFIG ")), {})

    floors = [kv(l) | {"name": l.split()[1]} for l in lines
              if l.startswith("FLOOR ") and "skipped" not in l]
    lines_floor = {f["size"]: f for f in floors if f["name"] == "floor-read"}

    print("Per segment (ns; median [min..max] of the rounds; rstmon and conntrack alternating)")
    print()
    rows = []
    for r in results:
        ratio = int(r["ratio_milli"]) / 1000
        rows.append([
            LABELS.get(r["name"], r["name"]), r["size"],
            f"{ns(r['rstmon_med'])} [{ns(r['rstmon_min'])}..{ns(r['rstmon_max'])}]",
            f"{ns(r['ct_med'])} [{ns(r['ct_min'])}..{ns(r['ct_max'])}]",
            f"{ratio:.3f}",
            target(r, ratio, lines_floor, cfg),
        ])
    print(table(rows, ["figure", "table", "rstmon", "nf_conntrack_in", "ratio", "target"]))
    print()

    if floors:
        print("Floors: what any design that reads a connection's state pays (ns; median [min..max])")
        print()
        data = {r["size"]: r for r in results if r["name"] == "data-established"}
        udp = next((r for r in results if r["name"] == "udp-not-tcp"), None)
        hsh = next((f for f in floors if f["name"] == "floor-hash"), None)
        rows = []
        if udp:
            rows.append(["rstmon's hook up to the IP header (its UDP path)", "-",
                         f"{ns(udp['rstmon_med'])}", "-", "-"])
        if hsh:
            rows.append(["keyed hash of a 4-tuple (hsiphash_4u32)", "-",
                         f"{ns(hsh['med'])} [{ns(hsh['min'])}..{ns(hsh['max'])}]", "-", "-"])
        for f in floors:
            if f["name"] != "floor-read":
                continue
            d = data.get(f["size"])
            ct = int(d["ct_med"]) if d else 0
            rows.append(["one random line among the entries' footprint", f["size"],
                         f"{ns(f['med'])} [{ns(f['min'])}..{ns(f['max'])}]",
                         f"{ns(ct)}" if ct else "-",
                         f"{int(f['med']) / ct:.3f}" if ct else "-"])
            if ct and udp and hsh:
                low = int(udp["rstmon_med"]) + int(hsh["med"]) + int(f["med"])
                rows.append(["  sum: hook, hash, one line (a lower bound)", f["size"],
                             f"{ns(low)}", f"{ns(ct)}", f"{low / ct:.3f}"])
                # An RST of an unknown connection pays that lookup too:
                # the rest is the RST path's own work.
                unk = next((r for r in results if r["name"] == "rst-unknown"
                            and r["size"] == f["size"]), None)
                if unk:
                    rows.append(["  RST of an unknown connection beyond that sum", f["size"],
                                 f"{ns(int(unk['rstmon_med']) - low)}",
                                 f"{ns(unk['ct_med'])} (its RST)",
                                 f"{(int(unk['rstmon_med']) - low) / int(unk['ct_med']):.3f}"])
        print(table(rows, ["floor", "table", "ns", "conntrack data segment", "ratio"]))
        print()

    after = next((kv(l) for l in lines if l.startswith("SLAB_AFTER rstmon_conn")), {})
    mem = next((kv(l) for l in lines if l.startswith("MEMINFO ")), {})
    unl = next((kv(l) for l in lines if l.startswith("MEMINFO_UNLOADED")), {})
    conns = int(after.get("table_conns", 0))
    if conns and mem and unl:
        slab = (int(mem["slab_kb"]) - int(unl["slab_kb"])) * 1024
        hashb = int(cfg.get("rstmon_buckets", 0)) * 8
        total = slab + hashb
        print("Memory of a full table (slab freed by unloading rstmon, plus its hash table)")
        print()
        print(table([
            ["connections tracked", f"{conns}", ""],
            ["slab object (slab_size)", f"{after.get('slab_size', '?')} B", "<= 128 B: " +
             ("met" if int(after.get("slab_size", 999)) <= 128 else "MISSED")],
            ["slab freed on unload, per connection", f"{slab / conns:.1f} B", ""],
            ["slab in all", f"{slab / 2**20:.1f} MiB", ""],
            ["hash table", f"{hashb / 2**20:.1f} MiB ({cfg.get('rstmon_buckets')} buckets)", ""],
            ["in all", f"{total / 2**20:.1f} MiB", "< 160 MB at 1 M: " +
             ("met" if conns >= 1000000 and total < 160e6 else
              "n/a" if conns < 1000000 else "MISSED")],
        ], ["", "measured", "target"]))
        print()

    e2e = [kv(l) | {"tag": l.split()[1]} for l in lines if l.startswith("E2E ")]
    if e2e:
        def med(tag, key):
            v = [int(float(e[key])) for e in e2e if e["tag"] == tag]
            return statistics.median(v) if v else 0
        bu, bl = med("unloaded", "bulk_bps"), med("loaded", "bulk_bps")
        ru, rl = med("unloaded", "rr_tps"), med("loaded", "rr_tps")
        print(f"End to end over veth (medians of {len(e2e) // 2} alternating runs each)")
        print()
        print(table([
            ["TCP bulk (iperf3)", f"{bu / 1e9:.2f} Gbit/s", f"{bl / 1e9:.2f} Gbit/s",
             f"{bl / bu:.3f}" if bu else "-", ">= 0.98: " + ("met" if bu and bl / bu >= 0.98 else "MISSED")],
            ["request/response, 1 byte", f"{ru:.0f}/s", f"{rl:.0f}/s",
             f"{rl / ru:.3f}" if ru else "-", ">= 0.98: " + ("met" if ru and rl / ru >= 0.98 else "MISSED")],
        ], ["", "without rstmon", "with rstmon", "ratio", "target"]))
        print()
    print(f"Machine: {machine(uml)}.")
    print(f"Command: make bench (tables sized {cfg.get('max_conns', '?')} max_conns, "
          f"conntrack buckets {cfg.get('ct_buckets', '?')}, "
          f"rstmon sock_path={cfg.get('sock_path', '?')}).")
    if bad:
        print("\nProblems:\n" + "\n".join("  " + b for b in bad))
    if not done or not results or bad:
        print("the benchmark did not complete", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
