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
    "conn.c": ["rstmon_bucket", "rstmon_conn_side", "rstmon_conn_find", "rstmon_ipid_mode",
               "rstmon_conn_update"],
    "rstmon.h": ["rstmon_count", "rstmon_pernet"],
}
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
    text = open(f"{top}/module/{fname}").read()
    for f in funcs:
        b = body(text, f)
        if b is None:
            check(f"hot path: {f} found in {fname}", False, "not found")
            continue
        if f == "rstmon_hook":
            # Its RST branch and creation branch leave the tracked path.
            b = re.sub(r"if \(seg\.flags & RSTMON_TCP_RST\) \{.*?\n\t\}", "", b, flags=re.S)
            b = re.sub(r"if \(!c\) \{.*?\n\t\}", "", b, flags=re.S)
        if f == "rstmon_conn_update":
            m = re.search(r"if \(new == old\)\s*return 0;\s*\} while \(!atomic_try_cmpxchg\(&c->bits, ", b)
            check("hot path: rstmon_conn_update exchanges the entry's bits only when they change",
                  bool(m), "no 'if (new == old) return 0;' before atomic_try_cmpxchg(&c->bits")
            b = b.replace("atomic_read(&c->bits)", "").replace("atomic_try_cmpxchg(&c->bits, ", "(")
        bad = sorted(set(m.group(1) for m in FORBIDDEN.finditer(b)))
        check(f"hot path: {f} takes no lock, writes no shared atomic", not bad, ", ".join(bad))
count = body(open(f"{top}/module/rstmon.h").read(), "rstmon_count") or ""
check("hot path: counters are per-CPU (this_cpu_inc)", "this_cpu_inc" in count, count.strip())
sys.exit(1 if failed else 0)
