#!/usr/bin/env python3
"""Writes the clusters that a method knowing every document's article text
would find on an eval folder, as a ceiling for variants that cut documents
(bench/degrade.py cut30, tail40, middle30): two copies of one story join when
they share at least half of the shorter one's article word 3-grams (at least
10 of them), where a document's article 3-grams are those of its text that
its gold clean text (truth.jsonl) has too. Copies cut down to their chrome,
or to windows of a story that do not overlap, are apart unless a third copy
joins them.

  bench/eval_oracle.py BENCH CLUSTERS.jsonl
  python3 ../shared/eval/score.py BENCH --clusters CLUSTERS.jsonl

Python 3 standard library only.
"""
import itertools
import json
import re
import sys
from collections import defaultdict


def grams(text, n=3):
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    bench, out = sys.argv[1], sys.argv[2]
    with open(f"{bench}/truth.jsonl", encoding="utf-8") as f:
        truth = {t["id"]: t for t in map(json.loads, f)}
    with open(f"{bench}/docs.jsonl", encoding="utf-8") as f:
        docs = {d["id"]: d for d in map(json.loads, f)}
    article = {i: grams(d["text"]) & grams(truth[i]["clean"]) for i, d in docs.items()}
    parent = {i: i for i in docs}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    stories = defaultdict(list)
    for i in docs:
        stories[truth[i]["story"]].append(i)
    for members in stories.values():
        for a, b in itertools.combinations(members, 2):
            shorter = min(len(article[a]), len(article[b]))
            if shorter >= 10 and len(article[a] & article[b]) * 2 >= shorter:
                parent[root(a)] = root(b)
    with open(out, "w", encoding="utf-8") as f:
        for i in docs:
            f.write(json.dumps({"id": i, "cluster": root(i)}) + "\n")


if __name__ == "__main__":
    main()
