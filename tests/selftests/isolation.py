#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Who may see what of rstmon, from one identity in one network namespace.

The requests are packed by nlraw.py (numbers from uapi/linux/rstmon.h).
Each mode prints "ok - NAME" / "not ok - NAME # why" lines and exits 1 if
any check failed.

  isolation.py probe LABEL PRIV [PATH]
        every command of the family, as this identity: PRIV "no" (no
        CAP_NET_ADMIN over this namespace) or "yes" (its administrator);
        /proc/net/rstmon must open for "yes" only; PATH, another
        namespace's /proc/PID/net/rstmon, must not open
  isolation.py listen STOP OUT[@NETNS][+allnsid]...
        one listener per OUT (in namespace NETNS, a /run/netns path, if
        given): try to join the "events" group (and, with allnsid, to
        listen to every namespace with an id there:
        NETLINK_LISTEN_ALL_NSID); write a JSON line with the errnos to OUT,
        create OUT.ready, then one JSON line per notification received
        until STOP exists (at most 300 s)
  isolation.py heard NAME|OUT|JOIN|ALLNSID|N|NETNS|NSID...
        what a listener got: the errno names of joining and of ALL_NSID
        ("-": not tried), N notifications, all of namespace NETNS (inode),
        with NSID ("-": none) in their control message
  isolation.py view SPEC...
        as a namespace's administrator: /proc/net/rstmon, get-status,
        get-events, get-conns and get-cgroups hold this namespace's RSTs
        only; SPEC is JSON: name, netns (optional: a /run/netns path to
        enter first), nets (the address ranges of its traffic), rst4_in,
        rst4_out, rst6_in, rst6_out, cgroup_rsts
  isolation.py refuse [--sport SPORT] ADDR PORT N [ADDR PORT N]...
        N connects to a closed port (from ADDR:SPORT, on loopback)
"""
import ctypes
import errno
import ipaddress
import json
import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nlraw  # noqa: E402
from nlraw import U, Genl, check, nla, parse_attrs, scalar, u8, u32  # noqa: E402

NETLINK_LISTEN_ALL_NSID = 8
DO = nlraw.NLM_F_REQUEST | nlraw.NLM_F_ACK
DUMP = nlraw.NLM_F_REQUEST | nlraw.NLM_F_DUMP

# The permission policy, written out here and not read from module/genl.c:
# a change of an op's flags there must fail this test.  "open": anyone who
# may open the socket (no command is, since reads too take the
# administrator); "admin": CAP_NET_ADMIN over the namespace
# (GENL_UNS_ADMIN_PERM); "none": no such request (notification only).
POLICY = {
    "RSTMON_CMD_UNSPEC": ("none", DO),
    "RSTMON_CMD_GET_STATUS": ("admin", DO),
    "RSTMON_CMD_GET_EVENTS": ("admin", DUMP),
    "RSTMON_CMD_GET_CONFIG": ("admin", DO),
    "RSTMON_CMD_SET_CONFIG": ("admin", DO),
    "RSTMON_CMD_EVENT": ("none", DO),
    "RSTMON_CMD_GET_CONNS": ("admin", DUMP),
    "RSTMON_CMD_RESET_STATS": ("admin", DO),
    "RSTMON_CMD_GET_CGROUPS": ("admin", DUMP),
}

# What a refused set-config would have set: every setting, each changed.
NEW_CONFIG = {"RSTMON_A_IDLE_THRESHOLD": 7, "RSTMON_A_EVENT_RING": 32, "RSTMON_A_IPV4": 0,
              "RSTMON_A_IPV6": 0, "RSTMON_A_NOTIFY_RATE": 3}


def enter(path):
    """Move this process into the network namespace at path."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if hasattr(os, "setns"):
            os.setns(fd, os.CLONE_NEWNET)
        else:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.setns(fd, 0x40000000):
                raise OSError(ctypes.get_errno(), f"setns {path}")
    finally:
        os.close(fd)


def own_inum():
    return os.stat("/proc/self/ns/net").st_ino


def commands():
    """RSTMON_CMD_* of the header, by value."""
    return sorted((v, k) for k, v in U.items() if k.startswith("RSTMON_CMD_"))


def set_config_payload():
    return b"".join((u8 if k in ("RSTMON_A_IPV4", "RSTMON_A_IPV6") else u32)(U[k], v)
                    for k, v in NEW_CONFIG.items())


def host_admin():
    """CAP_NET_ADMIN in the initial user namespace (the host's root)."""
    try:
        if os.readlink("/proc/self/ns/user") != os.readlink("/proc/1/ns/user"):
            return False
    except PermissionError:  # init's namespaces are hidden from the unprivileged
        return False
    with open("/proc/self/status") as f:
        eff = next(int(l.split()[1], 16) for l in f if l.startswith("CapEff:"))
    return bool(eff & (1 << 12))  # CAP_NET_ADMIN


def probe(label, priv, other_path=None):
    g = Genl()
    admin = priv == "yes"
    inum = own_inum()
    # Only the administrator may read the settings (get-config is refused
    # to the others): the settings a refused set-config must not move are
    # compared by the caller, as root (isolation.sh, its snapshots).
    cfg0 = nlraw.config(g) if admin else None
    for val, name in commands():
        if name not in POLICY:
            check(f"{label}: {name} ({val}) of the header has a policy in this test", False,
                  "a new command: say in POLICY who may use it")
            continue
        kind, flags = POLICY[name]
        payload = set_config_payload() if name == "RSTMON_CMD_SET_CONFIG" else b""
        err, msg, replies = g.request(val, payload, flags)
        if kind == "none":
            want = -errno.EOPNOTSUPP
        elif kind == "open" or admin:
            want = 0
        else:
            want = -errno.EPERM
        what = "refused with EPERM" if want == -errno.EPERM else \
            "not a request (EOPNOTSUPP)" if want else "allowed"
        op = name[11:].lower().replace("_", "-")
        check(f"{label}: {op} {what}", err == want,
              f"errno {-err} ({os.strerror(-err) if err else 'allowed'}), extack '{msg}', "
              f"{len(replies)} replies")
        if want and replies:
            check(f"{label}: {op} refused without data", False, f"{len(replies)} replies")
        if name == "RSTMON_CMD_GET_STATUS" and not err:
            a = parse_attrs(replies[0][3])
            got = scalar(a[U["RSTMON_A_NETNS_INUM"]][0])
            check(f"{label}: get-status answers for its own namespace", got == inum,
                  f"netns {got}, own {inum}")
            # The fill of all namespaces: the host's administrator's only.
            has = U["RSTMON_A_CONNS_TOTAL"] in a
            check(f"{label}: get-status {'has' if host_admin() else 'has no'} conns-total "
                  "(all namespaces' fill)", has == host_admin(), f"conns-total present: {has}")
    if admin:
        cfg1 = nlraw.config(g)
        want = dict(cfg0)
        want.update({U[k]: v for k, v in NEW_CONFIG.items()})
        check(f"{label}: set-config changed its own namespace's settings", cfg1 == want,
              f"{cfg0} -> {cfg1}")
        ctr, _ = nlraw.status(g)
        check(f"{label}: reset-stats zeroed its own namespace's RST counters",
              all(ctr.get(U[c], 0) == 0 for c in ("RSTMON_CTR_RST4_IN", "RSTMON_CTR_RST4_OUT",
                                                   "RSTMON_CTR_RST6_IN", "RSTMON_CTR_RST6_OUT")),
              f"{ctr}")
    else:
        # Nor a way to read them around the refusal.
        try:
            nlraw.config(g)
            got = 0
        except OSError as e:
            got = e.errno
        check(f"{label}: settings not readable (get-config refused with EPERM)",
              got == errno.EPERM, f"errno {got} ({os.strerror(got) if got else 'read'})")
    # /proc/net/rstmon: the namespace's administrators only.
    try:
        with open("/proc/net/rstmon") as f:
            first = f.readline()
        got = 0
    except OSError as e:
        got, first = e.errno, ""
    if admin:
        check(f"{label}: /proc/net/rstmon readable, its own namespace's",
              got == 0 and f" netns={inum}" in first, f"errno {got}, '{first.strip()}'")
        total = proc_report()[0].get("table total") if not got else None
        check(f"{label}: /proc total= {'a number' if host_admin() else '-'} (all namespaces' fill)",
              (total or "").isdigit() if host_admin() else total == "-", f"total={total}")
    else:
        check(f"{label}: /proc/net/rstmon refused with EACCES", got == errno.EACCES,
              f"errno {got} ({os.strerror(got) if got else 'opened'})")
    if other_path:
        try:
            open(other_path).close()
            got = 0
        except OSError as e:
            got = e.errno
        check(f"{label}: another namespace's rstmon (/proc/PID/net) refused with EACCES",
              got == errno.EACCES, f"errno {got} ({os.strerror(got) if got else 'opened'})")


def addr(raw):
    return str(ipaddress.ip_address(bytes(raw)))


ADDR_ATTRS = ("RSTMON_E_SRC", "RSTMON_E_DST", "RSTMON_E_NAT_PRE_SRC", "RSTMON_E_NAT_PRE_DST",
              "RSTMON_E_NAT_POST_SRC", "RSTMON_E_NAT_POST_DST")


def event_dict(nest):
    e = parse_attrs(nest)
    return {
        "id": scalar(e[U["RSTMON_E_ID"]][0]),
        "dir": scalar(e[U["RSTMON_E_DIR"]][0]),
        "netns": scalar(e[U["RSTMON_E_NETNS_INUM"]][0]),
        "addrs": [addr(e[U[k]][0]) for k in ADDR_ATTRS if U[k] in e],
        "ports": [struct.unpack("!H", e[U[k]][0][:2])[0]
                  for k in ("RSTMON_E_SPORT", "RSTMON_E_DPORT")],
    }


class Listener:
    def __init__(self, spec):
        allnsid = spec.endswith("+allnsid")
        spec = spec.removesuffix("+allnsid")
        self.out, _, netns = spec.partition("@")
        if netns:
            enter(netns)
        g = Genl()
        self.fam = g.fam
        self.g = Genl()
        res = {"netns": own_inum(), "groups": sorted(g.groups)}
        try:
            if "events" not in g.groups:
                raise OSError(errno.ENOENT, "no events group")
            self.g.s.setsockopt(nlraw.SOL_NETLINK, nlraw.NETLINK_ADD_MEMBERSHIP, g.groups["events"])
            res["join"] = 0
        except OSError as e:
            res["join"] = e.errno
        if allnsid:
            try:
                self.g.s.setsockopt(nlraw.SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, 1)
                res["allnsid"] = 0
            except OSError as e:
                res["allnsid"] = e.errno
        self.f = open(self.out, "w")
        print(json.dumps(res), file=self.f, flush=True)

    def read(self):
        data, anc, _, _ = self.g.s.recvmsg(1 << 16, socket.CMSG_SPACE(4))
        nsid = None
        for lvl, typ, val in anc:
            if lvl == nlraw.SOL_NETLINK and typ == NETLINK_LISTEN_ALL_NSID:
                nsid = struct.unpack("=i", val[:4])[0]
        while len(data) >= 16:
            ln, typ, _, _, _ = struct.unpack_from("=IHHII", data)
            pl = data[16:ln]
            data = data[(ln + 3) & ~3:]
            rec = {"type": typ, "nsid": nsid}
            if typ == self.fam and pl[0] == U["RSTMON_CMD_EVENT"]:
                a = parse_attrs(pl[4:])
                rec.update(event_dict(a[U["RSTMON_A_EVENT"]][0]))
            print(json.dumps(rec), file=self.f, flush=True)


def listen(stop, specs):
    ls = [Listener(spec) for spec in specs]
    for lst in ls:
        open(lst.out + ".ready", "w").close()
    deadline = time.monotonic() + 300
    while not os.path.exists(stop) and time.monotonic() < deadline:
        r, _, _ = select.select([lst.g.s for lst in ls], [], [], 0.1)
        for lst in ls:
            if lst.g.s in r:
                lst.read()


def heard(spec):
    name, path, join, allnsid, n, netns, nsid = spec.split("|")
    nsid = None if nsid == "-" else int(nsid)
    recs = [json.loads(line) for line in open(path)]
    hdr, evs = recs[0], recs[1:]

    def en(e):
        return errno.errorcode.get(e, str(e)) if e else "0"
    check(f"{name}: joining the events group: {join}", en(hdr["join"]) == join, en(hdr["join"]))
    if allnsid != "-":
        check(f"{name}: NETLINK_LISTEN_ALL_NSID: {allnsid}", en(hdr.get("allnsid")) == allnsid,
              en(hdr.get("allnsid")))
    check(f"{name}: {n} notifications while the traffic ran", len(evs) == int(n),
          f"{len(evs)}: {evs[:2]}")
    others = [e for e in evs if str(e.get("netns")) != netns or e.get("nsid") != nsid]
    check(f"{name}: all of netns {netns}" + (f" (nsid {nsid})" if nsid is not None else ""),
          not others, f"{others[:2]}")


def in_nets(addrs, nets):
    return all(any(ipaddress.ip_address(a) in n for n in nets) for a in addrs)


def proc_report():
    """/proc/net/rstmon: (header values by "line key", event lines as dicts)."""
    hdr, events = {}, []
    with open("/proc/net/rstmon") as f:
        for line in f:
            w = line.split()
            kv = dict(x.split("=", 1) for x in w if "=" in x)
            if w[0] == "event":
                events.append(kv)
            else:
                label = " ".join(x for x in w if "=" not in x)
                for k, v in kv.items():
                    hdr[f"{label} {k}"] = v
    return hdr, events


def proc_addr(field):
    """"10.1.0.2:80" or "[fd00:1::2]:80" -> the address."""
    a = field.rsplit(":", 1)[0]
    return a.strip("[]")


def view(spec):
    spec = json.loads(spec)
    name = spec["name"]
    if "netns" in spec:
        enter(spec["netns"])
    nets = [ipaddress.ip_network(n) for n in spec["nets"]]
    want = {k: spec[k] for k in ("rst4_in", "rst4_out", "rst6_in", "rst6_out")}
    total = sum(want.values())
    inum = own_inum()
    g = Genl()

    # /proc/net/rstmon
    hdr, pev = proc_report()
    got = {"rst4_in": int(hdr["rst ipv4 in"]), "rst4_out": int(hdr["rst ipv4 out"]),
           "rst6_in": int(hdr["rst ipv6 in"]), "rst6_out": int(hdr["rst ipv6 out"])}
    got_fwd = int(hdr["rst ipv4 fwd"]) + int(hdr["rst ipv6 fwd"])
    check(f"{name}: /proc is its own namespace's", hdr["rstmon netns"] == str(inum),
          f"netns={hdr['rstmon netns']}, own {inum}")
    check(f"{name}: /proc counts its own RSTs ({total})", got == want and got_fwd == 0,
          f"{got} fwd={got_fwd}, want {want}")
    check(f"{name}: /proc lists {total} events", len(pev) == total and
          hdr["events logged"] == str(total), f"{len(pev)} lines, logged={hdr['events logged']}")
    bad = [e for e in pev if e.get("netns") != str(inum) or
           not in_nets([proc_addr(e["src"]), proc_addr(e["dst"])], nets)]
    check(f"{name}: /proc events all of its own traffic", not bad, f"{bad[:2]}")
    cause = sum(int(v) for k, v in hdr.items() if k.startswith("cause "))
    check(f"{name}: /proc causes add up to its own RSTs", cause == total, f"{cause}")

    # get-status
    a = g.get(U["RSTMON_CMD_GET_STATUS"])
    ctr = {k: scalar(v[0]) for k, v in parse_attrs(a[U["RSTMON_A_COUNTERS"]][0]).items()}
    gst = {"rst4_in": ctr.get(U["RSTMON_CTR_RST4_IN"]), "rst4_out": ctr.get(U["RSTMON_CTR_RST4_OUT"]),
           "rst6_in": ctr.get(U["RSTMON_CTR_RST6_IN"]), "rst6_out": ctr.get(U["RSTMON_CTR_RST6_OUT"])}
    check(f"{name}: get-status is its own namespace's",
          scalar(a[U["RSTMON_A_NETNS_INUM"]][0]) == inum)
    check(f"{name}: get-status counts its own RSTs", gst == want and
          scalar(a[U["RSTMON_A_EVENTS_LOGGED"]][0]) == total,
          f"{gst}, logged {scalar(a[U['RSTMON_A_EVENTS_LOGGED']][0])}, want {want}")
    cc = sum(scalar(parse_attrs(n)[U["RSTMON_CC_COUNT"]][0]) for n in a[U["RSTMON_A_CAUSE_COUNT"]])
    check(f"{name}: get-status causes add up to its own RSTs", cc == total, f"{cc}")
    conns = scalar(a[U["RSTMON_A_CONNS"]][0])

    # get-events
    evs = [event_dict(m[U["RSTMON_A_EVENT"]][0]) for m in g.dump_attrs(U["RSTMON_CMD_GET_EVENTS"])]
    check(f"{name}: get-events dumps {total} events", len(evs) == total, f"{len(evs)}")
    bad = [e for e in evs if e["netns"] != inum or not in_nets(e["addrs"], nets)]
    check(f"{name}: get-events all of its own traffic", not bad, f"{bad[:2]}")
    check(f"{name}: get-events the same events as /proc",
          [e["id"] for e in evs] == [int(e["id"]) for e in pev])

    # get-conns
    cs = []
    for m in g.dump_attrs(U["RSTMON_CMD_GET_CONNS"]):
        c = parse_attrs(m[U["RSTMON_A_CONN"]][0])
        cs.append([addr(parse_attrs(c[U[k]][0])[U["RSTMON_S_ADDR"]][0])
                   for k in ("RSTMON_C_CLIENT", "RSTMON_C_SERVER")])
    bad = [c for c in cs if not in_nets(c, nets)]
    check(f"{name}: get-conns all of its own traffic", not bad, f"{bad[:2]}")
    # The table drops entries as they age: the dump may miss the entries
    # that went since the status, never hold more.
    check(f"{name}: get-conns no more than its own entries ({len(cs)} of {conns})",
          len(cs) <= conns and (total or not conns), f"{len(cs)} dumped, status conns {conns}")

    # get-cgroups: RSTs with a local socket's cgroup
    cg = 0
    for m in g.dump_attrs(U["RSTMON_CMD_GET_CGROUPS"]):
        c = parse_attrs(m[U["RSTMON_A_CGROUP"]][0])
        cg += scalar(c[U["RSTMON_G_RSTS"]][0])
    check(f"{name}: get-cgroups counts its own RSTs ({spec['cgroup_rsts']})",
          cg == spec["cgroup_rsts"], f"{cg}")


def refuse(addr_, port, n, sport=None):
    fam = socket.AF_INET6 if ":" in addr_ else socket.AF_INET
    got = 0
    for _ in range(n):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(5)
        if sport:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr_, sport))
        try:
            s.connect((addr_, port))
        except ConnectionRefusedError:
            got += 1
        except OSError:
            pass
        finally:
            s.close()
    check(f"{n} connects to [{addr_}]:{port} refused" + (f" from port {sport}" if sport else ""),
          got == n, f"{got}")


def main():
    try:
        run()
    except Exception as e:  # a crash is a failure, with a result line saying so
        import traceback
        traceback.print_exc()
        nlraw.check(f"isolation.py {' '.join(sys.argv[1:3])}: ran to its end", False,
                    f"{type(e).__name__}: {e}")
    sys.exit(1 if nlraw.FAILED else 0)


def run():
    mode, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if mode == "probe":
        probe(args[0], args[1], args[2] if len(args) > 2 else None)
    elif mode == "listen":
        listen(args[0], args[1:])
    elif mode == "heard":
        for spec in args:
            heard(spec)
    elif mode == "view":
        for spec in args:
            view(spec)
    elif mode == "refuse":
        sport = None
        if args[:1] == ["--sport"]:
            sport, args = int(args[1]), args[2:]
        for i in range(0, len(args), 3):
            refuse(args[i], int(args[i + 1]), int(args[i + 2]), sport)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
