#!/usr/bin/env python3
"""Reads chorus --layout lines on stdin; checks that no two variants share an
executable address and that every variant shows the files and anonymous code
named on the command line. Prints one line; exits 1 on a failure."""
import re
import sys

want = sys.argv[1:]
code = {}
for line in sys.stdin:
    m = re.match(r'chorus: layout: pid \d+ variant (\d+): 0x([0-9a-f]+)-0x([0-9a-f]+) (.*)$', line.rstrip('\n'))
    if m:
        code.setdefault(int(m[1]), []).append((int(m[2], 16), int(m[3], 16), m[4]))
problems = []
if len(code) < 2:
    problems.append(f'layout of {len(code)} variants')
for k, ranges in sorted(code.items()):
    for name in want:
        if not any(name in path for _, _, path in ranges):
            problems.append(f'variant {k} shows no {name}')
for a in code:
    for b in code:
        if a < b:
            for lo, hi, p in code[a]:
                for lo2, hi2, p2 in code[b]:
                    if lo < hi2 and lo2 < hi:
                        problems.append(f'variants {a} and {b} share {max(lo, lo2):#x} ({p}, {p2})')
print('; '.join(problems[:3]) if problems else f'{sum(map(len, code.values()))} code mappings, disjoint')
sys.exit(1 if problems else 0)
