#!/usr/bin/env python3
"""Writes a subset of an eval benchmark folder that keeps at most K random
pages of every site of at most 30 pages (the feed sites keep all of
theirs): sites seen on few pages, whose chrome repetition cannot tell.

  bench/site_pages.py BENCH OUT K SEED

OUT gets docs.jsonl, its truth.jsonl and a link to BENCH's stories.jsonl,
so `../shared/eval/score.py OUT --clusters C.jsonl` scores it. K = 1 is
bench/eval_subsets.py's one_page_a_site drawn with another generator.
Python 3 standard library only.
"""
import json
import os
import random
import sys
from urllib.parse import urlparse


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    bench, out, k, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(os.path.join(bench, "docs.jsonl"), encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    rng = random.Random(seed)
    by_site = {}
    for d in docs:
        by_site.setdefault(urlparse(d["url"]).hostname, []).append(d["id"])
    keep = set()
    for ids in by_site.values():
        keep.update(ids if len(ids) > 30 else rng.sample(ids, min(k, len(ids))))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "docs.jsonl"), "w", encoding="utf-8") as f:
        for d in docs:
            if d["id"] in keep:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
    with open(os.path.join(bench, "truth.jsonl"), encoding="utf-8") as src, \
            open(os.path.join(out, "truth.jsonl"), "w", encoding="utf-8") as dst:
        for line in src:
            if json.loads(line)["id"] in keep:
                dst.write(line)
    link = os.path.join(out, "stories.jsonl")
    if not os.path.lexists(link):
        os.symlink(os.path.abspath(os.path.join(bench, "stories.jsonl")), link)


if __name__ == "__main__":
    main()
