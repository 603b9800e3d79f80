#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Request/response over TCP: 1-byte requests, 1-byte answers.

  rr.py server ADDR PORT         answer until the client closes
  rr.py client ADDR PORT SECS    print transactions per second
"""
import socket
import sys
import time


def server(addr, port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    ls.settimeout(30)
    c, _ = ls.accept()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while c.recv(1):
        c.sendall(b"r")


def client(addr, port, secs):
    s = socket.create_connection((addr, port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    n, end = 0, time.monotonic() + secs
    while time.monotonic() < end:
        for _ in range(100):
            s.sendall(b"q")
            s.recv(1)
        n += 100
    s.close()
    print(f"{n / secs:.0f}")


if sys.argv[1:2] == ["server"]:
    server(sys.argv[2], int(sys.argv[3]))
elif sys.argv[1:2] == ["client"]:
    client(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
else:
    print(__doc__, file=sys.stderr)
    sys.exit(2)
