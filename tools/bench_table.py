#!/usr/bin/env python3
"""Turn criterion's saved estimates (target/criterion) into the README's benchmark table:
ns per message for each implementation, and hbsync's ratio to the fastest peer.

usage: python3 tools/bench_table.py [GROUP_PREFIX]   (default: chan/)
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"
PREFIX = sys.argv[1] if len(sys.argv) > 1 else "chan/"
OURS = "hbsync"


def load():
    rows = {}
    for est in ROOT.glob("*/*/*/new/estimates.json"):
        group_dir, shape, impl = est.parts[-5], est.parts[-4], est.parts[-3]
        bench = json.loads((est.parent / "benchmark.json").read_text())
        group = bench["group_id"]
        if not group.startswith(PREFIX):
            continue
        elems = (bench.get("throughput") or {}).get("Elements", 1)
        ns = json.loads(est.read_text())["median"]["point_estimate"] / elems
        rows.setdefault((group, bench["function_id"]), {})[bench["value_str"]] = ns
    return rows


def main():
    rows = load()
    if not rows:
        sys.exit(f"no criterion results under {ROOT} for {PREFIX!r}: run cargo bench first")
    impls = sorted({i for r in rows.values() for i in r}, key=lambda i: (i != OURS, i))
    print("| group | shape | " + " | ".join(impls) + " | hbsync / fastest peer |")
    print("|---" * (len(impls) + 3) + "|")
    for (group, shape), r in sorted(rows.items()):
        cells = [f"{r[i]:.1f}" if i in r else "—" for i in impls]
        peers = [v for i, v in r.items() if i != OURS]
        ratio = f"{r[OURS] / min(peers):.2f}×" if OURS in r and peers else "—"
        print(f"| {group} | {shape} | " + " | ".join(cells) + f" | {ratio} |")


main()
