#!/usr/bin/env python3
"""Writes a copy of an eval benchmark folder in which COUNT pages of small
sites (fewer than 16 pages with the new crawls, doppel find's
kLargeSource; with SITES = any, of any site) were crawled again: each page gets CRAWLS - 1 more copies
(default CRAWLS = 2), ids id + "r", id + "rr", ..., each with one number
raised by one and one word of four or more lower-case letters reversed
(a counter, a typo fixed), drawn for each copy. With UNIQUE = 1 the other
copies of those pages' stories are left out, so that no other site carries
them (of two picked pages of one story, only one is kept): what the page
and its second crawl share is then shown by no other source, and the
story-group rules of find take it for the site's template.

  bench/recrawl.py BENCH OUT COUNT UNIQUE [SEED [CRAWLS [SITES]]]

OUT gets docs.jsonl and truth.jsonl (with the new copies and without the
copies left out), a link to BENCH's stories.jsonl, and pages.txt, the ids
of the pages crawled twice, one a line, so that

  ../shared/eval/score.py OUT --clusters C.jsonl
  bench/recrawl.py --joined OUT C.jsonl

score it and count the pages that are in one cluster with all their
crawls. Python 3
standard library only.
"""
import json
import os
import random
import re
import sys
from collections import Counter
from urllib.parse import urlparse

LARGE_SOURCE = 16


def changed(text, rng):
    numbers = list(re.finditer(r"\d+", text))
    if numbers:
        m = rng.choice(numbers)
        text = text[:m.start()] + str(int(m.group(0)) + 1) + text[m.end():]
    words = list(re.finditer(r"[a-z]{4,}", text))
    if words:
        m = rng.choice(words)
        text = text[:m.start()] + m.group(0)[::-1] + text[m.end():]
    return text


def joined(out, clusters_path):
    with open(clusters_path, encoding="utf-8") as f:
        cluster = {r["id"]: r["cluster"] for r in map(json.loads, f)}
    with open(os.path.join(out, "pages.txt"), encoding="utf-8") as f:
        pages = [line.strip() for line in f if line.strip()]
    together = 0
    for p in pages:
        crawls = [p]
        while p + "r" * len(crawls) in cluster:
            crawls.append(p + "r" * len(crawls))
        together += len(crawls) > 1 and len({cluster.get(c) for c in crawls}) == 1
    print(f"{together} of {len(pages)} pages joined all their crawls")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--joined":
        joined(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) not in (5, 6, 7, 8) or sys.argv[4] not in ("0", "1"):
        sys.exit(__doc__)
    bench, out, count, unique = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) >= 6 else 5)
    crawls = int(sys.argv[6]) if len(sys.argv) >= 7 else 2
    if crawls < 2:
        sys.exit("CRAWLS must be 2 or more")
    sites = sys.argv[7] if len(sys.argv) == 8 else "small"
    if sites not in ("small", "any"):
        sys.exit("SITES must be small or any")
    limit = LARGE_SOURCE if sites == "small" else float("inf")
    with open(os.path.join(bench, "docs.jsonl"), encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    with open(os.path.join(bench, "truth.jsonl"), encoding="utf-8") as f:
        truth = {r["id"]: r for r in map(json.loads, f)}
    # Pages of sites that stay small with their second crawls added (any
    # site with SITES = any).
    pages_of = Counter(urlparse(d["url"]).netloc for d in docs)
    picked = []
    for d in rng.sample(docs, len(docs)):
        site = urlparse(d["url"]).netloc
        if len(picked) < count and pages_of[site] + crawls - 1 < limit:
            picked.append(d)
            pages_of[site] += crawls - 1
    left_out = set()
    if unique:
        stories = {truth[d["id"]]["story"]: d["id"] for d in picked}
        left_out = {d["id"] for d in docs if stories.get(truth[d["id"]]["story"], d["id"]) != d["id"]}
    picked = [d for d in picked if d["id"] not in left_out]
    again = []
    for d in picked:
        for k in range(1, crawls):
            copy = dict(d, id=d["id"] + "r" * k, text=changed(d["text"], rng))
            again.append(copy)
            truth[copy["id"]] = dict(truth[d["id"]], id=copy["id"])
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "docs.jsonl"), "w", encoding="utf-8") as f, \
            open(os.path.join(out, "truth.jsonl"), "w", encoding="utf-8") as t:
        for d in docs + again:
            if d["id"] in left_out:
                continue
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
            t.write(json.dumps(truth[d["id"]], ensure_ascii=False) + "\n")
    with open(os.path.join(out, "pages.txt"), "w", encoding="utf-8") as f:
        for d in picked:
            f.write(d["id"] + "\n")
    link = os.path.join(out, "stories.jsonl")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.abspath(os.path.join(bench, "stories.jsonl")), link)


if __name__ == "__main__":
    main()
