#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Actors of ctinvalid.sh: a connection to a DNAT service address, and a
segment of it that conntrack on the NAT host finds INVALID.  Every wait is
bounded; each actor prints one line.

  backend ADDR PORT IFACE DIR
        accept one connection and answer each line with "ok"; after the
        first, send from the connection's own address and port a segment
        far beyond conntrack's window that acknowledges exactly what the
        client sent (its numbers read from IFACE), and touch DIR/sent;
        print how the connection ended (ECONNRESET, EOF, ...)
  client VIP PORT DIR
        connect, exchange a line, wait for DIR/go, exchange a line: print
        its answer or the errno
"""
import fcntl
import os
import socket
import struct
import sys
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpkit import errname, family, send_raw  # noqa: E402

TIMEOUT = 20


def wait_file(path, limit=TIMEOUT):
    end = time.time() + limit
    while not os.path.exists(path) and time.time() < end:
        time.sleep(0.05)
    return os.path.exists(path)


def last_data_to(p, port):
    """The numbers of the last data segment to PORT queued on packet socket
    P: (family, saddr, sport, daddr, seq, len), or None."""
    found = None
    while True:
        try:
            frame = p.recv(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return found
        etype = struct.unpack("!H", frame[12:14])[0]
        ip = frame[14:]
        if etype == 0x0800 and ip[9] == socket.IPPROTO_TCP:
            fam = socket.AF_INET
            ihl = (ip[0] & 15) * 4
            total = struct.unpack("!H", ip[2:4])[0]
            saddr, daddr = ip[12:16], ip[16:20]
            tcp = ip[ihl:total]
        elif etype == 0x86DD and ip[6] == socket.IPPROTO_TCP:
            fam = socket.AF_INET6
            plen = struct.unpack("!H", ip[4:6])[0]
            saddr, daddr = ip[8:24], ip[24:40]
            tcp = ip[40:40 + plen]
        else:
            continue
        if len(tcp) < 20:
            continue
        sport, dport, seq, ack = struct.unpack("!HHII", tcp[:12])
        data = len(tcp) - (tcp[12] >> 4) * 4
        if dport == port and data > 0:
            found = (fam, socket.inet_ntop(fam, saddr), sport, socket.inet_ntop(fam, daddr),
                     seq, ack, data)


def wait_acked(s, limit=TIMEOUT):
    """Wait until the peer acknowledged all S sent (SIOCOUTQ, TIOCOUTQ's
    number: bytes not yet acknowledged).  Otherwise the client's ACK of
    the last answer may reach this host after the stray segment's RST
    killed the connection: its stack answers that ACK with an RST, which
    conntrack translates, and the client's connection dies before its
    next request, the data after the RST that the test looks for."""
    end = time.time() + limit
    buf = bytearray(4)
    while time.time() < end:
        fcntl.ioctl(s.fileno(), termios.TIOCOUTQ, buf)
        if struct.unpack("i", buf)[0] == 0:
            return True
        time.sleep(0.01)
    return False


def send_stray(p, port, d):
    seg = last_data_to(p, port)
    if not seg:
        return
    fam, caddr, cport, baddr, seq, ack, data = seg
    # Far beyond what conntrack allows the backend to send ("SEQ is over
    # upper bound"), acknowledging exactly what the client sent: the
    # client's stack answers with an RST whose sequence number the
    # backend accepts.
    send_raw(fam, baddr, port, caddr, cport, (ack + 0x40000000) & 0xFFFFFFFF,
             (seq + data) & 0xFFFFFFFF, 0x18, b"x")
    open(os.path.join(d, "sent"), "w").close()


def backend(addr, port, iface, d):
    p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    p.bind((iface, 0))
    ls = socket.socket(family(addr), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(4)
    ls.settimeout(TIMEOUT)
    s = ls.accept()[0]
    s.settimeout(TIMEOUT)
    end = time.time() + 2 * TIMEOUT
    first = True
    try:
        while time.time() < end:
            data = s.recv(4096)
            if not data:
                print("EOF")
                return
            s.sendall(b"ok\n")
            if first:
                wait_acked(s)
                send_stray(p, port, d)
                first = False
        print("TIMEOUT")
    except socket.timeout:
        print("TIMEOUT")
    except OSError as e:
        print(errname(e))


def exchange(s, line):
    s.sendall(line)
    data = s.recv(4096)
    return data.decode().strip() if data else "EOF"


def client(vip, port, d):
    s = socket.socket(family(vip), socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    try:
        s.connect((vip, port))
        exchange(s, b"a\n")
        if not wait_file(os.path.join(d, "go")):
            print("NO-GO")
            return
        print(exchange(s, b"c\n"))
    except socket.timeout:
        print("TIMEOUT")
    except OSError as e:
        print(errname(e))
    finally:
        s.close()


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    role = sys.argv[1]
    if role == "backend" and len(sys.argv) == 6:
        backend(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    elif role == "client":
        client(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
