#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fault injection sweeps (failslab with /proc/thread-self/fail-nth).

Writing N to /proc/thread-self/fail-nth makes the N-th fault-injectable
slab allocation of this thread fail; reading it back after the operation
tells whether the fault was consumed (0) or the operation made fewer
allocations (the sweep is over).  It is per task, reset on fork, and only
counts allocations made in task context, so this process arms it and makes
the system calls itself, nothing in between.  Each operation is swept with
N = 1, 2, ... until it runs to its end without consuming the fault (at most
MAX_STEPS steps and BUDGET seconds), and every step is checked: the
operation succeeded, or failed with a clear errno and left nothing behind,
and what failed inside rstmon is counted where rstmon counts it.  A kernel
report in the kernel log during a step fails it.

Two operations run kernel code with bugs of its own on error paths
(Linux 6.12), which the sweeps must not reach: module load skips the fault
points inside kmem_cache_create() after its first (a failing sysfs part
leaks the cache's kobject name), and namespace init fails only rstmon's own
allocations, not the other subsystems' (fib4_rules_init()'s unwinding
walks an RCU list unlocked).  Where those are is found in a trace of the
operation's allocations (tracefs kmem and percpu events, see Trace).

  failnth.py load KO PARAMS PID  finit_module() of KO with PARAMS (rstmon
                                 unloaded; three namespaces or more besides
                                 the initial one, PID in one): a refused
                                 load leaves no module, no /proc/net/rstmon
                                 (here and in PID's namespace), no family; a
                                 load that succeeds is whole and unloads
  failnth.py netns               unshare(CLONE_NEWNET), each of rstmon's
                                 allocations failing in turn: a refused
                                 namespace leaves this process where it was
                                 and rstmon's part undone, a new one has its
                                 /proc/net/rstmon
  failnth.py connect ADDR PORT   connect() to a listener here: the SYN's
                                 entry is made in this task; a failed one is
                                 counted (nomem) and the connection tracked
                                 from its next segment
  failnth.py abort ADDR PORT     SO_LINGER 0 close() of an established
                                 connection: the RST's event is logged and
                                 notified, or the notification counted as
                                 dropped
  failnth.py netlink ADDR PORT   every command of the family; SET_CONFIG
                                 changes all or nothing
  failnth.py proc                open and read /proc/net/rstmon

Each mode prints TAP lines ("ok - ..." / "not ok - ... # why") and
"# OPERATION: N fault points swept, ..." and exits 1 if a check failed.
MAX_STEPS and BUDGET come from the environment (FAILNTH_MAX_STEPS,
FAILNTH_BUDGET); FAILNTH_VERBOSE=1 shows each try of the namespace sweep.
"""
import ctypes
import errno
import fcntl
import os
import re
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nlraw as nl  # noqa: E402  (the uapi numbers, packing, Genl)

U = nl.U
MAX_STEPS = int(os.environ.get("FAILNTH_MAX_STEPS", "2000"))
BUDGET = float(os.environ.get("FAILNTH_BUDGET", "240"))
# x86_64 numbers; UML on x86_64 runs the host's table.
SYSCALLS = {
    "x86_64": {"finit_module": 313, "delete_module": 176, "unshare": 272},
    "aarch64": {"finit_module": 273, "delete_module": 106, "unshare": 97},
}
CLONE_NEWNET = 0x40000000
# What in a kernel log line is a report (as tests/vm/kernel-reports.sh).
REPORT = re.compile(
    r"BUG: |WARNING: |KASAN|UBSAN|kernel BUG|Oops|general protection|"
    r"possible (recursive|circular) locking|inconsistent lock state|lockdep|"
    r"suspicious RCU usage|rcu_sched (self-)?detected stall|INFO: rcu|RCU stall|"
    r"unreferenced object|kmemleak: .*leak|ODEBUG|list_(add|del) corruption|"
    r"Kernel panic|soft lockup|hard LOCKUP|hung_task|blocked for more than")
CLEAR = (errno.ENOMEM, errno.ENOBUFS)
FAR = 1000000
VERBOSE = os.environ.get("FAILNTH_VERBOSE") == "1"

check = nl.check
libc = ctypes.CDLL(None, use_errno=True)


def ename(e):
    return errno.errorcode.get(e, str(e)) if isinstance(e, int) else str(e)


NR = SYSCALLS.get(os.uname().machine, {})


def syscall(name, *args):
    rc = libc.syscall(ctypes.c_long(NR[name]), *args)
    return rc, (ctypes.get_errno() if rc < 0 else 0)


class Fault:
    """This thread's fail-nth."""

    def __init__(self):
        self.fd = os.open("/proc/thread-self/fail-nth", os.O_RDWR | os.O_CLOEXEC)
        self.disarm()

    def arm(self, n):
        os.write(self.fd, b"%d" % n)

    def disarm(self):
        """True when the armed fault was consumed."""
        self.left = int(os.pread(self.fd, 32, 0))
        if self.left:
            os.write(self.fd, b"0")
        return self.left == 0

    def count(self, op):
        """Fault points of OP (run with a fault armed beyond its end)."""
        self.arm(FAR)
        res = op()
        if self.disarm():
            raise RuntimeError(f"more than {FAR} fault points")
        return res, FAR - self.left


class Kmsg:
    """New kernel log lines since the last look."""

    def __init__(self):
        self.fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        os.lseek(self.fd, 0, os.SEEK_END)

    def lines(self):
        out = []
        while True:
            try:
                rec = os.read(self.fd, 8192)
            except BlockingIOError:
                return out
            except BrokenPipeError:     # overwritten before read
                continue
            if not rec:
                return out
            out.append(rec.decode(errors="replace").split(";", 1)[-1].split("\n")[0])


class Sweep:
    """Fault points N = FIRST, FIRST + 1, ... of one operation.  STEP(n)
    arms, runs, disarms and checks, returning (consumed, kind, detail):
    kind "clean" (failed with a clear error, detail says which), "counted"
    (an allocation of rstmon's failed and rstmon counted it or reported it
    itself, detail how), "absorbed" (the fault was
    taken and the operation still succeeded: a fallback, or an allocation
    whose failure costs nothing) or "bad" (detail says why).  AFTER(n,
    lines), given the kernel log lines of the step, may return the next N
    (points skipped) or a reason the step was bad."""

    def __init__(self, name):
        self.name = name
        self.kmsg = Kmsg()
        self.points = 0
        self.kinds = {"clean": 0, "counted": 0, "absorbed": 0}
        self.details = {}
        self.bad = []
        self.rstmon_lines = {}
        self.skipped = []
        self.finished = False
        self.secs = 0.0

    def count(self, kind, detail):
        key = f"{kind} {detail}"
        self.details[key] = self.details.get(key, 0) + 1

    STOP = -1

    def run(self, step, first=1, after=None, skips=True):
        """SKIPS: a jump forward leaves points out (else AFTER picks the
        next point to try, forward or back)."""
        t0 = time.monotonic()
        n, steps = first, 0
        while steps < MAX_STEPS and time.monotonic() - t0 < BUDGET:
            steps += 1
            try:
                consumed, kind, detail = step(n)
            except Exception as e:     # a broken step is a failure, not a crash
                consumed, kind, detail = True, "bad", f"{type(e).__name__}: {e}"
            lines = self.kmsg.lines()
            for line in lines:
                if REPORT.search(line):
                    self.bad.append(f"step {n}: kernel log: {line}")
                elif line.startswith("rstmon: ") and "loaded" not in line:
                    key = re.sub(r"\d+", "N", line)
                    self.rstmon_lines[key] = self.rstmon_lines.get(key, 0) + 1
            if not consumed:
                # The fault-free run: the operation must simply work.
                if kind != "absorbed":
                    self.bad.append(f"fault-free run: {kind} {detail}")
                self.finished = True
                break
            self.points += 1
            if kind == "bad":
                self.bad.append(f"step {n}: {detail}")
            else:
                self.kinds[kind] += 1
                if detail:
                    self.count(kind, detail)
            nxt = after(n, lines) if after else None
            if isinstance(nxt, str):
                self.bad.append(f"step {n}: {nxt}")
                nxt = None
            if nxt == self.STOP:
                self.finished = True
                break
            if nxt is not None and nxt > n + 1 and skips:
                self.skipped.append((n + 1, nxt - 1))
            n = nxt if nxt is not None and nxt >= 1 else n + 1
        self.secs = time.monotonic() - t0
        return self

    def report(self, end="a run without a fault"):
        name = self.name
        bad = "; ".join(self.bad[:6]) + (f" (and {len(self.bad) - 6} more)" if len(self.bad) > 6 else "")
        check(f"{name}: each of {self.points} fault points failed cleanly, was counted or absorbed",
              not self.bad, bad)
        check(f"{name}: the sweep reached {end}", self.finished,
              f"stopped after {self.points} points, {self.secs:.0f} s")
        k = self.kinds
        skipped = sum(b - a + 1 for a, b in self.skipped)
        print(f"# {name}: {self.points} fault points swept, {k['clean']} failed cleanly, "
              f"{k['counted']} inside rstmon (counted or reported), {k['absorbed']} absorbed, "
              f"{len(self.bad)} bad" + (f", {skipped} skipped" if skipped else "") +
              f", {self.secs:.1f} s")
        for key, v in sorted(self.details.items()):
            print(f"#   {v} x {key}")
        for key, v in sorted(self.rstmon_lines.items()):
            print(f"#   kernel log {v} x: {key}")
        for a, b in self.skipped:
            print(f"#   skipped points {a}..{b}")
        return self


class Trace:
    """The slab and percpu allocations of this task during one operation
    (tracefs kmem and percpu events), in the order failslab counts them.

    failslab counts an allocation in slab_pre_alloc_hook(); its trace
    event comes after slab_post_alloc_hook(), where kmemleak allocates its
    own record of the object (traced first, counted second).  Not counted:
    large kmallocs (the page allocator), __GFP_NOFAIL, the kmem_cache
    bootstrap cache, and what runs in interrupt context."""

    EVENTS = ("kmem/kmalloc", "kmem/kmem_cache_alloc", "percpu/percpu_alloc_percpu",
              "percpu/percpu_free_percpu")
    LINE = re.compile(r"^\s*(.+)-(\d+)\s+\[(\d+)\]\s+(\S+)\s+[\d.]+:\s+(\w+):\s+(.*)$")
    # allocations inside another's: kmemleak's record of it, memcg's vector
    CHILD = re.compile(r"^(mem_pool_alloc|__alloc_object|__create_object|create_object|"
                       r"alloc_slab_obj_exts)\+")
    # kmem_cache_create()'s allocation from the kmem_cache cache itself
    BOOTSTRAP = re.compile(r"^(create_cache|__kmem_cache_create_args|__kmem_cache_create)\+")
    # debugobjects refills its pool whenever it runs low: points that come
    # and go from one run to the next
    JITTER = re.compile(r"^(fill_pool|__fill_pool)\+")

    def __init__(self):
        self.root = "/sys/kernel/tracing"
        if not os.path.exists(f"{self.root}/events/kmem/kmalloc"):
            self.root = "/sys/kernel/debug/tracing"
        self.was_on = self.read("tracing_on").strip()
        size = self.read("buffer_size_kb")
        self.was_size = (re.search(r"expanded: (\d+)", size) or re.search(r"(\d+)", size)).group(1)
        self.write("tracing_on", "0")
        self.write("buffer_size_kb", "8192")
        for e in self.EVENTS:
            self.write(f"events/{e}/filter", f"common_pid == {os.getpid()}")
            self.write(f"events/{e}/enable", "1")
        self.marker = os.open(f"{self.root}/trace_marker", os.O_WRONLY | os.O_CLOEXEC)

    def read(self, f):
        with open(f"{self.root}/{f}") as fh:
            return fh.read()

    def write(self, f, v):
        with open(f"{self.root}/{f}", "w") as fh:
            fh.write(v)

    def close(self):
        for e in self.EVENTS:
            self.write(f"events/{e}/enable", "0")
            self.write(f"events/{e}/filter", "0")
        self.write("trace", "")
        self.write("buffer_size_kb", self.was_size)
        self.write("tracing_on", self.was_on)
        os.close(self.marker)

    def start(self):
        self.write("trace", "")
        self.write("tracing_on", "1")
        os.write(self.marker, b"FAILNTH-BEGIN")

    def stop(self):
        """The events between start() and now: dicts with "event", "task"
        (task context) and the event's fields."""
        os.write(self.marker, b"FAILNTH-END")
        self.write("tracing_on", "0")
        events, inside = [], False
        for line in self.read("trace").splitlines():
            if "FAILNTH-BEGIN" in line:
                inside = True
                continue
            if "FAILNTH-END" in line:
                break
            m = self.LINE.match(line)
            if not inside or not m:
                continue
            ev = dict(kv.split("=", 1) for kv in m.group(6).split() if "=" in kv)
            ev["event"] = m.group(5)
            ev["task"] = len(m.group(4)) < 3 or m.group(4)[2] not in "hHsSzZ"
            events.append(ev)
        return events

    @classmethod
    def points(cls, events):
        """The events in failslab's order, each with "point": its fault
        point number (from 1), or None when failslab does not count it."""
        out, children = [], []
        for ev in events:
            slab = ev["event"] in ("kmalloc", "kmem_cache_alloc")
            if slab and cls.CHILD.match(ev.get("call_site", "")):
                children.append(ev)
                continue
            if ev["event"] == "percpu_alloc_percpu":
                # kmemleak records a percpu area before its event too, but
                # the area is no slab object: its record comes first.
                out += children + [ev]
            else:
                out += [ev] + children
            children = []
        out += children
        n = 0
        for ev in out:
            counted = ev["event"] in ("kmalloc", "kmem_cache_alloc") and ev["task"] and \
                int(ev.get("bytes_req", "0")) <= 8192 and "__GFP_NOFAIL" not in ev.get("gfp_flags", "") and \
                not (ev["event"] == "kmem_cache_alloc" and cls.BOOTSTRAP.match(ev.get("call_site", "")))
            if counted:
                n += 1
            ev["point"] = n if counted else None
            ev["before"] = n        # points counted up to here
        return out

    @staticmethod
    def failed(events):
        """The allocations that returned NULL."""
        return [ev for ev in events if ev["event"] in ("kmalloc", "kmem_cache_alloc") and
                ev.get("ptr") in ("0000000000000000", "00000000", "(null)")]


def stats_size():
    """sizeof(struct rstmon_stats): the size of rstmon's per-namespace
    percpu counters, the allocation that marks its namespace init in a
    trace (enum rstmon_stat of module/rstmon.h and the uapi's enums, then
    the untracked-RST window: an unsigned long and an unsigned int, 16
    bytes with padding; module/netns.c checks this sum at build time)."""
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")
    text = re.sub(r"/\*.*?\*/", "", open(os.path.join(top, "module/rstmon.h")).read(), flags=re.S)
    body = re.search(r"enum\s+rstmon_stat\s*{(.*?)}", text, flags=re.S).group(1)
    nr = [x.strip() for x in body.split(",") if x.strip()].index("RSTMON_STAT_NR")
    return 8 * (nr + U["__RSTMON_DIR_MAX"] * U["__RSTMON_CAUSE_MAX"]) + 16


def traced(fault, op, warm=True):
    """OP without a fault (after one run to warm up, WARM: a first run
    makes allocations later ones do not), traced: (result, its fault
    points, the events in failslab's order)."""
    if warm:
        fault.count(op)
    tr = Trace()
    tr.start()
    try:
        res, total = fault.count(op)
        events = Trace.points(tr.stop())
    finally:
        tr.close()
    return res, total, events


def pernet_markers(events):
    """(fault points before rstmon's stats allocation, its ptr) for each
    namespace init of rstmon in EVENTS (from Trace.points())."""
    size = str(stats_size())
    return [(ev["before"], ev.get("ptr")) for ev in events
            if ev["event"] == "percpu_alloc_percpu" and ev.get("size") == size]


# ------------------------------------------------------------ helpers

def proc_report(path="/proc/net/rstmon"):
    with open(path) as f:
        return f.read()


def report_value(text, line, key):
    for ln in text.splitlines():
        if ln.startswith(line + " ") or ln == line:
            for w in ln.split():
                if w.startswith(key + "="):
                    return int(w.split("=", 1)[1])
    raise KeyError(f"{line} {key}")


def families():
    """Generic netlink families by name, from a dump of the controller (a
    lookup by name would load rstmon on demand)."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, nl.NETLINK_GENERIC)
    s.bind((0, 0))
    body = struct.pack("=BBH", nl.CTRL_CMD_GETFAMILY, 1, 0)
    s.send(struct.pack("=IHHII", 16 + len(body), nl.GENL_ID_CTRL,
                       nl.NLM_F_REQUEST | nl.NLM_F_DUMP, 1, 0) + body)
    names = set()
    while True:
        data = s.recv(1 << 16)
        while len(data) >= 16:
            ln, typ, _, _, _ = struct.unpack_from("=IHHII", data)
            if typ in (nl.NLMSG_DONE, nl.NLMSG_ERROR):
                s.close()
                return names
            a = nl.parse_attrs(data[20:ln])
            if nl.CTRL_ATTR_FAMILY_NAME in a:
                names.add(a[nl.CTRL_ATTR_FAMILY_NAME][0].rstrip(b"\0").decode())
            data = data[(ln + 3) & ~3:]


def conns_of_port(g, port):
    """(state, dir) of the tracked connections with PORT at one end."""
    out = []
    for a in g.dump_attrs(U["RSTMON_CMD_GET_CONNS"], nl.nla(U["RSTMON_A_FILTER_PORT"], struct.pack("!H", port))):
        c = nl.parse_attrs(a[U["RSTMON_A_CONN"]][0])
        out.append((nl.scalar(c[U["RSTMON_C_STATE"]][0]), nl.scalar(c[U["RSTMON_C_DIR"]][0])))
    return out


def netstat(key):
    """A TcpExt counter of this namespace."""
    with open("/proc/net/netstat") as f:
        lines = f.read().splitlines()
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            return int(dict(zip(names.split()[1:], values.split()[1:]))[key])
    raise KeyError(key)


def listener(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(128)
    s.settimeout(5)
    return s


def accept_from(lst, port):
    """The accepted connection whose peer port is PORT (others go)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        a, peer = lst.accept()
        if peer[1] == port:
            return a
        a.close()
    raise TimeoutError(f"no connection from port {port}")


def lo_up():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ifr = fcntl.ioctl(s, 0x8913, struct.pack("16sH22x", b"lo", 0))     # SIOCGIFFLAGS
    flags = struct.unpack_from("16sH", ifr)[1]
    fcntl.ioctl(s, 0x8914, struct.pack("16sH22x", b"lo", flags | 1))   # SIOCSIFFLAGS
    s.close()


def refused(addr, port=9):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect((addr, port))
        return "CONNECTED"
    except OSError as e:
        return ename(e.errno)
    finally:
        s.close()


# ------------------------------------------------------------ module load

def unload():
    deadline = time.monotonic() + 10
    while True:
        rc, e = syscall("delete_module", ctypes.c_char_p(b"rstmon"), ctypes.c_long(os.O_NONBLOCK))
        if rc == 0 or e not in (errno.EAGAIN, errno.EBUSY) or time.monotonic() > deadline:
            return rc, e
        time.sleep(0.05)


def sweep_load(fault, ko, params, pid):
    fd = os.open(ko, os.O_RDONLY | os.O_CLOEXEC)
    argp = ctypes.c_char_p(params.encode())
    other = f"/proc/{pid}/net/rstmon"

    def load():
        rc, e = syscall("finit_module", ctypes.c_long(fd), argp, ctypes.c_long(0))
        return rc, e

    def load_unload():
        rc, e = load()
        if rc == 0:
            unload()
        return rc, e

    def loaded():
        return os.path.exists("/sys/module/rstmon")

    def leftovers():
        left = []
        if loaded():
            left.append("/sys/module/rstmon")
        with open("/proc/modules") as f:
            if any(ln.startswith("rstmon ") for ln in f):
                left.append("/proc/modules")
        for p in ("/proc/net/rstmon", other):
            if os.path.exists(p):
                left.append(p)
        if "rstmon" in families():
            left.append("the genetlink family")
        return left

    def step(n):
        if loaded():
            return True, "bad", "rstmon loaded before the step"
        fault.arm(n)
        rc, e = load()
        consumed = fault.disarm()
        if rc != 0:
            left = leftovers()
            if left:
                return consumed, "bad", f"load refused ({ename(e)}) but left {', '.join(left)}"
            if e not in CLEAR:
                return consumed, "bad", f"load refused with {ename(e)}"
            return consumed, "clean", ename(e)
        # Loaded in spite of the fault: it must be whole, and unload.
        missing = []
        with open("/sys/module/rstmon/initstate") as f:
            if f.read().strip() != "live":
                missing.append("initstate live")
        for p in ("/proc/net/rstmon", other):
            if not os.path.exists(p):
                missing.append(p)
        if "rstmon" not in families():
            missing.append("the genetlink family")
        rc, e = unload()
        if rc != 0:
            return consumed, "bad", f"loaded, then unload failed: {ename(e)}"
        if missing:
            return consumed, "bad", f"loaded without {', '.join(missing)}"
        left = leftovers()
        if left:
            return consumed, "bad", f"unloaded but left {', '.join(left)}"
        return consumed, "absorbed", None

    # kmem_cache_create() leaks the kobject's name when its sysfs part
    # fails (mm/slub.c sysfs_slab_add(), 6.12): a kernel bug.  At the
    # cache's first fault point (its name: rstmon says "cannot create the
    # connection cache"), a traced load without a fault tells how far on the
    # last namespace's init begins (rstmon's percpu counters mark each), and
    # the sweep goes on there.  Counted without debugobjects' refills, which
    # come and go: a load that has some lands earlier, in the namespace
    # inits before the last one, never back in the cache's.
    cache = []

    def after(n, lines):
        if not any("cannot create the connection cache" in ln for ln in lines):
            return None
        if cache:
            return "a fault inside kmem_cache_create() after the skip"
        cache.append(n)
        (rc, e), total, events = traced(fault, load_unload, warm=False)
        name = [ev for ev in events if ev["point"] and ev["event"] == "kmalloc" and
                ev.get("call_site", "").startswith(("__kmem_cache_create_args+", "kstrdup_const+"))]
        marks = pernet_markers(events)
        if rc or not name or len(marks) < 4:
            return f"calibration: load {ename(e)}, the cache's name at {name[:1]}, namespace inits at {marks}"
        last = marks[-1][0] - 2    # the last namespace's rstmon_net, its record
        span = sum(1 for ev in events if ev["point"] and name[0]["point"] <= ev["point"] < last and
                   not Trace.JITTER.match(ev.get("call_site", "")))
        print(f"# module load: {total} fault points; the cache's from {name[0]['point']}, the "
              f"namespace inits from {[m - 2 for m, _ in marks]}; fault {n} was the cache's first")
        return n + span

    s = Sweep("module load").run(step, after=after).report()
    if s.skipped:
        print("#   (kmem_cache_create(): its failures leak in mm/slub.c sysfs_slab_add())")
    check("module load: the connection cache's failure was reached", cache, "no step failed there")
    os.close(fd)
    return s


# ------------------------------------------------------------ namespace init

# Where rstmon_net_init() allocates (ops_init() allocates its rstmon_net).
RSTMON_SITES = re.compile(r"^(rstmon_|nf_hook_entries_grow|xas_alloc|__proc_create|proc_register|"
                          r"__kvmalloc|kvmalloc|kstrdup)")


def rstmon_part(events, size):
    """rstmon's part of a namespace's init in a trace (Trace.points()):
    [(identity, point)] from ops_init()'s allocation of its rstmon_net (of
    SIZE bytes) to its last hook; an identity names an allocation the same
    way in every run ("nf_hook_entries_grow#3", "ops_init#1/2" for the
    second kmemleak record after it).  Allocations of debugobjects'
    refills are left out."""
    slab = ("kmalloc", "kmem_cache_alloc")
    start = [i for i, ev in enumerate(events) if ev["event"] in slab and ev.get("bytes_req") == size and
             ev.get("call_site", "").startswith("ops_init+")]
    if not start:
        return []
    part, seen, parent, kids = [], {}, None, 0
    for ev in events[start[0]:]:
        site = ev.get("call_site", "")
        if ev["event"] not in slab:
            continue
        if Trace.CHILD.match(site):
            if parent:
                kids += 1
                part.append((f"{parent}/{kids}", ev["point"]))
            continue
        if Trace.JITTER.match(site):
            parent = None
            continue
        if part and not RSTMON_SITES.match(site):
            break
        func = site.split("+")[0]
        seen[func] = seen.get(func, 0) + 1
        parent, kids = f"{func}#{seen[func]}", 0
        part.append((parent, ev["point"]))
    return [(ident, pt) for ident, pt in part if pt]


def sweep_netns(fault):
    """Each of rstmon's allocations in a namespace's init is made to fail
    in turn.  The rest of the init (other subsystems) is not swept: it has
    kernel bugs of its own on its error paths (6.12: fib4_rules_init()'s
    unwinding walks an RCU list unlocked).  Which fault point an allocation
    is varies from one unshare to the next (debugobjects refills its pool
    when it runs low, and so on): each try's trace tells which allocation
    failed, and where the wanted one was."""
    def inum():
        return os.stat("/proc/thread-self/ns/net").st_ino

    def unshare():
        return syscall("unshare", ctypes.c_long(CLONE_NEWNET))

    (rc, e), total, events = traced(fault, unshare)
    marks = pernet_markers(events)
    check("namespace init: an unshare without a fault", rc == 0, ename(e))
    check("namespace init: rstmon's init found in a trace", len(marks) == 1, f"{marks}")
    if rc != 0 or len(marks) != 1:
        return None
    i = next(k for k, ev in enumerate(events) if ev["event"] == "percpu_alloc_percpu" and
             ev["before"] == marks[0][0])
    size = [ev for ev in events[:i] if ev["point"] and ev.get("call_site", "").startswith("ops_init+")][-1]
    size = size["bytes_req"]
    targets = rstmon_part(events, size)
    where = {ident: pt for ident, pt in targets}
    print(f"# namespace init: {total} fault points; rstmon's {len(targets)}: "
          f"{', '.join(f'{pt} {ident}' for ident, pt in targets)}")
    hit, undone, outside = set(), [], []
    state = {}

    def step(n):
        before = inum()
        tr.start()
        fault.arm(n)
        rc, e = unshare()
        consumed = fault.disarm()
        evs = Trace.points(tr.stop())
        after = inum()
        part = rstmon_part(evs, size)
        failed = {id(ev) for ev in Trace.failed(evs)}
        got = [ev["point"] for ev in evs if id(ev) in failed and ev["point"]]
        ident = next((i for i, pt in part if got and pt == got[0]), None)
        state.update(ident=ident, refills=refills(evs, part[0][1]) if part else None)
        if VERBOSE:
            fails = [(ev["point"], ev.get("call_site")) for ev in evs if id(ev) in failed]
            print(f"#   try {n}: rc {rc} {ename(e) if rc else ''}: {ident or fails}; "
                  f"rstmon's from {part[0][1] if part else '-'}, after {state['refills']} refills")
        if ident:
            hit.add(ident)
        mk = pernet_markers(evs)
        freed = {ev.get("ptr") for ev in evs if ev["event"] == "percpu_free_percpu"}
        if rc != 0:
            if after != before:
                return consumed, "bad", f"unshare failed ({ename(e)}) but the namespace changed"
            if mk and mk[0][1] not in freed:
                return consumed, "bad", "failed after rstmon's init, which was not undone (stats not freed)"
            if mk:
                undone.append(n)
            if not ident:
                # Another subsystem's allocation: its errno is its own.
                outside.append(n)
                return consumed, "clean", f"{ename(e)}, outside rstmon's part" + \
                    (", rstmon's init undone" if mk else "")
            if e not in CLEAR:
                return consumed, "bad", f"unshare failed with {ename(e)} ({ident} failed)"
            return consumed, "clean", ename(e) + (", rstmon's init undone" if mk else "")
        if after == before:
            return consumed, "bad", "unshare succeeded but the namespace is the same"
        if not ident:
            outside.append(n)
        text = proc_report("/proc/thread-self/net/rstmon")
        if not text.startswith("rstmon version=") or report_value(text, "table", "conns") != 0 or \
           report_value(text, "events", "logged") != 0:
            return consumed, "bad", f"a new namespace's report: {text.splitlines()[:3]}"
        return consumed, "absorbed", None

    # Each target in turn.  The points before rstmon's part vary by
    # debugobjects' refills (16 allocations each): a try aims at a target's
    # point less the calibration's refills plus the refills seen most often
    # so far; at most 40 tries each (a try is one unshare: cheap; on a
    # loaded machine the refills vary more, and 10 tries once missed one).
    def refills(evs, upto):
        return sum(1 for ev in evs if ev["point"] and ev["point"] < upto and
                   Trace.JITTER.match(ev.get("call_site", "")))

    offset = {ident: pt - refills(events, pt) for ident, pt in targets}
    seen = {refills(events, targets[0][1]): 1}
    queue = [ident for ident, _ in targets]
    tries = 0

    def aim():
        return offset[queue[0]] + max(seen, key=lambda j: (seen[j], -j))

    def after(n, lines):
        nonlocal tries
        if state.get("refills") is not None:
            seen[state["refills"]] = seen.get(state["refills"], 0) + 1
        tries += 1
        while queue and (queue[0] in hit or tries > 40):
            queue.pop(0)
            tries = 0
        return aim() if queue else Sweep.STOP

    tr = Trace()
    try:
        s = Sweep("namespace init").run(step, first=aim(), after=after, skips=False)
    finally:
        tr.close()
    s.finished = not queue
    s.report("each of rstmon's allocations")
    missed = [ident for ident, _ in targets if ident not in hit]
    check(f"namespace init: each of rstmon's {len(targets)} allocations failed once", not missed,
          f"never failed: {missed}")
    print(f"#   {len(outside)} tries fell outside rstmon's part")
    check("namespace init: failures after rstmon's init undid it (its counters freed)", undone,
          "no failing step had rstmon's init done")
    # A namespace made without a fault works: its hooks see a refused
    # connect and log both RSTs.
    (rc, e), _ = fault.count(unshare)
    check("namespace init: then one without a fault", rc == 0, ename(e))
    lo_up()
    got = refused("127.0.0.1")
    text = proc_report("/proc/thread-self/net/rstmon")
    check("namespace init: the new namespace tracks a refused connect",
          got == "ECONNREFUSED" and report_value(text, "rst ipv4", "out") == 1 and
          report_value(text, "rst ipv4", "in") == 1 and report_value(text, "events", "logged") == 2,
          f"{got}: {text.splitlines()[:8]}")
    return s


# ------------------------------------------------------------ entry creation

def sweep_connect(fault, addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    lst = listener(addr, port)
    g = nl.Genl()
    est = U["RSTMON_ST_ESTABLISHED"]

    def step(n):
        nomem0 = report_value(proc_report(), "table", "nomem")
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(5)
        err = None
        fault.arm(n)
        try:
            s.connect((addr, port))
        except socket.timeout:
            err = "timeout"
        except OSError as e:
            err = e.errno
        consumed = fault.disarm()
        nomem = report_value(proc_report(), "table", "nomem") - nomem0
        if nomem not in (0, 1):
            s.close()
            return consumed, "bad", f"nomem moved by {nomem} for one connect"
        if err is not None:
            s.close()
            if err not in CLEAR:
                return consumed, "bad", f"connect failed with {ename(err)}"
            return consumed, "clean", f"connect {ename(err)}" + (" (nomem counted)" if nomem else "")
        lport = s.getsockname()[1]
        a = accept_from(lst, lport)
        conns = conns_of_port(g, lport)
        a.close()
        s.close()
        if len(conns) != 1 or conns[0][0] != est:
            return consumed, "bad", f"connection from port {lport} tracked as {conns}"
        return consumed, ("counted" if nomem else "absorbed"), ("nomem" if nomem else None)

    s = Sweep(f"entry creation ({'IPv6' if fam == socket.AF_INET6 else 'IPv4'})").run(step).report()
    check(f"{s.name}: a failed entry allocation was reached and counted (nomem)",
          s.kinds["counted"] > 0, "no step moved nomem")
    lst.close()
    return s


# ------------------------------------------------------------ event logging

def sweep_abort(fault, addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    lst = listener(addr, port)
    g = nl.Genl()
    ev = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, nl.NETLINK_GENERIC)
    ev.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    ev.bind((0, 0))
    ev.setsockopt(nl.SOL_NETLINK, nl.NETLINK_ADD_MEMBERSHIP, g.groups["events"])
    rst = "RSTMON_CTR_RST4_" if fam == socket.AF_INET else "RSTMON_CTR_RST6_"
    OUT, IN, DROP = U[rst + "OUT"], U[rst + "IN"], U["RSTMON_CTR_NOTIFY_DROPPED"]

    def notifications(timeout):
        """Events notified so far; None once the listener lost some."""
        n = 0
        while select.select([ev], [], [], timeout)[0]:
            try:
                data = ev.recv(1 << 16)
            except OSError as e:
                if e.errno == errno.ENOBUFS:
                    return None
                raise
            while len(data) >= 16:
                ln, typ = struct.unpack_from("=IH", data)
                n += typ == g.fam
                data = data[(ln + 3) & ~3:]
            timeout = 0
        return n

    def counters():
        ctr, logged = nl.status(g)
        return ctr.get(OUT, 0), ctr.get(IN, 0), ctr.get(DROP, 0), logged

    def step(n):
        c = socket.create_connection((addr, port), timeout=5)
        a = accept_from(lst, c.getsockname()[1])
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        notifications(0)
        out0, in0, drop0, logged0 = counters()
        failed0 = netstat("TCPAbortFailed")
        fd = c.detach()
        fault.arm(n)
        os.close(fd)
        consumed = fault.disarm()
        out = counters()[0] - out0
        # The RST reaches the other end over the loopback, in softirq: wait
        # until it was seen there, then for the events' notifications.
        deadline = time.monotonic() + 5
        while counters()[1] - in0 < out and time.monotonic() < deadline:
            time.sleep(0.01)
        got = 0
        while True:
            k = notifications(0.2)
            got = None if k is None else got + k
            _, _, d, logged = counters()
            if got is None or got + d - drop0 >= logged - logged0 or time.monotonic() > deadline:
                break
        o, i, d, logged = counters()
        out, inn, dropped, events = o - out0, i - in0, d - drop0, logged - logged0
        failed = netstat("TCPAbortFailed") - failed0
        # Last: without the RST, closing the other end has one answered.
        a.close()
        what = f"sent {out}, received {inn}, logged {events}, notified {got}, dropped {dropped}, " \
               f"TCPAbortFailed {failed}"
        if out > 1 or (out == 0 and failed != 1):
            return consumed, "bad", f"the RST neither sent nor counted by TCP: {what}"
        if inn != out or events != out + inn:
            return consumed, "bad", f"an RST not logged: {what}"
        if got is None:
            return consumed, "clean", "the listener got ENOBUFS"
        if got + dropped != events:
            return consumed, "bad", f"an event neither notified nor counted as dropped: {what}"
        if dropped:
            return consumed, "counted", "notify_dropped"
        if out == 0:
            return consumed, "clean", "no RST (TCPAbortFailed)"
        return consumed, "absorbed", None

    s = Sweep(f"event logging ({'IPv6' if fam == socket.AF_INET6 else 'IPv4'})").run(step).report()
    check(f"{s.name}: a failed notification was reached and counted (notify_dropped)",
          s.kinds["counted"] > 0, "no step moved notify_dropped")
    lst.close()
    ev.close()
    return s


# ------------------------------------------------------------ netlink

RECVBUF = bytearray(1 << 17)


def nl_socket():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, nl.NETLINK_GENERIC)
    s.setsockopt(nl.SOL_NETLINK, nl.NETLINK_EXT_ACK, 1)
    s.setsockopt(nl.SOL_NETLINK, nl.NETLINK_CAP_ACK, 1)
    s.bind((0, 0))
    return s


def exchange(fault, n, fam, cmd, payload, is_dump):
    """One request under fault N, on a socket of its own (a dump cut short
    stays attached to its socket).  Returns (consumed, error, replies,
    how): error None (acked), an errno, or "timeout"; replies the
    attributes of each reply message; how the error came: "send" (the
    request refused), "ack" (NLMSG_ERROR, with its extack message), "done"
    (in the NLMSG_DONE that ended a dump) or "recv" (the socket's: what
    the kernel sent was lost)."""
    s = nl_socket()
    flags = nl.NLM_F_REQUEST | (nl.NLM_F_DUMP if is_dump else nl.NLM_F_ACK)
    body = struct.pack("=BBH", cmd, 1, 0) + payload
    req = struct.pack("=IHHII", 16 + len(body), fam, flags, 7, 0) + body
    view = memoryview(RECVBUF)
    chunks, err, done, how = [], None, False, None
    fault.arm(n)
    try:
        how = "send"
        s.send(req)
        how = None
        while not done:
            if not select.select([s], [], [], 5)[0]:
                err = "timeout"
                break
            k = s.recv_into(RECVBUF)
            chunks.append(bytes(view[:k]))
            done = any(t in (nl.NLMSG_ERROR, nl.NLMSG_DONE) for t, *_ in nl.messages(chunks[-1]))
    except OSError as e:
        err, how = e.errno, how or "recv"
    consumed = fault.disarm()
    s.close()
    replies = []
    for chunk in chunks:
        for typ, fl, seq, pl in nl.messages(chunk):
            if typ in (nl.NLMSG_ERROR, nl.NLMSG_DONE):
                code, msg = nl.Genl.ack(typ, fl, pl)
                if code:
                    err, how = -code, ("ack " + msg).strip() if typ == nl.NLMSG_ERROR else "done"
            elif typ == fam:
                replies.append(nl.parse_attrs(pl[4:]))
    return consumed, err, replies, how


def sweep_netlink(fault, addr, port):
    g = nl.Genl()
    A = U
    fam = g.fam
    results = []
    # Connections held open: what the conns dump must find.
    lst = listener(addr, port)
    held = []
    for _ in range(3):
        c = socket.create_connection((addr, port), timeout=5)
        held.append((c, accept_from(lst, c.getsockname()[1])))
    est = U["RSTMON_ST_ESTABLISHED"]

    def outcome(consumed, err, what):
        if err is None:
            return None
        if err in CLEAR:
            return consumed, "clean", ename(err)
        return consumed, "bad", f"{what}: {ename(err)}"

    def simple(cmd, verify):
        def step(n):
            consumed, err, rep, _ = exchange(fault, n, fam, cmd, b"", False)
            o = outcome(consumed, err, "refused")
            if o:
                return o
            why = verify(rep)
            return (consumed, "bad", why) if why else (consumed, "absorbed", None)
        return step

    def v_status(rep):
        if len(rep) != 1 or A["RSTMON_A_VERSION"] not in rep[0] or A["RSTMON_A_COUNTERS"] not in rep[0]:
            return f"status reply {rep}"

    cfg0 = nl.config(g)

    def v_config(rep):
        got = {k: nl.scalar(v[0]) for k, v in rep[0].items()} if len(rep) == 1 else None
        if got != cfg0:
            return f"config {got}, want {cfg0}"

    results.append(Sweep("netlink GET_STATUS").run(simple(A["RSTMON_CMD_GET_STATUS"], v_status)).report())
    results.append(Sweep("netlink GET_CONFIG").run(simple(A["RSTMON_CMD_GET_CONFIG"], v_config)).report())

    # SET_CONFIG: all settings at once, the ring from 32 events to 16 (one
    # slab object, no vmalloc() to fall back on: its allocation can fail).
    keys = ("RSTMON_A_IDLE_THRESHOLD", "RSTMON_A_EVENT_RING", "RSTMON_A_NOTIFY_RATE", "RSTMON_A_IPV6")
    ring_refused = []

    def set_step(n):
        err, msg, _ = g.request(A["RSTMON_CMD_SET_CONFIG"], nl.u32(A["RSTMON_A_EVENT_RING"], 32))
        if err:
            return True, "bad", f"ring 32 without a fault: {ename(-err)} {msg}"
        before = nl.config(g)
        want = dict(before)
        want[A["RSTMON_A_IDLE_THRESHOLD"]] = 100 + n
        want[A["RSTMON_A_EVENT_RING"]] = 16
        want[A["RSTMON_A_NOTIFY_RATE"]] = 500 + n
        want[A["RSTMON_A_IPV6"]] = 1
        payload = b"".join((nl.u8 if k == "RSTMON_A_IPV6" else nl.u32)(A[k], want[A[k]]) for k in keys)
        consumed, err, _, how = exchange(fault, n, fam, A["RSTMON_CMD_SET_CONFIG"], payload, False)
        after = nl.config(g)
        if err is None and after != want:
            return consumed, "bad", f"acked, but config {after}, want {want}"
        if how == "recv" and after not in (before, want):
            return consumed, "bad", f"ack lost: config {after}, neither {before} nor {want}"
        if how != "recv" and err is not None and after != before:
            return consumed, "bad", f"refused ({ename(err)}) but config {after}, was {before}"
        if how and "event ring" in how:
            ring_refused.append(n)
            return consumed, "counted", f"{ename(err)}: {how[4:]}"
        return outcome(consumed, err, "refused") or (consumed, "absorbed", None)

    results.append(Sweep("netlink SET_CONFIG").run(set_step).report())
    check("netlink SET_CONFIG: the ring's allocation failed once, refused with its extack, nothing changed",
          ring_refused, "no step failed it")

    # The dumps: what a fault-free dump returns, then the sweep.
    def ev_key(a):
        e = nl.parse_attrs(a[A["RSTMON_A_EVENT"]][0])
        return (nl.scalar(e[A["RSTMON_E_ID"]][0]), A["RSTMON_E_CGROUP_ID"] in e, A["RSTMON_E_CGROUP"] in e)

    def cg_key(a):
        c = nl.parse_attrs(a[A["RSTMON_A_CGROUP"]][0])
        return (nl.scalar(c.get(A["RSTMON_G_ID"], [b""])[0]), nl.scalar(c[A["RSTMON_G_RSTS"]][0]),
                A["RSTMON_G_PATH"] in c)

    def conn_key(a):
        c = nl.parse_attrs(a[A["RSTMON_A_CONN"]][0])
        return nl.scalar(c[A["RSTMON_C_STATE"]][0])

    portf = nl.nla(A["RSTMON_A_FILTER_PORT"], struct.pack("!H", port))
    dumps = [
        ("GET_EVENTS", b"", ev_key),
        ("GET_CONNS", portf, conn_key),
        ("GET_CGROUPS", b"", cg_key),
    ]
    for name, payload, key in dumps:
        cmd = A["RSTMON_CMD_" + name]
        want = [key(a) for a in g.dump_attrs(cmd, payload)]

        def dump_step(n, cmd=cmd, payload=payload, key=key, want=want):
            consumed, err, rep, how = exchange(fault, n, fam, cmd, payload, True)
            got = [key(a) for a in rep]
            if got != want[:len(got)] or (err is None and got != want):
                return consumed, "bad", f"dumped {got}, want {want}" + (f" ({ename(err)})" if err else "")
            if err in CLEAR and how == "done":
                # The dump ran, rstmon's dumpit ended it.
                return consumed, "counted", f"{ename(err)} in NLMSG_DONE"
            return outcome(consumed, err, "dump failed") or (consumed, "absorbed", None)

        s = Sweep(f"netlink {name}").run(dump_step).report()
        results.append(s)
        if name != "GET_CONNS":
            check(f"netlink {name}: no room for cgroup paths ends the dump with an error",
                  s.kinds["counted"] > 0, "no dump ended with ENOMEM in its NLMSG_DONE")
        if name == "GET_EVENTS":
            ids = [k[0] for k in want]
            check("netlink GET_EVENTS: the fault-free dump has the newest events, in order",
                  ids and ids == list(range(ids[0], ids[0] + len(ids))) and ids[-1] == nl.status(g)[1],
                  f"{ids}")
        if name == "GET_CONNS":
            check("netlink GET_CONNS: the held connections, established",
                  want == [est] * len(held), f"{want}")

    # RESET_STATS: an RST before each step, so a reset shows.
    r4 = A["RSTMON_CTR_RST4_IN"]

    def reset_step(n):
        refused(addr)
        before = nl.status(g)[0].get(r4, 0)
        consumed, err, _, how = exchange(fault, n, fam, A["RSTMON_CMD_RESET_STATS"], b"", False)
        after = nl.status(g)[0].get(r4, 0)
        if err is None and after != 0:
            return consumed, "bad", f"acked, but rst ipv4 in={after}"
        if how != "recv" and err is not None and after != before:
            return consumed, "bad", f"refused ({ename(err)}) but rst ipv4 in {before} -> {after}"
        return outcome(consumed, err, "refused") or (consumed, "absorbed", None)

    results.append(Sweep("netlink RESET_STATS").run(reset_step).report())
    for c, a in held:
        c.close()
        a.close()
    lst.close()
    return results


# ------------------------------------------------------------ /proc

def sweep_proc(fault):
    want = proc_report().count("\nevent ")

    def step(n):
        err, data = None, b""
        fault.arm(n)
        try:
            fd = os.open("/proc/net/rstmon", os.O_RDONLY)
            try:
                while True:
                    chunk = os.read(fd, 1 << 16)
                    if not chunk:
                        break
                    data += chunk
            finally:
                os.close(fd)
        except OSError as e:
            err = e.errno
        consumed = fault.disarm()
        if err is not None:
            return (consumed, "clean", ename(err)) if err in CLEAR else \
                (consumed, "bad", f"read failed with {ename(err)}")
        text = data.decode()
        if not text.startswith("rstmon version=") or text.count("\nevent ") != want:
            return consumed, "bad", f"a report of {len(text)} bytes, {text.count(chr(10) + 'event ')} events"
        return consumed, "absorbed", None

    return Sweep("proc read").run(step).report()


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    mode, args = sys.argv[1], sys.argv[2:]
    fault = Fault()
    if mode == "load":
        sweep_load(fault, args[0], args[1], int(args[2]))
    elif mode == "netns":
        sweep_netns(fault)
    elif mode == "connect":
        sweep_connect(fault, args[0], int(args[1]))
    elif mode == "abort":
        sweep_abort(fault, args[0], int(args[1]))
    elif mode == "netlink":
        sweep_netlink(fault, args[0], int(args[1]))
    elif mode == "proc":
        sweep_proc(fault)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(1 if nl.FAILED else 0)


if __name__ == "__main__":
    main()
