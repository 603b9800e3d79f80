#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Real sockets that make the kernel reset with a given reason (kreasons.sh).

    kreasons.py server-finhold ADDR PORT   accept one, shutdown(SHUT_WR) at
                                           once, never read (a tiny receive
                                           buffer: its window closes), hold
    kreasons.py disconnect-data ADDR PORT  connect, take the server's FIN,
                                           fill the send buffer until data
                                           stays unsent, shutdown(SHUT_WR)
                                           (LAST_ACK), close() with
                                           SO_LINGER 0: tcp_disconnect()
                                           resets (TCP_DISCONNECT_WITH_DATA)
    kreasons.py mptcp-server ADDR PORT     MPTCP: accept one, send 1000
                                           bytes, hold
    kreasons.py mptcp-unread ADDR PORT     MPTCP: connect, wait for the
                                           bytes, close() without reading:
                                           MPTCP's fastclose resets the
                                           subflow (TCP_ABORT_ON_CLOSE)

Every wait is bounded.  Prints one word of outcome (and details) on stdout.
"""
import select
import socket
import struct
import sys
import time

IPPROTO_MPTCP = 262
SIOCOUTQNSD = 0x894B	# bytes not yet sent
TCP_LAST_ACK = 9
HOLD = 30


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def listener(addr, port, proto=0, rcvbuf=0):
    s = socket.socket(family(addr), socket.SOCK_STREAM, proto)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((addr, port))
    s.listen(4)
    return s


def connect(addr, port, proto=0):
    s = socket.socket(family(addr), socket.SOCK_STREAM, proto)
    s.settimeout(5)
    s.connect((addr, port))
    return s


def tcp_state(s):
    return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]


def unsent(s):
    import fcntl
    return struct.unpack("i", fcntl.ioctl(s.fileno(), SIOCOUTQNSD, b"\0" * 4))[0]


def hold(c):
    # Never read; the peer's RST or the bound ends it.
    deadline = time.monotonic() + HOLD
    while time.monotonic() < deadline:
        try:
            if c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                return
        except OSError:
            return
        time.sleep(0.1)


def server_finhold(addr, port):
    ls = listener(addr, port, rcvbuf=4096)
    ls.settimeout(10)
    c, _ = ls.accept()
    c.shutdown(socket.SHUT_WR)
    hold(c)


def disconnect_data(addr, port):
    s = connect(addr, port)
    if s.recv(1) != b"":
        print("NOFIN")
        return
    s.setblocking(False)
    chunk = b"x" * 65536
    deadline = time.monotonic() + 10
    # Fill until the send buffer is full with bytes the peer's closed
    # window keeps unsent.
    while time.monotonic() < deadline:
        try:
            s.send(chunk)
            continue
        except BlockingIOError:
            pass
        if unsent(s) > 0:
            break
        select.select([], [s], [], 0.2)
    n = unsent(s)
    s.shutdown(socket.SHUT_WR)
    st = tcp_state(s)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    print("CLOSED" if n > 0 and st == TCP_LAST_ACK else "NOTREADY", f"unsent={n} state={st}")


def mptcp_server(addr, port):
    try:
        ls = listener(addr, port, IPPROTO_MPTCP)
    except OSError as e:
        print("NOMPTCP", e)
        return
    ls.settimeout(10)
    c, _ = ls.accept()
    c.sendall(b"y" * 1000)
    hold(c)


def mptcp_unread(addr, port):
    s = connect(addr, port, IPPROTO_MPTCP)
    r, _, _ = select.select([s], [], [], 5)
    if not r:
        print("NODATA")
        return
    import fcntl
    import termios
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:	# all 1000 bytes queued, unread
        q = struct.unpack("i", fcntl.ioctl(s.fileno(), termios.FIONREAD, b"\0" * 4))[0]
        if q >= 1000:
            break
        select.select([], [], [], 0.05)
    s.close()
    print("CLOSED")


def main():
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    try:
        {"server-finhold": server_finhold, "disconnect-data": disconnect_data,
         "mptcp-server": mptcp_server, "mptcp-unread": mptcp_unread}[mode](addr, port)
    except OSError as e:
        print("ERROR", e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
