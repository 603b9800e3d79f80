# SPDX-License-Identifier: GPL-2.0
"""What report.py ("make bench") and report-smp.py ("make bench-smp")
share: the guests' "KEY key=value..." lines, RST tables, nanoseconds from
picoseconds and the host's description."""
import os
import platform
import re


def kv(line):
    """The key=value pairs of @line."""
    return dict(m.groups() for m in re.finditer(r"(\w+)=(\S+)", line))


def table(rows, head, rstrip=False):
    """An RST simple table; @rstrip: no trailing blanks on its lines."""
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    sep = " ".join("=" * w for w in widths)

    def line(cells):
        s = " ".join(str(c).ljust(w) for c, w in zip(cells, widths))
        return s.rstrip() if rstrip else s
    out = [sep, line(head), sep]
    out += [line(r) for r in rows]
    out.append(sep)
    return "\n".join(out)


def ns(ps):
    """Picoseconds as nanoseconds, one decimal."""
    return f"{int(ps) / 1000:.1f}"


def host():
    """The host: its CPU model, its number of CPUs and its kernel."""
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, host kernel {platform.release()}"
