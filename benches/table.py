#!/usr/bin/env python3
"""Prints the medians of the last `cargo bench` run as the tables of docs/performance.md.

Usage: python3 benches/table.py [TARGET_DIR]   (default: target)
Reads TARGET_DIR/criterion/*/.../new/estimates.json; groups with a throughput also get a
per-element column (ns per node, task or call).
"""
import glob
import json
import os
import sys

root = os.path.join(sys.argv[1] if len(sys.argv) > 1 else "target", "criterion")
rows = []
for path in sorted(glob.glob(os.path.join(root, "**", "new", "estimates.json"), recursive=True)):
    bench = json.load(open(path.replace("estimates.json", "benchmark.json")))
    median = json.load(open(path))["median"]["point_estimate"]
    elements = (bench.get("throughput") or {}).get("Elements")
    name = bench["full_id"]
    per = f"{median / elements:.0f} ns/elem" if elements else ""
    rows.append((name, median, per))
width = max(len(r[0]) for r in rows)
for name, median, per in rows:
    shown = f"{median / 1e6:.3f} ms" if median >= 1e5 else f"{median / 1e3:.1f} µs"
    print(f"| {name:<{width}} | {shown:>12} | {per:>14} |")
