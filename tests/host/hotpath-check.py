#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The per-segment path of a tracked connection takes no lock and writes
no shared atomic: every function on it (from rstmon_hook() to the entry's
update) is read from module/*.c and checked for lock, atomic and
read-modify-write primitives; counters must be per-CPU (this_cpu_*).

One atomic is allowed, and only where it is: the entry's own flags word
(&rstmon_conn.bits, the concurrency contract in conn.c) is read with
atomic_read() and changed with atomic_try_cmpxchg(&c->bits, ...) only
after the segment was found to change it ("if (new == old) return"), so
a segment that changes no flag or state does no atomic write.

  hotpath-check.py TOP

Prints "ok - ..." / "not ok - ..." lines; exits 1 on a failure.
"""
import re
import sys

# What a data segment of a tracked connection runs through (hooks.c:
# rstmon_hook -> parse -> count -> find -> update); the RST and creation
# paths are not on it.
PATH = {
    "hooks.c": ["rstmon_hook"],
    "parse.c": ["rstmon_parse", "rstmon_parse_ipv4", "rstmon_parse_ipv6", "rstmon_parse_tcp",
                "rstmon_parse_options"],
    "conn.c": ["rstmon_conn_hash", "rstmon_conn_side", "rstmon_conn_find", "rstmon_ipid_mode",
               "rstmon_conn_update"],
    "rstmon.h": ["rstmon_count", "rstmon_pernet"],
    # The socket path (a local connection's data segment), and what the
    # table path adds for a local connection with its socket at hand.
    "sockpath.h": ["rstmon_peek", "rstmon_sock_skip", "rstmon_sk_heard", "rstmon_attn_slot",
                   "rstmon_attn_test"],
    "sockpath.c": ["rstmon_sock_local", "rstmon_sock_sync"],
    "conn.c#sync": ["rstmon_conn_sync", "rstmon_bits_sync", "rstmon_conn_rhythm",
                    "rstmon_conn_rhythm_quiet", "rstmon_rhythm_raise"],
}
# Reads that look like atomics: the attention bitmap is read, never
# written, by a segment.
READS = ("atomic_long_read(",)
FORBIDDEN = re.compile(
    r"\b(atomic(64)?_\w+|refcount_\w+|spin_(try)?lock\w*|read_lock\w*|write_lock\w*|"
    r"mutex_\w+|cmpxchg\w*|xchg|test_and_\w+|set_bit|clear_bit|local_lock\w*|"
    r"rstmon_conn_create|kmalloc\w*|kmem_cache_\w+|kzalloc)\s*\(")
failed = 0


def body(text, name):
    """The body of function @name: from its definition's brace to the match."""
    m = re.search(r"^[\w \*]*\b" + name + r"\(([^;{]|\n)*\)\s*\{", text, re.M)
    if not m:
        return None
    i, depth = m.end(), 1
    while depth and i < len(text):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[m.end():i]


def check(name, good, why=""):
    global failed
    print(f"{'ok' if good else 'not ok'} - {name}{'' if good else ' # ' + why}")
    failed += not good


top = sys.argv[1] if len(sys.argv) > 1 else "."
for fname, funcs in PATH.items():
    text = open(f"{top}/module/{fname.split('#')[0]}").read()
    for f in funcs:
        b = body(text, f)
        if b is None:
            check(f"hot path: {f} found in {fname}", False, "not found")
            continue
        if f == "rstmon_hook":
            # Its RST branch and creation branch leave the tracked path.
            b = re.sub(r"if \(seg\.flags & RSTMON_TCP_RST\) \{.*?\n\t\}", "", b, flags=re.S)
            b = re.sub(r"if \(!c\) \{.*?\n\t\}", "", b, flags=re.S)
        if f in ("rstmon_conn_update", "rstmon_conn_sync"):
            m = re.search(r"if \(new == old\)\s*return( 0)?;\s*\} while \(!atomic_try_cmpxchg\(&c->bits, ", b)
            check(f"hot path: {f} exchanges the entry's bits only when they change",
                  bool(m), "no 'if (new == old) return;' before atomic_try_cmpxchg(&c->bits")
            b = b.replace("atomic_read(&c->bits)", "").replace("atomic_try_cmpxchg(&c->bits, ", "(")
        for r in READS:
            b = b.replace(r, "(")
        bad = sorted(set(m.group(1) for m in FORBIDDEN.finditer(b)))
        check(f"hot path: {f} takes no lock, writes no shared atomic", not bad, ", ".join(bad))

# No line of an entry is written per segment by both directions: the
# originator's and the responder's per-segment facts are in lines of their
# own, and rstmon_conn_update() writes per segment only through its side
# (s->); the entry's other fields it writes are set once or only when they
# change (first segment, SYN, FIN, a new IPv4 ID mode or rhythm level).
SIZES = {"struct rstmon_conn __rcu *": 8, "__be32": 4, "u32": 4, "__be16": 2, "u16": 2,
         "u8": 1, "atomic_t": 4, "struct rstmon_side": 16, "struct rcu_head": 16}
conn_h = open(f"{top}/module/conn.h").read()
m = re.search(r"^struct rstmon_conn \{\n(.*?)^\};", conn_h, re.M | re.S)
off, lines = 0, {}
for decl in re.findall(r"^\t([^;/]+);", m.group(1) if m else "", re.M):
    t, name = re.match(r"(.*?\**)\s*(\w+)((?:\[\d+\])*)$", decl.strip()).group(1, 2)
    dims = [int(d) for d in re.findall(r"\[(\d+)\]", decl)]
    size = SIZES.get(t.strip(), 0)
    for d in dims:
        size *= d
    align = min(size, 8) if not dims else SIZES.get(t.strip(), 1)
    align = min(align, 8) if align else 1
    off = (off + align - 1) // align * align
    lines[name] = (off // 64, (off + size - 1) // 64)
    off += size
check("entry layout: 128 bytes as parsed from conn.h", off == 128, f"{off} bytes")
o, r = lines.get("orig"), lines.get("resp")
check("entry layout: each side's per-segment facts in one line", bool(o and r and o[0] == o[1] and r[0] == r[1]),
      f"orig lines {o}, resp lines {r}")
check("entry layout: the two directions write different lines", bool(o and r and o[0] != r[0]),
      f"orig line {o}, resp line {r}")
conn_c = open(f"{top}/module/conn.c").read()
upd = body(conn_c, "rstmon_conn_update") or ""
targets = re.findall(r"WRITE_ONCE\(([^,]+),", upd)
other = [t for t in targets if not t.startswith("s->") and
         not re.fullmatch(r"c->(isn|first|ttl|opts|fin)\[side\]", t)]
check("hot path: rstmon_conn_update writes per segment only its side's line", bool(targets) and not other,
      ", ".join(other) or "no writes found")
# An IPv4 originator's data segment reads one line of its entry: the key,
# the bits and the originator's facts share it, and the responder's line is
# read only for a silence long enough to raise a rhythm level.
apart = [n for n in ("next", "addr_lo", "port", "net_id", "bits", "ttl", "opts", "isn")
         if not o or lines.get(n) != (o[0], o[0])]
check("entry layout: the key, the bits and the originator's facts share a line", bool(o) and not apart,
      ", ".join(apart) + " elsewhere")
check("hot path: rstmon_conn_update reads nothing of the other side",
      bool(upd) and not re.search(r"!side", upd), "'!side' in rstmon_conn_update")
for f in ("rstmon_conn_rhythm", "rstmon_conn_rhythm_quiet"):
    b = body(conn_c, f) or ""
    short = b.find("rstmon_rhythm_short(")
    other = re.search(r"RSTMON_SIDE\(c, (!side|0|1)\)", b)
    check(f"hot path: {f} reads the other side only after rstmon_rhythm_short()",
          short >= 0 and (not other or other.start() > short),
          "no rstmon_rhythm_short()" if short < 0 else f"'{other.group(0)}' before it")
count = body(open(f"{top}/module/rstmon.h").read(), "rstmon_count") or ""
check("hot path: counters are per-CPU (this_cpu_inc)", "this_cpu_inc" in count, count.strip())
sys.exit(1 if failed else 0)
