#!/usr/bin/env python3
"""How `doppel find` groups Reuters-21578's natural re-issues: the share of
the silver pairs (word 5-gram Jaccard >= 0.3 or containment >= 0.8, found by
exhaustive comparison; not human labels) whose two stories end up in one
cluster, by class of pair.

  build/doppel find --id-field newid --clusters C.jsonl ../shared/eval/reuters21578/docs.jsonl
  bench/reuters_find.py C.jsonl [../shared/eval/reuters21578]

Identical texts are counted apart: they are copies by any definition.
Python 3 standard library only.
"""
import json
import os
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    bench = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "eval",
                                                               "reuters21578")
    silver = {}
    with open(os.path.join(bench, "silver_pairs_shingle5.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            a, b, j, c = line.rstrip("\n").split("\t")
            silver[(a, b)] = (float(j), float(c))
    texts = {}
    with open(os.path.join(bench, "docs.jsonl"), encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            texts[str(o["newid"])] = o["text"]
    cluster = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            cluster[str(o["id"])] = o["cluster"]
    classes = [
        ("identical text", lambda p, v: texts[p[0]] == texts[p[1]]),
        ("jaccard >= 0.8", lambda p, v: v[0] >= 0.8),
        ("jaccard >= 0.5", lambda p, v: v[0] >= 0.5),
        ("containment >= 0.8", lambda p, v: v[1] >= 0.8),
        ("all silver pairs", lambda p, v: True),
    ]
    print("| pairs | count | in one cluster |")
    print("|---|---|---|")
    for name, keep in classes:
        chosen = [p for p, v in silver.items() if keep(p, v)]
        together = sum(1 for a, b in chosen if a in cluster and cluster.get(a) == cluster.get(b))
        print("| %s | %d | %.3f |" % (name, len(chosen), together / len(chosen) if chosen else 0.0))


if __name__ == "__main__":
    main()
