#!/usr/bin/env python3
"""Instructions per message of the single-threaded `seq` shape, for hbsync and its peers,
counted by cachegrind: runs `primitives/examples/seq.rs` at two message counts and takes
the difference, so setup (making the channel, the first blocks) cancels out. Instruction
counts do not move with machine noise the way wall time does; they are not wall time (an
atomic RMW counts as one instruction).

usage: python3 tools/seq_instructions.py   (needs valgrind; prints a markdown table)
"""
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
IMPLS = ["hbsync", "crossbeam", "flume", "kanal", "std"]
FLAVORS = ["bounded1", "bounded1000", "unbounded"]
SMALL, LARGE = 200_000, 1_200_000


def build():
    subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "hbsync", "--example", "seq"],
        cwd=ROOT,
        check=True,
    )
    return ROOT / "target" / "release" / "examples" / "seq"


def instructions(exe, impl, flavor, n):
    with tempfile.NamedTemporaryFile() as out:
        r = subprocess.run(
            ["valgrind", "--tool=cachegrind", "--cache-sim=no",
             f"--cachegrind-out-file={out.name}", str(exe), impl, flavor, str(n)],
            capture_output=True,
            text=True,
            check=True,
        )
    m = re.search(r"I\s+refs:\s+([\d,]+)", r.stderr)
    if not m:
        sys.exit(f"no instruction count in cachegrind's output for {impl} {flavor}")
    return int(m.group(1).replace(",", ""))


def main():
    exe = build()
    print("| flavor | " + " | ".join(IMPLS) + " | hbsync / fewest peer |")
    print("|---" * (len(IMPLS) + 2) + "|")
    for flavor in FLAVORS:
        per = {}
        for impl in IMPLS:
            small = instructions(exe, impl, flavor, SMALL)
            large = instructions(exe, impl, flavor, LARGE)
            per[impl] = (large - small) / (LARGE - SMALL)
        fewest = min(v for k, v in per.items() if k != "hbsync")
        cells = " | ".join(f"{per[i]:.1f}" for i in IMPLS)
        print(f"| {flavor} | {cells} | {per['hbsync'] / fewest:.2f}× |")


if __name__ == "__main__":
    main()
