#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run a UML kernel so it keeps its processes' FPU state with FXSAVE.

UML 6.12 saves and restores its processes' FPU state with
PTRACE_{GET,SET}REGSET NT_X86_XSTATE and a buffer of its own fixed size.
On a host whose XSAVE area is larger (AMX: ~11 KiB), the host refuses any
SETREGSET of another size with EFAULT, and the first process UML starts
dies ("ptrace set fp regs failed, errno = 14"; init killed, panic).  UML
uses the XSTATE regset only when a GETREGSET of it works at boot, and falls
back to PTRACE_{GET,SET}FPREGS otherwise: this makes that regset fail (EIO)
for the UML process with a seccomp filter, then executes it.

  uml-fxsave.py LINUX ARGS...

The guest loses only the upper halves of AVX registers across switches
between threads of one process, so the guest's environment should keep
glibc off AVX (uml-run.sh sets GLIBC_TUNABLES).
"""
import ctypes
import os
import struct
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
EIO = 5
AUDIT_ARCH_X86_64 = 0xC000003E
NR_PTRACE = 101
PTRACE_GETREGSET = 0x4204
PTRACE_SETREGSET = 0x4205
NT_X86_XSTATE = 0x202

# BPF: ld (BPF_LD|BPF_W|BPF_ABS), jeq (BPF_JMP|BPF_JEQ|BPF_K), ret (BPF_RET|BPF_K)
LD, JEQ, RET = 0x20, 0x15, 0x06
# struct seccomp_data: nr @0, arch @4, ip @8, args[6] @16 (low words first)
prog = [
    (LD, 0, 0, 4),                          # arch
    (JEQ, 0, 8, AUDIT_ARCH_X86_64),         # other arch: allow
    (LD, 0, 0, 0),                          # nr
    (JEQ, 0, 6, NR_PTRACE),
    (LD, 0, 0, 16),                         # request
    (JEQ, 1, 0, PTRACE_GETREGSET),
    (JEQ, 0, 3, PTRACE_SETREGSET),
    (LD, 0, 0, 32),                         # addr: the regset
    (JEQ, 0, 1, NT_X86_XSTATE),
    (RET, 0, 0, SECCOMP_RET_ERRNO | EIO),
    (RET, 0, 0, SECCOMP_RET_ALLOW),
]
# Jump offsets count from the next instruction: every "no" goes to "allow".
assert all(i + 1 + ins[2] == len(prog) - 1 for i, ins in enumerate(prog)
           if ins[0] == JEQ and ins[2])

if len(sys.argv) < 2:
    sys.exit(__doc__.strip())
filt = b"".join(struct.pack("=HBBI", *ins) for ins in prog)
buf = ctypes.create_string_buffer(filt)


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


fprog = SockFprog(len(prog), ctypes.addressof(buf))
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong,
                       ctypes.c_ulong]
if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0 or \
   libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
    sys.exit(f"uml-fxsave.py: seccomp: {os.strerror(ctypes.get_errno())}")
os.execv(sys.argv[1], sys.argv[1:])
