#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check each compile probe's answer against the kernel's own headers.

    probe-check.py TREE-NAME PROBES-HEADER KDIR [KDIR...]

PROBES-HEADER is the module/generated/compat-probes.h that probe.sh wrote
for the kernel tree KDIR.  Each module/compat/probes/NAME.c names its
witness in its comment ("Witness: FILE REGEX"); the probe must answer yes
exactly when every witness's REGEX matches FILE, searched under KDIR, the
source tree its Makefile includes (Debian's -common headers, an O= build's
source) and any further KDIR given.  Prints one TAP line per probe.
"""
import os
import re
import sys


def roots(kdirs):
    out = []
    for k in kdirs:
        out.append(k)
        try:
            with open(os.path.join(k, 'Makefile')) as f:
                for line in f:
                    m = re.match(r'\s*include\s+(\S+)/Makefile\s*$', line)
                    if m:
                        out.append(m.group(1))
        except OSError:
            pass
        src = os.path.join(k, 'source')
        if os.path.isdir(src):
            out.append(os.path.realpath(src))
    return out


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    tree, header, kdirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    pdir = os.path.join(top, 'module', 'compat', 'probes')
    with open(header) as f:
        have = set(re.findall(r'^#define RSTMON_HAVE_([A-Z0-9_]+) 1$', f.read(), re.M))
    rts = roots(kdirs)
    bad = 0
    names = sorted(n[:-2] for n in os.listdir(pdir) if n.endswith('.c'))
    if not names:
        print(f'not ok - probes/{tree} # no probes in {pdir}')
        return 1
    for name in names:
        with open(os.path.join(pdir, name + '.c')) as f:
            wit = re.findall(r'^ \* Witness: (\S+) (.+)$', f.read(), re.M)
        test = f'probes/{tree}/{name}'
        if not wit:
            print(f'not ok - {test} # the probe names no witness')
            bad += 1
            continue
        found, why = True, ''
        for path, rx in wit:
            text = None
            for r in rts:
                try:
                    with open(os.path.join(r, path)) as f:
                        text = f.read()
                    break
                except OSError:
                    continue
            if text is None:
                found, why = False, f'{path} not found'
                break
            if not re.search(rx, text, re.S):
                found, why = False, f'{path} has no /{rx}/'
                break
        said = name.upper() in have
        if said == found:
            print(f'ok - {test} # {"yes" if said else "no"}, as the headers say')
        else:
            bad += 1
            print(f'not ok - {test} # the probe says {"yes" if said else "no"} but '
                  f'{"the headers have it" if found else why}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
