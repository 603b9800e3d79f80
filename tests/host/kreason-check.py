#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that rstmon maps every reset reason of every kernel tree given.

    kreason-check.py TOP LABEL=DIR [LABEL=DIR...]

TOP is the rstmon source tree: module/kreason.c's rstmon_kreason_map[]
(one '{ "NAME",' per entry) is rstmon's map from the kernel's reasons
(enum sk_rst_reason, by name) to its causes; userspace-ctl/kreason.c's
rm_kreasons[] has rstmonctl why's words for each.  Each DIR is a kernel source
tree or headers directory; its include/net/rstreason.h (searched in DIR,
DIR/source and the tree DIR's Makefile includes) lists the kernel's
reasons in DEFINE_RST_REASON as FN(NAME) (FNe(MAX), its end marker, is no
reason).  Prints TAP:

    ok - kreason-map/LABEL                  every reason is mapped
    not ok - kreason-map/LABEL # ...        names the reasons unmapped or wordless
    ok - kreason-map/LABEL # SKIP ...       DIR or its rstreason.h is missing

plus one line for map entries that no tree given has (a typo, or a
reason every kernel lost).  Exits 1 when a line failed.
"""
import os
import re
import sys


def map_names(top):
    """The names of rstmon_kreason_map[] in module/kreason.c."""
    with open(os.path.join(top, 'module', 'kreason.c')) as f:
        src = f.read()
    m = re.search(r'rstmon_kreason_map\[\]\s*=\s*\{(.*?)\n\};', src, re.S)
    if not m:
        raise SystemExit('module/kreason.c: no rstmon_kreason_map[]')
    body = re.sub(r'/\*.*?\*/', '', m.group(1), flags=re.S)
    return re.findall(r'\{\s*"([A-Z0-9_]+)"\s*,', body)


def words_names(top):
    """The names of rm_kreasons[] in userspace-ctl/kreason.c (why's words)."""
    with open(os.path.join(top, 'userspace-ctl', 'kreason.c')) as f:
        src = f.read()
    m = re.search(r'rm_kreasons\[\]\s*=\s*\{(.*?)\n\};', src, re.S)
    if not m:
        raise SystemExit('userspace-ctl/kreason.c: no rm_kreasons[]')
    return re.findall(r'\{\s*"([A-Z0-9_]+)"\s*,', m.group(1))


def roots(d):
    out = [d, os.path.join(d, 'source')]
    try:
        with open(os.path.join(d, 'Makefile')) as f:
            for line in f:
                m = re.match(r'\s*include\s+(\S+)/Makefile\s*$', line)
                if m:
                    inc = m.group(1)
                    out.append(inc if os.path.isabs(inc) else os.path.join(d, inc))
    except OSError:
        pass
    return out


def kernel_reasons(d):
    """The reason names of DIR's rstreason.h, or None when it has none."""
    for r in roots(d):
        p = os.path.join(r, 'include', 'net', 'rstreason.h')
        if os.path.isfile(p):
            with open(p) as f:
                src = f.read()
            m = re.search(r'#define\s+DEFINE_RST_REASON\(FN,\s*FNe\)(.*?)\n\s*\n', src, re.S)
            if not m:
                return p, []
            # FNe() is the end marker (MAX), no reason.
            return p, re.findall(r'\bFN\(\s*([A-Z0-9_]+)\s*\)', m.group(1))
    return None, None


def main():
    if len(sys.argv) < 3 or '=' not in ''.join(sys.argv[2:]):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    mapped = map_names(sys.argv[1])
    words = words_names(sys.argv[1])
    dups = sorted({n for n in mapped if mapped.count(n) > 1})
    bad = 0
    seen = set()
    if dups:
        print('not ok - kreason-map/duplicates # mapped twice: ' + ' '.join(dups))
        bad = 1
    for arg in sys.argv[2:]:
        label, _, d = arg.partition('=')
        if not d or not os.path.isdir(d):
            print(f'ok - kreason-map/{label} # SKIP no kernel tree at {d or "(none)"}')
            continue
        path, names = kernel_reasons(d)
        if names is None:
            print(f'ok - kreason-map/{label} # SKIP no include/net/rstreason.h under {d} '
                  '(a kernel before 6.10 gives no reasons)')
            continue
        if not names:
            print(f'not ok - kreason-map/{label} # no DEFINE_RST_REASON list parsed in {path}')
            bad = 1
            continue
        seen.update(names)
        missing = [n for n in names if n not in mapped]
        wordless = [n for n in names if n not in words]
        print(f'# {label}: {len(names)} reasons in {path}')
        if missing or wordless:
            why = []
            if missing:
                why.append('not in rstmon_kreason_map[] (module/kreason.c): ' + ' '.join(missing))
            if wordless:
                why.append('not in rm_kreasons[] (userspace-ctl/kreason.c, why\'s words): ' +
                           ' '.join(wordless))
            print(f'not ok - kreason-map/{label} # ' + '; '.join(why))
            bad = 1
        else:
            print(f'ok - kreason-map/{label}')
    if seen:
        extra = [n for n in mapped if n not in seen]
        if extra:
            # An entry for a newer kernel than any given is fine; say so.
            print('# mapped, but in no tree given: ' + ' '.join(extra))
    return bad


if __name__ == '__main__':
    sys.exit(main())
