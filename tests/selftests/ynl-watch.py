#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Join rstmon's "events" group with the kernel's YNL library, say so by
creating READY, then wait (at most TIMEOUT seconds) for the first
notification and print the notifications as JSON.

    ynl-watch.py YNL_DIR SPEC SCHEMA READY TIMEOUT
"""
import json
import sys
import time

sys.path.insert(0, sys.argv[1])
from lib import YnlFamily  # noqa: E402  (the kernel's tools/net/ynl/lib)


def main():
    spec, schema, ready, timeout = sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
    ynl = YnlFamily(spec, schema, True)
    ynl.ntf_subscribe("events")
    open(ready, "w").close()
    end = time.time() + timeout
    while time.time() < end and not ynl.async_msg_queue:
        ynl.check_ntf()
        time.sleep(0.05)
    print(json.dumps(ynl.async_msg_queue, default=lambda o: o.hex() if isinstance(o, bytes) else str(o)))


if __name__ == "__main__":
    main()
