#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A stand-in for journald's native socket: what libsystemd sends, as JSON.

    journal-listen.py SOCKET OUT

Binds the AF_UNIX datagram socket SOCKET (libsystemd's is
/run/systemd/journal/socket), writes "ready" to OUT.ready, then each
entry it receives as one JSON object on a line of OUT, until SIGTERM.
The native protocol (systemd's JOURNAL_NATIVE_PROTOCOL): one entry per
datagram, "KEY=VALUE\\n" lines, or "KEY\\n" then the value's length (64-bit
little endian), the value and "\\n" for a value with a newline; an entry
too big for a datagram comes as a memfd passed with SCM_RIGHTS.
"""
import array
import json
import os
import signal
import socket
import struct
import sys


def parse(data):
    entry, i = {}, 0
    while i < len(data):
        nl = data.find(b"\n", i)
        if nl < 0:
            raise ValueError("unterminated field")
        line = data[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            i = nl + 1
        else:
            k = line
            (n,) = struct.unpack("<Q", data[nl + 1:nl + 9])
            v = data[nl + 9:nl + 9 + n]
            if data[nl + 9 + n:nl + 10 + n] != b"\n":
                raise ValueError("binary field without its newline")
            i = nl + 10 + n
        entry.setdefault(k.decode(), v.decode(errors="replace"))
    return entry


def main():
    path, out = sys.argv[1], sys.argv[2]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    with open(out, "a") as f, open(out + ".ready", "w") as r:
        r.write("ready\n")
        r.flush()
        while True:
            fds = array.array("i")
            data, anc, _, _ = s.recvmsg(1 << 20, socket.CMSG_SPACE(4 * fds.itemsize))
            for level, typ, cdata in anc:
                if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                    fds.frombytes(cdata[:len(cdata) - len(cdata) % fds.itemsize])
            for fd in fds:
                data = os.pread(fd, 1 << 24, 0)
                os.close(fd)
            try:
                entry = parse(data)
            except ValueError as e:
                entry = {"_LISTENER_ERROR": str(e)}
            f.write(json.dumps(entry, sort_keys=True) + "\n")
            f.flush()


if __name__ == "__main__":
    main()
