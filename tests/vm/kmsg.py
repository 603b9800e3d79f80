#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The kernel log by sequence number, from /dev/kmsg.

"dmesg -C" empties what dmesg and syslog(2) read, not /dev/kmsg: every
record keeps its sequence number until the ring overwrites it.  So "what
the kernel said since X" survives any clear, and a lost record (the ring
wrapped before we read it) is detected, never silently skipped.

  kmsg.py seq [TEXT]   print the sequence number of the next record.  With
                       TEXT, TEXT goes into the kernel log (level notice,
                       so it reaches a loglevel=6 console) and the number
                       printed is at most TEXT's own: "since" that number
                       includes TEXT.  Without TEXT the whole ring is read
                       to find the last record (slower).
  kmsg.py since SEQ [NEXT]
                       print every record with sequence number >= SEQ as
                       dmesg prints it ("[seconds] text", one line per
                       line of a multi-line record).  Exit 2, after
                       printing what is left, when records from SEQ on
                       were lost to a ring overrun (said on stderr).
                       NEXT: a file to write the number after the last
                       record printed to, where the next reading starts
                       so that nothing falls between two.
"""
import errno
import os
import sys

READ_SIZE = 8192        # larger than a record can be (PRINTKRB_RECORD_MAX)


def open_kmsg():
    return os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)


def records(fd):
    """(seq, usec, text) of the records from fd's position on, then
    ("lost", None, None) entries where the ring overtook the reader."""
    while True:
        try:
            rec = os.read(fd, READ_SIZE)
        except BlockingIOError:
            return
        except OSError as e:
            if e.errno == errno.EPIPE:
                # The record at our position was overwritten; the next
                # read starts at the oldest one still there.
                yield ("lost", None, None)
                continue
            raise
        if not rec:
            return
        head, _, body = rec.decode(errors="replace").partition(";")
        fields = head.split(",")
        # The text ends at the first newline; " KEY=value" lines follow.
        text = body.split("\n", 1)[0]
        yield (int(fields[1]), int(fields[2]), text)


def unescape(text):
    # /dev/kmsg escapes newlines (and other control bytes) as \xNN;
    # only newlines matter for reading the log line by line.
    return text.replace("\\x0a", "\n")


def cmd_seq(text):
    fd = open_kmsg()
    if text is not None:
        os.lseek(fd, 0, os.SEEK_END)
        with open("/dev/kmsg", "w") as w:
            w.write("<5>" + text + "\n")
        for seq, _, _ in records(fd):
            if seq != "lost":
                print(seq)
                return 0
        print("kmsg.py: the record written is not there", file=sys.stderr)
        return 1
    last = -1
    for seq, _, _ in records(fd):
        if seq != "lost":
            last = seq
    print(last + 1)
    return 0


def cmd_since(start, next_file):
    fd = open_kmsg()
    os.lseek(fd, 0, os.SEEK_SET)        # the oldest record in the ring
    lost = False
    expect = start
    out = []
    for seq, usec, text in records(fd):
        # An overwritten record shows as a gap in the numbers that follow;
        # one before START costs nothing.
        if seq == "lost" or seq < start:
            continue
        if seq > expect:
            # Either the oldest record is already past START or records
            # were overwritten while we read.
            lost = True
            print(f"kmsg.py: kernel log records {expect}..{seq - 1} were lost "
                  "(ring overrun)", file=sys.stderr)
        expect = seq + 1
        for line in unescape(text).split("\n"):
            out.append(f"[{usec // 1000000:5d}.{usec % 1000000:06d}] {line}\n")
    sys.stdout.write("".join(out))
    if next_file:
        with open(next_file, "w") as f:
            f.write(f"{expect}\n")
    return 2 if lost else 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "seq" and len(argv) <= 3:
        return cmd_seq(argv[2] if len(argv) == 3 else None)
    if len(argv) in (3, 4) and argv[1] == "since" and argv[2].isdigit():
        return cmd_since(int(argv[2]), argv[3] if len(argv) == 4 else None)
    print(__doc__.strip(), file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
