#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink requests to the rstmon family, byte by byte.

No netlink library: every request is packed here, so malformed ones can be
sent as they are.  Each mode prints "ok - NAME" / "not ok - NAME # why"
lines and exits 1 if any check failed.

  nlraw.py malformed            refused requests: errno, extack, no change
  nlraw.py dump ADDR PORT N     N RSTs (connects to a closed ADDR:PORT),
                                then one dump across many messages
  nlraw.py intr ADDR PORT       a dump interrupted by overwriting (ring 16)
  nlraw.py ratelimit ADDR PORT N RATE
                                the events group under a rate limit
  nlraw.py listen RATE READY [SECONDS [DONE]]
                                set notify-rate RATE, join the events
                                group, create file READY, then count
                                notifications until 3 s pass without one
                                once file DONE exists (when given; for at
                                most SECONDS, default 120);
                                prints "DELIVERED n SECONDS s"
  nlraw.py set KEY VALUE        one setting (idle-threshold, event-ring,
                                ipv4, ipv6, notify-rate)

The uapi numbers come from uapi/linux/rstmon.h, parsed at start, so this
file cannot drift from the header.
"""
import errno
import os
import re
import select
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK = 1, 2, 4
NLM_F_DUMP_INTR = 0x10
NLM_F_DUMP = 0x300
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2

FAILED = 0


def check(name, good, why=""):
    global FAILED
    if good:
        print(f"ok - {name}", flush=True)
    else:
        FAILED += 1
        print(f"not ok - {name} # {why}", flush=True)


def uapi():
    """enum values of uapi/linux/rstmon.h by name."""
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")
    text = open(os.path.join(top, "uapi/linux/rstmon.h")).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    vals = {}
    for body in re.findall(r"enum\s+\w+\s*{(.*?)}", text, flags=re.S):
        n = 0
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            name, _, val = item.partition("=")
            name = name.strip()
            if val.strip():
                n = int(val.strip(), 0)
            vals[name] = n
            n += 1
    return vals


U = uapi()


def nla(typ, payload):
    """One attribute, padded to 4 bytes."""
    hdr = struct.pack("=HH", 4 + len(payload), typ)
    pad = (-len(payload)) % 4
    return hdr + payload + b"\0" * pad


def u8(typ, v):
    return nla(typ, struct.pack("=B", v))


def u32(typ, v):
    return nla(typ, struct.pack("=I", v))


def parse_attrs(buf):
    out = {}
    while len(buf) >= 4:
        ln, typ = struct.unpack_from("=HH", buf)
        if ln < 4:
            break
        out.setdefault(typ & 0x3FFF, []).append(buf[4:ln])
        buf = buf[(ln + 3) & ~3:]
    return out


def messages(data):
    """The netlink messages of one datagram: (type, flags, seq, payload) each."""
    msgs = []
    while len(data) >= 16:
        ln, typ, flags, seq, _ = struct.unpack_from("=IHHII", data)
        msgs.append((typ, flags, seq, data[16:ln]))
        data = data[(ln + 3) & ~3:]
    return msgs


class Genl:
    def __init__(self, name="rstmon"):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.s.bind((0, 0))
        self.seq = int(time.time()) & 0xFFFF
        self.fam = GENL_ID_CTRL
        err, _, msgs = self.request(CTRL_CMD_GETFAMILY, nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        if err:
            raise OSError(-err, f"family {name}: {os.strerror(-err)}")
        a = parse_attrs(msgs[0][3])
        self.fam = struct.unpack("=H", a[CTRL_ATTR_FAMILY_ID][0][:2])[0]
        self.groups = {}
        for grp in parse_attrs(a.get(CTRL_ATTR_MCAST_GROUPS, [b""])[0]).values():
            g = parse_attrs(grp[0])
            self.groups[g[CTRL_ATTR_MCAST_GRP_NAME][0].rstrip(b"\0").decode()] = \
                struct.unpack("=I", g[CTRL_ATTR_MCAST_GRP_ID][0])[0]

    def send(self, cmd, payload=b"", flags=NLM_F_REQUEST | NLM_F_ACK, genlhdr=None, version=1):
        self.seq += 1
        body = (struct.pack("=BBH", cmd, version, 0) if genlhdr is None else genlhdr) + payload
        self.s.send(struct.pack("=IHHII", 16 + len(body), self.fam, flags, self.seq, 0) + body)

    def recv_batch(self, timeout=5.0, peek=False):
        """The messages of one datagram: (type, flags, seq, payload) each."""
        r, _, _ = select.select([self.s], [], [], timeout)
        if not r:
            raise TimeoutError("no answer")
        return messages(self.s.recv(1 << 20, socket.MSG_PEEK if peek else 0))

    @staticmethod
    def ack(typ, flags, payload):
        """(errno, extack message) of an NLMSG_ERROR or NLMSG_DONE."""
        err = struct.unpack_from("=i", payload)[0]
        msg = ""
        if flags & NLM_F_ACK_TLVS:
            # NLMSG_ERROR: error, the request's header (capped); DONE: error.
            off = 4 + 16 if typ == NLMSG_ERROR else 4
            a = parse_attrs(payload[off:])
            if NLMSGERR_ATTR_MSG in a:
                msg = a[NLMSGERR_ATTR_MSG][0].rstrip(b"\0").decode()
        return err, msg

    def request(self, cmd, payload=b"", flags=NLM_F_REQUEST | NLM_F_ACK, **kw):
        """Send, read to the ack or DONE: (errno, extack, [replies])."""
        self.send(cmd, payload, flags, **kw)
        replies = []
        while True:
            for typ, fl, seq, pl in self.recv_batch():
                if seq != self.seq:
                    continue
                if typ in (NLMSG_ERROR, NLMSG_DONE):
                    err, msg = self.ack(typ, fl, pl)
                    return err, msg, replies
                replies.append((typ, fl, seq, pl[4:]))

    def get(self, cmd):
        err, msg, rep = self.request(cmd)
        if err:
            raise OSError(-err, f"command {cmd}: {msg or os.strerror(-err)}")
        return parse_attrs(rep[0][3])

    def dump_attrs(self, cmd, payload=b""):
        """A dump of command CMD: the attributes of each reply."""
        err, msg, replies = self.request(cmd, payload, flags=NLM_F_REQUEST | NLM_F_DUMP)
        if err:
            raise OSError(-err, f"dump {cmd}: {msg or os.strerror(-err)}")
        return [parse_attrs(pl) for _, _, _, pl in replies]


def scalar(raw):
    return int.from_bytes(raw, "little")


def config(g):
    return {k: scalar(v[0]) for k, v in g.get(U["RSTMON_CMD_GET_CONFIG"]).items()}


def status(g):
    """The counters nest and events-logged: what a request must not move."""
    a = g.get(U["RSTMON_CMD_GET_STATUS"])
    ctr = {k: scalar(v[0]) for k, v in parse_attrs(a[U["RSTMON_A_COUNTERS"]][0]).items()}
    return ctr, scalar(a[U["RSTMON_A_EVENTS_LOGGED"]][0])


def malformed():
    g = Genl()
    A = U
    idle, ring = A["RSTMON_A_IDLE_THRESHOLD"], A["RSTMON_A_EVENT_RING"]
    setc, conns = A["RSTMON_CMD_SET_CONFIG"], A["RSTMON_CMD_GET_CONNS"]
    dump = NLM_F_REQUEST | NLM_F_DUMP
    before_cfg, before_st = config(g), status(g)
    # (name, cmd, payload, flags, errno, extack must say one of these)
    cases = [
        ("set: nothing", setc, b"", None, errno.EINVAL, ["nothing to set"]),
        ("set: idle 0", setc, u32(idle, 0), None, errno.ERANGE, ["out of range", "min value"]),
        ("set: idle 604801", setc, u32(idle, 604801), None, errno.ERANGE, ["out of range", "max value"]),
        ("set: idle as u16", setc, nla(idle, struct.pack("=H", 60)), None, errno.EINVAL, ["length"]),
        ("set: idle as u64", setc, nla(idle, struct.pack("=Q", 60)), None, errno.EINVAL, ["length"]),
        ("set: idle flagged nested", setc, nla(idle | NLA_F_NESTED, struct.pack("=I", 60)), None,
         errno.EINVAL, ["NLA_F_NESTED"]),
        ("set: ring 15", setc, u32(ring, 15), None, errno.ERANGE, ["out of range", "min value"]),
        ("set: ring 65537", setc, u32(ring, 65537), None, errno.ERANGE, ["out of range", "max value"]),
        ("set: ipv4 2", setc, u8(A["RSTMON_A_IPV4"], 2), None, errno.ERANGE, ["out of range", "max value"]),
        ("set: notify-rate 0", setc, u32(A["RSTMON_A_NOTIFY_RATE"], 0), None, errno.ERANGE,
         ["out of range", "min value"]),
        ("set: a valid idle with a bad ring", setc, u32(idle, 77) + u32(ring, 3), None, errno.ERANGE,
         ["out of range", "min value"]),
        ("set: a valid idle with an attribute of another op", setc,
         u32(idle, 77) + u8(A["RSTMON_A_FILTER_STATE"], 1), None, errno.EINVAL, ["Unsupported attribute"]),
        ("set: an unknown attribute type", setc, u32(idle, 77) + u32(A["__RSTMON_A_MAX"] + 5, 1), None,
         errno.EINVAL, ["Unknown attribute type"]),
        ("set: an attribute longer than the message", setc,
         struct.pack("=HH", 64, idle) + struct.pack("=I", 77), None, errno.EINVAL, ["leftover", "length"]),
        ("set: trailing bytes", setc, u32(idle, 77) + b"\x01\x02", None, errno.EINVAL, ["leftover"]),
        ("status: an attribute it does not take", A["RSTMON_CMD_GET_STATUS"], u32(idle, 5), None,
         errno.EINVAL, ["Unsupported attribute"]),
        ("events: start-id 0", A["RSTMON_CMD_GET_EVENTS"], nla(A["RSTMON_A_START_ID"], struct.pack("=Q", 0)),
         dump, errno.ERANGE, ["out of range", "min value"]),
        ("conns: a 5-byte address", conns, nla(A["RSTMON_A_FILTER_ADDR"], b"\x0a\0\0\x01\x02"), dump,
         errno.EINVAL, ["4 or 16 bytes"]),
        ("conns: a 2-byte address", conns, nla(A["RSTMON_A_FILTER_ADDR"], b"\x0a\0"), dump,
         errno.ERANGE, ["size out of range"]),
        ("conns: state 200", conns, u8(A["RSTMON_A_FILTER_STATE"], 200), dump, errno.ERANGE,
         ["out of range", "max value"]),
        ("conns: dir 3", conns, u8(A["RSTMON_A_FILTER_DIR"], 3), dump, errno.ERANGE,
         ["out of range", "max value"]),
    ]
    for name, cmd, payload, flags, want_err, words in cases:
        err, msg, _ = g.request(cmd, payload, flags or NLM_F_REQUEST | NLM_F_ACK)
        check(f"raw {name}: {errno.errorcode.get(want_err)}", err == -want_err,
              f"errno {-err} ({os.strerror(-err) if err else 'accepted'}), extack '{msg}'")
        check(f"raw {name}: extack says why", any(w in msg for w in words),
              f"extack '{msg}', wanted one of {words}")
        print(f"# {name}: errno {-err}, extack '{msg}'")
    # Refused by the genetlink core before rstmon sees them: an errno, and
    # still nothing changes.
    core = [
        ("no genetlink header", setc, b"", errno.EINVAL, dict(genlhdr=b"")),
        ("an unknown command", A["__RSTMON_CMD_MAX"] + 3, b"", errno.EOPNOTSUPP, {}),
        ("a dump of a do-only command", A["RSTMON_CMD_GET_STATUS"], b"", errno.EOPNOTSUPP,
         dict(flags=NLM_F_REQUEST | NLM_F_DUMP)),
    ]
    for name, cmd, payload, want_err, kw in core:
        err, msg, _ = g.request(cmd, payload, **kw)
        check(f"raw {name}: {errno.errorcode.get(want_err)}", err == -want_err,
              f"errno {-err}, extack '{msg}'")
    after_cfg, after_st = config(g), status(g)
    check("raw: the settings did not change", after_cfg == before_cfg, f"{before_cfg} -> {after_cfg}")
    check("raw: counters and events did not change", after_st == before_st,
          f"{before_st} -> {after_st}")


def refuse(addr, port, n):
    """n connects to a closed port: n RSTs, each answered at once."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    refused = 0
    for _ in range(n):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect((addr, port))
        except ConnectionRefusedError:
            refused += 1
        except OSError:
            pass
        finally:
            s.close()
    return refused


def event_ids(replies):
    ids = []
    for _, _, _, pl in replies:
        ev = parse_attrs(parse_attrs(pl)[U["RSTMON_A_EVENT"]][0])
        ids.append(scalar(ev[U["RSTMON_E_ID"]][0]))
    return ids


def dump_all(g):
    """One events dump, read datagram by datagram."""
    g.send(U["RSTMON_CMD_GET_EVENTS"], flags=NLM_F_REQUEST | NLM_F_DUMP)
    batches, replies, intr = 0, [], False
    while True:
        batch = g.recv_batch()
        batches += 1
        for typ, fl, seq, pl in batch:
            if typ == NLMSG_DONE:
                return batches, replies, intr, Genl.ack(typ, fl, pl)[0]
            intr |= bool(fl & NLM_F_DUMP_INTR)
            replies.append((typ, fl, seq, pl[4:]))


def dump(addr, port, n):
    g = Genl()
    logged0 = status(g)[1]
    got = refuse(addr, port, n)
    check(f"dump: {n} connects refused", got == n, f"{got}")
    batches, replies, intr, err = dump_all(g)
    ids = event_ids(replies)
    logged = status(g)[1]
    check("dump: ends without error", err == 0, f"{err}")
    check("dump: spans several messages", batches >= 3, f"{batches} datagrams")
    check(f"dump: every event logged ({logged})", len(ids) == logged and logged >= logged0 + n,
          f"{len(ids)} of {logged}")
    check("dump: ids in order, no gap, no repeat", ids == list(range(1, logged + 1)),
          f"{ids[:5]}...{ids[-5:]}")
    check("dump: not flagged interrupted", not intr)
    print(f"# {len(ids)} events in {batches} datagrams")


def intr(addr, port):
    g = Genl()
    setc = U["RSTMON_CMD_SET_CONFIG"]
    err, msg, _ = g.request(setc, u32(U["RSTMON_A_EVENT_RING"], 16))
    check("intr: ring set to 16", err == 0, msg)
    refuse(addr, port, 16)
    # The kernel fills the next datagram of a dump when the reader takes
    # one and its receive queue is under half the buffer.  With a small
    # buffer, peeking at the first datagram leaves the dump waiting there
    # while the ring is overwritten; taking it lets the dump go on.
    d = Genl()
    d.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    d.send(U["RSTMON_CMD_GET_EVENTS"], flags=NLM_F_REQUEST | NLM_F_DUMP)
    first = d.recv_batch(peek=True)
    ids = event_ids([(t, f, s, p[4:]) for t, f, s, p in first if t not in (NLMSG_DONE, NLMSG_ERROR)])
    check("intr: the first datagram has events", len(ids) > 0 and not any(t == NLMSG_DONE for t, *_ in first),
          f"{len(ids)} events, done={any(t == NLMSG_DONE for t, *_ in first)}")
    # Overwrite the whole ring, then read on.
    refuse(addr, port, 40)
    d.recv_batch()
    rest, flagged, done = [], False, False
    while not done:
        for typ, fl, seq, pl in d.recv_batch():
            if typ == NLMSG_DONE:
                done = True
                break
            flagged |= bool(fl & NLM_F_DUMP_INTR)
            rest.append((typ, fl, seq, pl[4:]))
    later = event_ids(rest)
    oldest = status(g)[1] - 16 + 1
    check("intr: the rest is flagged NLM_F_DUMP_INTR", flagged)
    check("intr: it resumes at the oldest event kept", later[:1] == [oldest],
          f"first {later[:1]}, oldest kept {oldest}, first part {ids}")
    check("intr: ids still ascending", ids + later == sorted(set(ids + later)))


def ratelimit(addr, port, n, rate):
    g = Genl()
    setc = U["RSTMON_CMD_SET_CONFIG"]
    err, msg, _ = g.request(setc, u32(U["RSTMON_A_NOTIFY_RATE"], rate))
    check(f"ratelimit: notify-rate set to {rate}", err == 0, msg)
    check("ratelimit: the events group exists", "events" in g.groups, f"{g.groups}")
    lst = Genl()
    lst.s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g.groups["events"])
    drop0 = status(g)[0].get(U["RSTMON_CTR_NOTIFY_DROPPED"], 0)
    logged0 = status(g)[1]
    t0 = time.monotonic()
    got = refuse(addr, port, n)
    secs = time.monotonic() - t0
    logged = status(g)[1] - logged0
    seen = []
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        try:
            seen += [m for m in lst.recv_batch(0.5) if m[0] == g.fam]
        except TimeoutError:
            if len(seen) + status(g)[0].get(U["RSTMON_CTR_NOTIFY_DROPPED"], 0) - drop0 >= logged:
                break
    dropped = status(g)[0].get(U["RSTMON_CTR_NOTIFY_DROPPED"], 0) - drop0
    check(f"ratelimit: {n} RSTs logged", got == n and logged == n, f"refused {got}, logged {logged}")
    bound = rate * (int(secs) + 2)
    check(f"ratelimit: at most {rate}/s delivered", 1 <= len(seen) <= bound,
          f"{len(seen)} in {secs:.2f} s (bound {bound})")
    check("ratelimit: each event delivered or counted as dropped", len(seen) + dropped == n,
          f"{len(seen)} delivered + {dropped} dropped != {n}")
    ids = event_ids([(t, f, s, p[4:]) for t, f, s, p in seen])
    check("ratelimit: the delivered ones in order", ids == sorted(ids) and len(set(ids)) == len(ids), f"{ids}")
    print(f"# {len(seen)} delivered, {dropped} dropped in {secs:.2f} s at rate {rate}")


def listen(rate, ready, seconds=120, done=None):
    g = Genl()
    err, msg, _ = g.request(U["RSTMON_CMD_SET_CONFIG"], u32(U["RSTMON_A_NOTIFY_RATE"], rate))
    if err:
        sys.exit(f"notify-rate {rate}: {msg or os.strerror(-err)}")
    lst = Genl()
    lst.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    lst.s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g.groups["events"])
    open(ready, "w").close()
    n, first, last = 0, None, None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            batch = [m for m in lst.recv_batch(3.0) if m[0] == g.fam]
        except TimeoutError:
            # A quiet spell ends it only once the sender is done (DONE
            # exists): a slow machine may pause a flood for seconds.
            if n and (done is None or os.path.exists(done)):
                break
            continue
        now = time.monotonic()
        first = first or now
        last = now
        n += len(batch)
    print(f"DELIVERED {n} SECONDS {(last - first) if n else 0:.2f}")


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "malformed":
        malformed()
    elif mode == "dump":
        dump(args[0], int(args[1]), int(args[2]))
    elif mode == "intr":
        intr(args[0], int(args[1]))
    elif mode == "listen":
        listen(int(args[0]), args[1], *(int(a) for a in args[2:3]), *args[3:4])
    elif mode == "set":
        attr = "RSTMON_A_" + args[0].upper().replace("-", "_")
        pack = u8 if args[0] in ("ipv4", "ipv6") else u32
        err, msg, _ = Genl().request(U["RSTMON_CMD_SET_CONFIG"], pack(U[attr], int(args[1])))
        if err:
            print(f"set {args[0]} {args[1]}: {os.strerror(-err)}: {msg}", file=sys.stderr)
            sys.exit(1)
    elif mode == "ratelimit":
        ratelimit(args[0], int(args[1]), int(args[2]), int(args[3]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
