#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Actors of sockpath.sh: long connections (hundreds to thousands of
segments) that end in an RST.  Each runs in a namespace the test made;
every wait is bounded.

  server cmd ADDR PORTS [LISTEN]
                           on each of PORTS (a comma list), accept one
                           connection and obey its client's commands
                           (below) until it ends; print how it ended
                           (EOF, ECONNRESET, CLOSED, ...); on LISTEN,
                           listen and never accept, for at most 30 s
  client MODE ADDR PORT [ARG]
                           drive one connection (modes in client());
                           print how it ended
  client all ADDR DIR CASE:PORT:MODE[:ARG]...
                           each at once, in a thread; how each ended
                           to DIR/CASE

Commands, 16 bytes each, client to server: "PUT n" (n bytes follow; the
server answers b"K" once it read them), "GET n" (the server sends n
bytes), "LINGER2 s" (TCP_LINGER2 of the server's socket: its FIN_WAIT2
time once orphaned), "CLOSE" (the server closes its socket),
"SHUTCLOSE" (it sends its FIN, waits for its ACK, then closes); anything
else ("NOP") is read and ignored.
"""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import tcpkit  # noqa: E402

TIMEOUT = 15
TCP_LINGER2 = 8
CHUNK = 65536


def cmd(s, text):
    s.sendall(text.encode().ljust(16))


def recv_exact(s, n):
    got = 0
    while got < n:
        d = s.recv(min(CHUNK, n - got))
        if not d:
            raise EOFError
        got += len(d)


def send_n(s, n):
    block = b"x" * CHUNK
    while n > 0:
        k = min(n, CHUNK)
        s.sendall(block[:k])
        n -= k


def put(s, n):
    cmd(s, "PUT %d" % n)
    send_n(s, n)
    recv_exact(s, 1)


def get(s, n):
    cmd(s, "GET %d" % n)
    recv_exact(s, n)


# Where the server says it closed a connection (closed.PORT), for its
# client to send after that: the namespaces share the file system.
DIR = os.environ.get("RSTMON_SOCKPATH_DIR", "/nonexistent")


def closed(port):
    open(os.path.join(DIR, "closed.%d" % port), "w").close()


def serve_cmd(addr, port):
    ls = tcpkit.listener(addr, port)
    ls.settimeout(TIMEOUT * 2)
    c, _ = ls.accept()
    ls.close()
    c.settimeout(TIMEOUT * 4)
    try:
        while True:
            h = b""
            while len(h) < 16:
                d = c.recv(16 - len(h))
                if not d:
                    print(port, "EOF")
                    return
                h += d
            word = h.split()
            if word[0] == b"PUT":
                recv_exact(c, int(word[1]))
                c.sendall(b"K")
            elif word[0] == b"GET":
                send_n(c, int(word[1]))
            elif word[0] == b"LINGER2":
                c.setsockopt(socket.IPPROTO_TCP, TCP_LINGER2, int(word[1]))
            elif word[0] == b"CLOSE":
                c.close()
                closed(port)
                print(port, "CLOSED")
                return
            elif word[0] == b"SHUTCLOSE":
                # Our FIN first, and its ACK: close() in FIN_WAIT2
                # turns the socket into a time-wait socket at once
                # (with a FIN_WAIT2 time of at most 60 s), whereas an
                # orphan whose FIN is acknowledged while close() still
                # holds its lock stays a full socket.
                c.shutdown(socket.SHUT_WR)
                end = time.time() + TIMEOUT
                while tcpkit.tcp_state(c) != 5 and time.time() < end:  # FIN_WAIT2
                    time.sleep(0.02)
                c.close()
                closed(port)
                print(port, "CLOSED")
                return
    except (OSError, EOFError) as e:
        print(port, tcpkit.errname(e) if isinstance(e, OSError) and e.errno
              else type(e).__name__)


def connect(addr, port):
    s = tcpkit.connect(addr, port)
    s.settimeout(TIMEOUT)
    return s


def wait_file(path, limit=60):
    end = time.time() + limit
    while not os.path.exists(path):
        if time.time() > end:
            raise TimeoutError(path)
        time.sleep(0.05)


def after_close(s):
    """The server closed after its response: read it to EOF."""
    s.settimeout(TIMEOUT)
    while s.recv(CHUNK):
        pass


def client(mode, addr, port, arg):
    if mode == "syn-recv":
        # Our handshake ACK is dropped (the test's rule), so the server
        # holds a SYN_RECV request; we give up with an abortive close.
        s = socket.socket(tcpkit.family(addr), socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect((addr, port))
        except BlockingIOError:
            pass
        end = time.time() + TIMEOUT
        while tcpkit.tcp_state(s) != 1 and time.time() < end:  # ESTABLISHED
            time.sleep(0.05)
        state = tcpkit.tcp_state(s)
        time.sleep(0.3)
        tcpkit.linger0(s)
        s.close()
        return "ABORTED" if state == 1 else "STATE%d" % state
    s = connect(addr, port)
    if mode == "unread":
        # Read part of a bulk response, close with the rest unread.
        cmd(s, "GET %d" % (2 * int(arg)))
        recv_exact(s, int(arg))
        time.sleep(0.3)  # more of it queued, unread
        s.close()
        return "CLOSED"
    elif mode in ("orphan", "tw-data", "tw-syn"):
        # ARG: the server's TCP_LINGER2.  An upload and a bulk response
        # (400 kB, 150 kB for tw-*), then the server closes (tw-*: once
        # its FIN is acknowledged); we read to
        # its FIN and send the next request (or, tw-syn, a SYN in its
        # window).
        down = 400000 if mode == "orphan" else 150000
        cmd(s, "LINGER2 %s" % arg)
        put(s, 50000)
        cmd(s, "GET %d" % down)
        cmd(s, "CLOSE" if mode == "orphan" else "SHUTCLOSE")
        recv_exact(s, down)
        after_close(s)
        # Its close() returned: the next request is data after close.
        wait_file(os.path.join(DIR, "closed.%d" % port), TIMEOUT)
        if mode == "tw-syn":
            time.sleep(0.5)  # our ACK of its FIN is there: TIME_WAIT
            s.setsockopt(socket.IPPROTO_TCP, tcpkit.TCP_REPAIR, 1)
            s.setsockopt(socket.IPPROTO_TCP, tcpkit.TCP_REPAIR_QUEUE,
                         tcpkit.TCP_SEND_QUEUE)
            seq = s.getsockopt(socket.IPPROTO_TCP, tcpkit.TCP_QUEUE_SEQ) & 0xFFFFFFFF
            laddr, lport = s.getsockname()[:2]
            tcpkit.send_raw(tcpkit.family(addr), laddr, lport, addr, port, seq, 0, 0x02)
            time.sleep(0.5)
            return "SENT"
        s.sendall(b"next request\n")
        return tcpkit.send_until_error(s)
    elif mode == "preload":
        # ARG: a directory.  Traffic, then ARG/ready and wait for ARG/go
        # (the test loads rstmon in between), more traffic, then an
        # abortive close right after our own last data (a request that
        # wants no answer).
        put(s, 100000)
        get(s, 100000)
        open(os.path.join(arg, "ready"), "w").close()
        wait_file(os.path.join(arg, "go"))
        get(s, 200000)
        put(s, 200000)
        cmd(s, "NOP")
        tcpkit.linger0(s)
        s.close()
        return "ABORTED"
    elif mode == "bulk":
        # ARG: UP,DOWN,IDLE: upload UP bytes, download DOWN bytes, send
        # a last request that wants no answer, stay silent IDLE
        # seconds, then an abortive close.
        up, down, idle = arg.split(",")
        put(s, int(up))
        get(s, int(down))
        cmd(s, "NOP")
        time.sleep(float(idle))
        tcpkit.linger0(s)
        s.close()
        return "ABORTED"
    else:
        return "unknown client mode " + mode


def run_client(mode, addr, port, arg):
    try:
        return client(mode, addr, port, arg)
    except OSError as e:
        return tcpkit.errname(e) if e.errno else type(e).__name__
    except (EOFError, TimeoutError) as e:
        return type(e).__name__


def run_all(addr, outdir, specs):
    """Each SPEC (CASE:PORT:MODE[:ARG]) in a thread of its own; its
    outcome to OUTDIR/CASE."""
    def one(spec):
        case, port, mode, arg = (spec.split(":", 3) + [None])[:4]
        res = run_client(mode, addr, int(port), arg)
        with open(os.path.join(outdir, case), "w") as f:
            f.write(res + "\n")
    ts = [threading.Thread(target=one, args=(x,)) for x in specs]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def serve_all(addr, ports, listen):
    """A command server on each of PORTS, a listener that never accepts
    on LISTEN (0: none) for at most 30 s."""
    ts = [threading.Thread(target=serve_cmd, args=(addr, int(p)))
          for p in ports.split(",")]
    for t in ts:
        t.start()
    if int(listen):
        ls = tcpkit.listener(addr, int(listen))
        time.sleep(TIMEOUT * 2)
        ls.close()
    for t in ts:
        t.join()


def main():
    role, mode, addr = sys.argv[1:4]
    if role == "server" and mode == "cmd":
        serve_all(addr, sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else "0")
    elif role == "client" and mode == "all":
        run_all(addr, sys.argv[4], sys.argv[5:])
    elif role == "client":
        print(run_client(mode, addr, int(sys.argv[4]),
                         sys.argv[5] if len(sys.argv) > 5 else None))
    else:
        sys.exit("unknown role " + role)


if __name__ == "__main__":
    main()
