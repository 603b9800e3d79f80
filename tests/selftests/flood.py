#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Floods of raw TCP segments for the flood tests (flood.sh).

  flood.py rst DST N        N RSTs from this host's address to DST, each to
                            another port pair nobody uses
  flood.py syn DST N NET PORT
                            N SYNs to DST:PORT, each from a random source
                            address in the network NET (e.g. 100.64.0.0/10)
                            and a random port
  flood.py ack DST N NET PORT
                            the same with ACKs: segments of connections
                            that never were (picked up mid-stream)
DST and NET may be IPv6 (e.g. fd00:1::2, fd64::/64).
Prints the number sent.  Only between the test's own namespaces.
"""
import ipaddress
import random
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def v6(addr):
    return ":" in addr


def tcp(src, dst, sport, dport, seq, flags):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0)
    if v6(dst):
        pseudo = (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) +
                  struct.pack("!I3xB", len(hdr), 6))
    else:
        pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(hdr))
    return hdr[:16] + struct.pack("!H", csum(pseudo + hdr)) + hdr[18:]


def ip(src, dst, payload):
    if v6(dst):
        return struct.pack("!IHBB16s16s", 6 << 28, len(payload), 6, 64,
                           socket.inet_pton(socket.AF_INET6, src),
                           socket.inet_pton(socket.AF_INET6, dst)) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), random.getrandbits(16), 0, 64,
                      6, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def main():
    mode, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    fam = socket.AF_INET6 if v6(dst) else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_RAW)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, 36, 1)  # IPV6_HDRINCL
    probe = socket.socket(fam, socket.SOCK_DGRAM)
    probe.connect((dst, 9))
    me = probe.getsockname()[0]
    sent = 0
    if mode in ("syn", "ack"):
        net = ipaddress.ip_network(sys.argv[4])
        base, bits, dport = int(net.network_address), net.max_prefixlen - net.prefixlen, int(sys.argv[5])
    for i in range(n):
        if mode == "rst":
            seg = tcp(me, dst, 20000 + i % 40000, 30000 + i // 40000, random.getrandbits(32), 0x04)
            pkt = ip(me, dst, seg)
        else:
            src = str(type(net.network_address)(base + random.getrandbits(bits)))
            sport = random.randrange(1024, 65536)
            flags = 0x02 if mode == "syn" else 0x10
            pkt = ip(src, dst, tcp(src, dst, sport, dport, random.getrandbits(32), flags))
        s.sendto(pkt, (dst, 0))
        sent += 1
    print(sent)


if __name__ == "__main__":
    main()
