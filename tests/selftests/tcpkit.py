#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Real-socket actors for rstmon's scenario tests.

Each actor runs inside a network namespace made by the test (the caller
wraps it in "ip netns exec") and talks only to addresses of those
namespaces.  Every wait is bounded.  Clients print one word on stdout: how
the connection ended (ECONNRESET, EOF, TIMEOUT, ECONNREFUSED, ...).

  server MODE ADDR PORT     unread | linger | reply-close | hold |
                            backlog N | reply-hold | reply-idle SECONDS |
                            reply-stall
  client MODE ADDR PORT     connect | send-wait | read-wait |
                            keepalive-race | abandon | send-abort |
                            idle SECONDS |
                            exchange-wait | burst FILL,BURST | close-wait-syn |
                            rst-flood COUNT
  server MODE ADDR PORT     trickle
  client MODE ADDR PORT     pause FILE | inject IFACE | inject-burst IFACE
  server hold-all ADDR PORT accept every connection, never read nor close
  client MODE ADDR PORT     keepalive IDLE,INTVL,CNT | linger2-close |
                            close-orphan | syn-hold SECONDS
  client forge-synack ADDR PORT IFACE
                            (run at ADDR's end) answer the next SYN to
                            ADDR:PORT seen on IFACE with a SYN-ACK whose
                            ACK number is not the SYN's
"""
import errno
import os
import select
import socket
import struct
import sys
import time

TIMEOUT = 15
# How long reply-stall and pause hold a connection (the flood tests hold
# one through their floods and set it to match their sizes).
PAUSE = float(os.environ.get("RSTMON_PAUSE", 8 * TIMEOUT))


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def errname(e):
    return errno.errorcode.get(e.errno, str(e))


def wait_end(s, limit=TIMEOUT):
    """Read until the connection ends; say how."""
    s.settimeout(limit)
    try:
        while True:
            if not s.recv(65536):
                return "EOF"
    except socket.timeout:
        return "TIMEOUT"
    except OSError as e:
        return errname(e)


def wait_eof(s, limit=TIMEOUT):
    """Read until the peer's FIN; return what was read before it."""
    s.settimeout(limit)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def send_until_error(s, limit=TIMEOUT):
    """Send small segments until the socket reports an error."""
    end = time.time() + limit
    while time.time() < end:
        time.sleep(0.2)
        try:
            s.send(b".")
        except OSError as e:
            return errname(e)
    return "TIMEOUT"


def linger0(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def listening():
    """Tell serve (lib.sh) the socket listens: the file RSTMON_READY names,
    polled without a process, where polling ss costs four."""
    path = os.environ.get("RSTMON_READY")
    if path:
        open(path, "w").close()


def listener(addr, port, backlog=16):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(backlog)
    listening()
    return s


def server(mode, addr, port, arg=None):
    if mode == "backlog":
        s = listener(addr, port, int(arg))
        time.sleep(TIMEOUT * 2)  # never accept: the queue fills
        return
    s = listener(addr, port)
    s.settimeout(TIMEOUT * 2)
    c, _ = s.accept()
    c.settimeout(TIMEOUT)
    if mode == "unread":
        # Wait until the request is there, then close without reading it.
        select.select([c], [], [], TIMEOUT)
        c.close()
    elif mode == "linger":
        c.sendall(b"hello\n")
        linger0(c)
        c.close()
    elif mode == "reply-close":
        c.recv(65536)
        c.sendall(b"response\n")
        c.close()
        time.sleep(TIMEOUT)
    elif mode == "reply-hold":
        c.recv(65536)
        c.sendall(b"response\n")
        wait_end(c, TIMEOUT * 2)
    elif mode == "hold":
        wait_end(c, TIMEOUT * 2)
    elif mode == "reply-stall":
        # Answer, then read nothing more for up to PAUSE seconds (the test
        # ends it sooner by killing us: a close with unread data).
        c.recv(65536)
        c.sendall(b"response\n")
        time.sleep(PAUSE)
    elif mode == "reply-idle":
        # Answer, stay silent ARG seconds, then send again.
        c.recv(65536)
        c.sendall(b"response\n")
        time.sleep(float(arg))
        try:
            c.sendall(b"after the silence\n")
            wait_end(c)
        except OSError:
            pass
    else:
        sys.exit("unknown server mode " + mode)


def connect(addr, port):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    s.connect((addr, port))
    return s


def tcp_checksum(src, dst, seg, fam):
    if fam == socket.AF_INET:
        pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(seg))
    else:
        pseudo = src + dst + struct.pack("!I3xB", len(seg), socket.IPPROTO_TCP)
    data = pseudo + seg + (b"\0" if len(seg) % 2 else b"")
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def send_raw(fam, saddr, sport, daddr, dport, seq, ack, flags, payload=b""):
    """Send one hand-made TCP segment from this namespace."""
    r = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_TCP)
    src = socket.inet_pton(fam, saddr)
    dst = socket.inet_pton(fam, daddr)
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    csum = tcp_checksum(src, dst, hdr + payload, fam)
    hdr = hdr[:16] + struct.pack("!H", csum) + hdr[18:]
    r.sendto(hdr + payload, (daddr, 0))
    r.close()


TCP_REPAIR, TCP_REPAIR_QUEUE, TCP_QUEUE_SEQ, TCP_SEND_QUEUE = 19, 20, 21, 2


def client(mode, addr, port, arg=None):
    if mode == "connect":
        try:
            connect(addr, port).close()
            print("CONNECTED")
        except OSError as e:
            print(errname(e))
        return
    if mode == "rst-flood":
        # Blind resets from random ports to a port with no connection.
        import random
        fam = family(addr)
        probe = socket.socket(fam, socket.SOCK_DGRAM)
        probe.connect((addr, port))
        saddr = probe.getsockname()[0]
        probe.close()
        for _ in range(int(arg)):
            send_raw(fam, saddr, random.randint(1024, 65535), addr, port,
                     random.getrandbits(32), 0, 0x04)
        print("SENT")
        return
    if mode == "burst":
        # FILL connections complete one by one and fill the accept queue,
        # then BURST handshakes run at once: their ACKs overflow it.
        fill, burst = (int(x) for x in arg.split(","))
        held = [connect(addr, port) for _ in range(fill)]
        socks = []
        for _ in range(burst):
            s = socket.socket(family(addr), socket.SOCK_STREAM)
            s.setblocking(False)
            try:
                s.connect((addr, port))
            except BlockingIOError:
                pass
            socks.append(s)
        time.sleep(3)
        res = []
        for s in socks:
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            res.append(errno.errorcode.get(err, "OK") if err else "OK")
        print(" ".join(res))
        for s in held + socks:
            s.close()
        return
    try:
        s = connect(addr, port)
    except OSError as e:
        # Reset before connect() returned (an RST right after the SYN-ACK).
        print(errname(e))
        return
    if mode == "send-wait":
        s.sendall(b"request\n")
        print(wait_end(s))
    elif mode == "read-wait":
        print(wait_end(s))
    elif mode == "exchange-wait":
        s.sendall(b"request\n")
        s.recv(65536)
        print(wait_end(s, TIMEOUT * 2))
    elif mode == "keepalive-race":
        # The server answers and closes; we send the next request on the
        # kept-alive connection after its FIN: the reset of the seed.
        s.sendall(b"request\n")
        wait_eof(s)
        s.sendall(b"second request\n")
        # Reading says EOF (the FIN came first); the RST shows on send.
        print(send_until_error(s))
    elif mode == "abandon":
        linger0(s)
        s.close()
        print("ABANDONED")
    elif mode == "send-abort":
        # A request, then an abortive close (SO_LINGER 0) of our own.
        s.sendall(b"request\n")
        time.sleep(0.2)
        linger0(s)
        s.close()
        print("ABORTED")
    elif mode == "idle":
        s.sendall(b"request\n")
        s.recv(65536)
        time.sleep(float(arg))
        try:
            s.sendall(b"after the silence\n")
            print(wait_end(s))
        except OSError as e:
            print(errname(e))
    elif mode == "close-wait-syn":
        # The server closed; we stay in CLOSE_WAIT and send a SYN inside
        # its window from our own port: its FIN_WAIT2/TIME_WAIT socket
        # answers with an RST for a reason other than new data.
        s.sendall(b"request\n")
        wait_eof(s)
        # Let our (possibly delayed) ACK of its FIN reach it first: only
        # then is its socket a TIME_WAIT socket that answers with an RST
        # (a full FIN_WAIT2 socket sends a challenge ACK instead).
        time.sleep(0.5)
        s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 1)
        s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE)
        seq = s.getsockopt(socket.IPPROTO_TCP, TCP_QUEUE_SEQ) & 0xFFFFFFFF
        laddr, lport = s.getsockname()[:2]
        send_raw(family(addr), laddr, lport, addr, port, seq, 0, 0x02)
        time.sleep(1)
        print("SENT")
    else:
        sys.exit("unknown client mode " + mode)


def trickle(c):
    """After the request, send a small segment every 0.3 s until the
    connection fails."""
    c.settimeout(TIMEOUT)
    c.recv(65536)
    end = time.time() + TIMEOUT
    while time.time() < end:
        try:
            c.send(b"data\n" * 20)
        except OSError:
            return
        time.sleep(0.3)


def pause(s, path):
    """After one exchange, say so (PATH.ready) and wait for PATH.go (at
    most PAUSE seconds: the flood test pauses a connection through floods)."""
    s.sendall(b"request\n")
    s.recv(65536)
    open(path + ".ready", "w").close()
    end = time.time() + PAUSE
    while not os.path.exists(path + ".go") and time.time() < end:
        time.sleep(0.05)
    try:
        s.sendall(b"after the pause\n")
        print(wait_end(s))
    except OSError as e:
        print(errname(e))


def send_forged(fam, saddr, sport, daddr, dport, seq, ack, flags, ttl=64):
    """Send one TCP segment with a source address not our own: the IP
    header is ours too (IP_HDRINCL, IPV6_HDRINCL), TTL or hop limit TTL."""
    src = socket.inet_pton(fam, saddr)
    dst = socket.inet_pton(fam, daddr)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 0, 0, 0)
    tcp = tcp[:16] + struct.pack("!H", tcp_checksum(src, dst, tcp, fam)) + tcp[18:]
    r = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_RAW)
    if fam == socket.AF_INET:
        # The kernel fills in the total length, the ID and the checksum.
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 0, 0, 0x4000, ttl,
                         socket.IPPROTO_TCP, 0, src, dst)
    else:
        r.setsockopt(socket.IPPROTO_IPV6, 36, 1)  # IPV6_HDRINCL
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(tcp), socket.IPPROTO_TCP,
                         ttl, src, dst)
    r.sendto(ip + tcp, (daddr, 0))
    r.close()


def inject(addr, port, iface, burst=1):
    """On IFACE, wait for a data segment from port PORT to ADDR, then forge
    the RST its sender would send next: its address and port, the sequence
    number right after that segment (exact), no ACK, TTL 64.  With BURST >
    1, as many RSTs 1000 apart, covering the window as injectors do.
    Print SENT."""
    ETH_P_ALL = 3
    p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    p.bind((iface, 0))
    p.settimeout(TIMEOUT)
    fam = family(addr)
    want = socket.inet_pton(fam, addr)
    end = time.time() + TIMEOUT
    while time.time() < end:
        try:
            frame = p.recv(65536)
        except socket.timeout:
            break
        etype = struct.unpack("!H", frame[12:14])[0]
        ip = frame[14:]
        if fam == socket.AF_INET and etype == 0x0800 and ip[9] == socket.IPPROTO_TCP:
            ihl = (ip[0] & 15) * 4
            total = struct.unpack("!H", ip[2:4])[0]
            saddr, daddr = ip[12:16], ip[16:20]
            tcp = ip[ihl:total]
        elif fam == socket.AF_INET6 and etype == 0x86DD and ip[6] == socket.IPPROTO_TCP:
            plen = struct.unpack("!H", ip[4:6])[0]
            saddr, daddr = ip[8:24], ip[24:40]
            tcp = ip[40:40 + plen]
        else:
            continue
        if daddr != want or len(tcp) < 20:
            continue
        sport, dport, seq = struct.unpack("!HHI", tcp[:8])
        data = len(tcp) - (tcp[12] >> 4) * 4
        if sport != port or data <= 0:
            continue
        for i in range(burst):
            send_forged(fam, socket.inet_ntop(fam, saddr), sport, addr, dport,
                        (seq + data + 1000 * i) & 0xFFFFFFFF, 0, 0x04)
        print("SENT")
        return
    print("TIMEOUT")


TCP_LINGER2 = 8


def hold_all(addr, port):
    """Accept every connection and keep it: never read, never close (a
    peer whose FIN is acknowledged but never answered)."""
    s = listener(addr, port)
    held = []
    end = time.time() + TIMEOUT * 4
    while time.time() < end:
        s.settimeout(max(0.1, end - time.time()))
        try:
            held.append(s.accept()[0])
        except socket.timeout:
            break


def keepalive(addr, port, arg):
    """One exchange, then keepalive probes every INTVL s after IDLE s of
    silence, CNT of them unanswered at most: say how the connection
    ended (ETIMEDOUT when the probes ran out)."""
    idle, intvl, cnt = (int(x) for x in arg.split(","))
    s = connect(addr, port)
    s.sendall(b"request\n")
    s.recv(65536)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, intvl)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, cnt)
    open(os.environ.get("RSTMON_READY", os.devnull), "w").close()
    # (Not wait_end(): ETIMEDOUT is a TimeoutError, as socket.timeout is.)
    s.settimeout(TIMEOUT * 2)
    try:
        while s.recv(65536):
            pass
        print("EOF")
    except OSError as e:
        print(errname(e) if e.errno else "TIMEOUT")


def tcp_state(s):
    return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]


def linger2_close(addr, port):
    """TCP_LINGER2 below zero, our FIN sent and acknowledged (FIN_WAIT2),
    then close(): the kernel aborts at once instead of waiting in
    FIN_WAIT2."""
    s = connect(addr, port)
    s.setsockopt(socket.IPPROTO_TCP, TCP_LINGER2, -1)
    s.sendall(b"request\n")
    s.shutdown(socket.SHUT_WR)
    end = time.time() + TIMEOUT
    while tcp_state(s) != 5 and time.time() < end:  # TCP_FIN_WAIT2
        time.sleep(0.05)
    state = tcp_state(s)
    s.close()
    print("CLOSED" if state == 5 else "STATE%d" % state)


def close_orphan(addr, port):
    """A request, then close(): the socket goes on as an orphan (FIN_WAIT1,
    then FIN_WAIT2 while the peer holds its end)."""
    s = connect(addr, port)
    s.sendall(b"request\n")
    time.sleep(0.1)
    s.close()
    print("CLOSED")


def syn_hold(addr, port, secs):
    """connect() without waiting; say what the socket knows after SECS s."""
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect((addr, port))
    except BlockingIOError:
        pass
    time.sleep(secs)
    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    print(errno.errorcode.get(err, str(err)) if err else "STATE%d" % tcp_state(s))
    s.close()


def forge_synack(addr, port, iface):
    """On IFACE, wait for a SYN to ADDR:PORT and answer it from ADDR with a
    SYN-ACK that acknowledges 100000 bytes past the SYN (an unacceptable
    ACK for a SYN_SENT socket).  Print SENT."""
    ETH_P_ALL = 3
    p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    p.bind((iface, 0))
    p.settimeout(TIMEOUT)
    fam = family(addr)
    want = socket.inet_pton(fam, addr)
    end = time.time() + TIMEOUT
    while time.time() < end:
        try:
            frame = p.recv(65536)
        except socket.timeout:
            break
        etype = struct.unpack("!H", frame[12:14])[0]
        ip = frame[14:]
        if fam == socket.AF_INET and etype == 0x0800 and ip[9] == socket.IPPROTO_TCP:
            saddr, daddr, tcp = ip[12:16], ip[16:20], ip[(ip[0] & 15) * 4:]
        elif fam == socket.AF_INET6 and etype == 0x86DD and ip[6] == socket.IPPROTO_TCP:
            saddr, daddr, tcp = ip[8:24], ip[24:40], ip[40:]
        else:
            continue
        if daddr != want or len(tcp) < 20:
            continue
        sport, dport, seq = struct.unpack("!HHI", tcp[:8])
        if dport != port or tcp[13] & 0x12 != 0x02:
            continue
        send_raw(fam, addr, port, socket.inet_ntop(fam, saddr), sport,
                 0x5eed0000, (seq + 1 + 100000) & 0xFFFFFFFF, 0x12)
        print("SENT")
        return
    print("TIMEOUT")


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    role, mode, addr, port = sys.argv[1:5]
    arg = sys.argv[5] if len(sys.argv) > 5 else None
    if role == "server" and mode == "trickle":
        s = listener(addr, int(port))
        s.settimeout(TIMEOUT * 2)
        trickle(s.accept()[0])
    elif role == "client" and mode == "pause":
        pause(connect(addr, int(port)), arg)
    elif role == "client" and mode == "inject":
        inject(addr, int(port), arg)
    elif role == "client" and mode == "inject-burst":
        inject(addr, int(port), arg, 3)
    elif role == "server" and mode == "hold-all":
        hold_all(addr, int(port))
    elif role == "client" and mode == "keepalive":
        keepalive(addr, int(port), arg)
    elif role == "client" and mode == "linger2-close":
        linger2_close(addr, int(port))
    elif role == "client" and mode == "close-orphan":
        close_orphan(addr, int(port))
    elif role == "client" and mode == "syn-hold":
        syn_hold(addr, int(port), float(arg))
    elif role == "client" and mode == "forge-synack":
        forge_synack(addr, int(port), arg)
    else:
        {"server": server, "client": client}[role](mode, addr, int(port), arg)


if __name__ == "__main__":
    main()
