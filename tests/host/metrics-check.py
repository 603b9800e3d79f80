#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The shipped Prometheus examples against rstmonctl's exposition.

metrics-check.py FIXTURE DASHBOARD RULES DAEMONSET

FIXTURE is the full exposition of rstmonctl's unit tests
(RSTMON_PROM_FIXTURE: every family, --listen's included).  One TAP line
per check: the dashboard is valid JSON and every rstmon_ metric its
queries use is in the exposition; so are the rules'; the DaemonSet parses
as YAML, is a DaemonSet, and runs "rstmonctl metrics --listen ... -A" with hostPID.
"""
import json
import re
import sys

import yaml

NAME = re.compile(r"\b(rstmon_[a-zA-Z0-9_]+)")


def tap(ok, name, why=""):
    print(("ok - " if ok else "not ok - ") + name + ("" if ok or not why else " # " + why))
    return ok


def exposed(path):
    names = set()
    for line in open(path):
        if line.startswith("# TYPE "):
            fam, typ = line.split()[2:4]
            names.add(fam)
            if typ == "histogram":
                names.update(fam + s for s in ("_bucket", "_sum", "_count"))
    return names


def exprs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("expr", "query", "definition") and isinstance(v, str):
                yield v
            else:
                yield from exprs(v)
    elif isinstance(node, list):
        for v in node:
            yield from exprs(v)


def main():
    fixture, dashboard, rules, daemonset = sys.argv[1:5]
    have = exposed(fixture)
    ok = tap(len(have) > 10, "prom-examples: the fixture has the families", str(sorted(have)))
    try:
        d = json.load(open(dashboard))
        ok &= tap(True, "prom-examples: dashboard is valid JSON")
    except ValueError as e:
        return tap(False, "prom-examples: dashboard is valid JSON", str(e))
    used = {n for e in exprs(d) for n in NAME.findall(e)}
    missing = sorted(used - have)
    ok &= tap(bool(used) and not missing, "prom-examples: dashboard's metrics exist",
              "missing: " + " ".join(missing))
    r = yaml.safe_load(open(rules))
    used = {n for e in exprs(r) for n in NAME.findall(e)}
    missing = sorted(used - have)
    ok &= tap(bool(used) and not missing, "prom-examples: rules' metrics exist",
              "missing: " + " ".join(missing))
    try:
        k = yaml.safe_load(open(daemonset))
        c = k["spec"]["template"]["spec"]["containers"][0]
        good = (k["kind"] == "DaemonSet" and c["command"][:3] == ["rstmonctl", "metrics", "--listen"]
                and "-A" in c["command"] and k["spec"]["template"]["spec"].get("hostPID") is True)
        ok &= tap(good, "prom-examples: DaemonSet parses, runs metrics --listen -A with hostPID",
                  str(c.get("command")))
    except (yaml.YAMLError, KeyError, IndexError, TypeError) as e:
        ok &= tap(False, "prom-examples: DaemonSet parses, runs metrics --listen -A with hostPID", str(e))
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
