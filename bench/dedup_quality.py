#!/usr/bin/env python3
"""Pairwise agreement of doppel dedup's clusters with exact Jaccard clustering.

  dedup_quality.py CLUSTERS.jsonl SILVER_PAIRS.tsv [THRESHOLD]

SILVER_PAIRS.tsv (id_a, id_b, jaccard5, ...) lists every pair above some
similarity found by exhaustive comparison (reuters21578 ships one). The
reference clustering joins pairs with jaccard5 >= THRESHOLD (default 0.8);
the score is pairwise precision, recall and F1 of same-cluster pairs.
"""
import collections, json, sys


def pairs_of(groups):
    out = set()
    for members in groups.values():
        members = sorted(members)
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                out.add((members[i], members[j]))
    return out


def main():
    clusters_path, silver_path = sys.argv[1], sys.argv[2]
    t = float(sys.argv[3]) if len(sys.argv) > 3 else 0.8
    pred = {}
    for line in open(clusters_path, encoding="utf-8"):
        r = json.loads(line)
        pred[str(r["id"])] = str(r["cluster"])
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for n, line in enumerate(open(silver_path, encoding="utf-8")):
        if n == 0:
            continue
        a, b, j = line.split("\t")[:3]
        if float(j) >= t:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    ref = collections.defaultdict(list)
    for x in list(parent):
        ref[find(x)].append(x)
    got = collections.defaultdict(list)
    for x, c in pred.items():
        got[c].append(x)
    rp, gp = pairs_of(ref), pairs_of(got)
    tp = len(rp & gp)
    p = tp / len(gp) if gp else 1.0
    r = tp / len(rp) if rp else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    print(json.dumps({"reference_pairs": len(rp), "predicted_pairs": len(gp), "precision": round(p, 4),
                      "recall": round(r, 4), "f1": round(f, 4)}))


if __name__ == "__main__":
    main()
