#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Actors of accepted.sh: RSTs into live connections, and both keep-alive
races.  Each runs in a namespace the test made; every wait is bounded.

  server echo ADDR PORT        echo each request until the connection ends;
                               print how it ended (EOF, ECONNRESET, ...)
  client rst ADDR PORT KIND    connect, exchange once, then send an RST of
                               our own connection from a raw socket:
                               KIND exact | window | far (sequence number
                               rcv_nxt, +1000, +2^31), with the payload
                               "text" | "binary" | "long" after a comma;
                               then exchange again and print ALIVE, or the
                               errno name of the failure
  server later ADDR PORT       answer a request in two parts, the second
                               after the client closed
  client early ADDR PORT       send a request, read the first part, close
"""
import errno
import socket
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
import tcpkit  # noqa: E402

TIMEOUT = 10
PAYLOADS = {
    "none": b"",
    "text": b'policy "deny" \\ idle',
    "binary": bytes([0, 1, 2, 0x0A, 0x7F, 0xFF]) + b"ok",
    "long": b"L" * 100,
}
TCP_REPAIR, TCP_REPAIR_QUEUE, TCP_QUEUE_SEQ, TCP_SEND_QUEUE = 19, 20, 21, 2
# Leaving repair mode with TCP_REPAIR_OFF (0) sends a window probe whose
# sequence number is snd_una - 1: the peer answers that out-of-window
# segment with a duplicate ACK and so starts its per-socket rate limit
# (net.ipv4.tcp_invalid_ratelimit, 500 ms), which then swallows the
# challenge ACK of the RST we send next (TcpExtTCPACKSkippedChallenge).
# TCP_REPAIR_OFF_NO_WP leaves without the probe.
TCP_REPAIR_OFF_NO_WP = -1


def errname(e):
    return errno.errorcode.get(e.errno, str(e)) if e.errno else type(e).__name__


def echo(addr, port):
    s = tcpkit.listener(addr, port)
    s.settimeout(TIMEOUT * 2)
    c, _ = s.accept()
    c.settimeout(TIMEOUT * 2)
    try:
        while True:
            d = c.recv(65536)
            if not d:
                print("EOF")
                return
            c.sendall(d)
    except OSError as e:
        print(errname(e))


def snd_nxt(s):
    """Our next sequence number: the peer's rcv_nxt once all is acked."""
    s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 1)
    s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE)
    seq = s.getsockopt(socket.IPPROTO_TCP, TCP_QUEUE_SEQ) & 0xFFFFFFFF
    s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_OFF_NO_WP)
    return seq


def rst(addr, port, arg):
    kind, payload = arg.split(",")
    s = tcpkit.connect(addr, port)
    s.sendall(b"one\n")
    s.recv(65536)
    time.sleep(0.2)  # our data acknowledged: rcv_nxt is our snd_nxt
    seq = snd_nxt(s)
    seq = (seq + {"exact": 0, "window": 1000, "far": 1 << 31}[kind]) & 0xFFFFFFFF
    laddr, lport = s.getsockname()[:2]
    tcpkit.send_raw(tcpkit.family(addr), laddr, lport, addr, port, seq, 0, 0x04,
                    PAYLOADS[payload])
    time.sleep(0.3)
    try:
        s.sendall(b"two\n")
        d = s.recv(65536)
        print("ALIVE" if d else "EOF")
    except OSError as e:
        print(errname(e))


def later(addr, port):
    s = tcpkit.listener(addr, port)
    s.settimeout(TIMEOUT * 2)
    c, _ = s.accept()
    c.settimeout(TIMEOUT)
    c.recv(65536)
    c.sendall(b"part one\n")
    # The client reads it and closes: wait for its FIN (EOF), then send on.
    try:
        while c.recv(65536):
            pass
        c.sendall(b"part two\n")
        time.sleep(0.5)
        c.sendall(b"part three\n")
        print("SENT")
    except OSError as e:
        print(errname(e))
    time.sleep(1)


def early(addr, port):
    s = tcpkit.connect(addr, port)
    s.sendall(b"request\n")
    s.recv(65536)
    s.close()
    print("CLOSED")


def main():
    role, mode, addr, port = sys.argv[1:5]
    arg = sys.argv[5] if len(sys.argv) > 5 else None
    {("server", "echo"): lambda: echo(addr, int(port)),
     ("client", "rst"): lambda: rst(addr, int(port), arg),
     ("server", "later"): lambda: later(addr, int(port)),
     ("client", "early"): lambda: early(addr, int(port))}[(role, mode)]()


if __name__ == "__main__":
    main()
