#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The YNL spec and the uapi header describe the same family.

Every command, attribute, enum value and flag the spec names is looked up
in uapi/linux/rstmon.h by its C name, and the value the compiler gives it
must be the one the spec implies (attributes and commands count from 1 in
list order, enums from 0, flags are bits).  Prints one "ok"/"not ok" line
per item and exits non-zero on any mismatch.

    spec-check.py TOP
"""
import os
import subprocess
import sys
import tempfile

import yaml


def cname(prefix, name):
    return prefix + name.upper().replace("-", "_")


def main():
    top = sys.argv[1]
    with open(os.path.join(top, "Documentation/netlink/specs/rstmon.yaml")) as f:
        spec = yaml.safe_load(f)
    want = {}
    renames = {"RSTMON_EV_KERNEL_DISAGREES": "RSTMON_EV_KDISAGREE"}
    prefixes = {"dir": "RSTMON_DIR_", "sender": "RSTMON_SENDER_", "cause": "RSTMON_CAUSE_",
                "confidence": "RSTMON_CONF_", "seqchk": "RSTMON_SEQ_",
                "evidence": "RSTMON_EV_", "conn-state": "RSTMON_ST_", "sock": "RSTMON_SOCK_",
                "accepted": "RSTMON_ACCEPTED_",
                "idle-match": "RSTMON_IDLE_MATCH_"}
    for d in spec["definitions"]:
        for i, e in enumerate(d["entries"]):
            n = cname(prefixes[d["name"]], e)
            want[renames.get(n, n)] = (1 << i) if d["type"] == "flags" else i
    sets = {"rstmon": "RSTMON_A_", "counters": "RSTMON_CTR_", "cause-count": "RSTMON_CC_",
            "event": "RSTMON_E_", "conn": "RSTMON_C_", "side": "RSTMON_S_",
            "cgroup": "RSTMON_G_"}
    for s in spec["attribute-sets"]:
        for i, a in enumerate(s["attributes"], start=1):
            want[cname(sets[s["name"]], a["name"])] = a.get("value", i)
    for i, op in enumerate(spec["operations"]["list"], start=1):
        want[cname("RSTMON_CMD_", op["name"])] = op.get("value", i)

    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "v.c")
        with open(src, "w") as f:
            f.write('#include <stdio.h>\n#include <string.h>\n#include "linux/rstmon.h"\n')
            f.write("int main(void)\n{\n")
            f.write('\tprintf("NAME=%s\\n", RSTMON_GENL_NAME);\n')
            f.write('\tprintf("MCGRP=%s\\n", RSTMON_MCGRP_EVENTS);\n')
            for n in want:
                f.write(f'\tprintf("{n}=%lld\\n", (long long){n});\n')
            f.write("\treturn 0;\n}\n")
        exe = os.path.join(tmp, "v")
        r = subprocess.run(["cc", "-I", os.path.join(top, "uapi"), "-o", exe, src],
                           capture_output=True, text=True)
        if r.returncode:
            print("not ok - the uapi header defines every name of the spec")
            print("# " + r.stderr.replace("\n", "\n# "))
            return 1
        got = dict(l.split("=", 1) for l in
                   subprocess.run([exe], capture_output=True, text=True).stdout.split("\n") if l)
    bad = 0
    checks = [("family name", got["NAME"], spec["name"]),
              ("events group", got["MCGRP"], spec["mcast-groups"]["list"][0]["name"])]
    checks += [(n, int(got[n]), v) for n, v in want.items()]
    for what, g, w in checks:
        if g != w:
            print(f"not ok - {what}: header {g}, spec {w}")
            bad += 1
    print(f"# {len(checks)} names compared, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
