#!/usr/bin/env python3
"""Compares two outputs of bench/eval_variants.sh: prints the variants whose
scores differ and how many went up and down (by pair F1 + B-cubed F1).

  bench/eval_compare.py BEFORE.txt AFTER.txt

Python 3 standard library only.
"""
import sys


def load(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            name, *scores = line.split()
            rows[name] = [float(x) for x in scores]
    return rows


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    before, after = load(sys.argv[1]), load(sys.argv[2])
    up = down = 0
    for name, b in before.items():
        a = after.get(name)
        if a is None:
            print(f"{name}: missing in {sys.argv[2]}")
            continue
        if a != b:
            fmt = lambda s: "%.4f / %.4f (precision %.4f)" % tuple(s)
            print(f"{name}: {fmt(b)} -> {fmt(a)}")
            up += a[0] + a[1] > b[0] + b[1]
            down += a[0] + a[1] < b[0] + b[1]
    print(f"{len(before)} variants: {up} up, {down} down, {len(before) - up - down} the same by F1")


if __name__ == "__main__":
    main()
