#!/usr/bin/env python3
"""Writes subsets of an eval benchmark folder with other proportions of copy
kinds, to see how `doppel find` holds up on proportions the benchmark does
not have (the held-out sets have other ones).

  bench/eval_subsets.py BENCH OUT

OUT gets one folder per subset, each with docs.jsonl, its truth.jsonl and
a link to BENCH's stories.jsonl, so `../shared/eval/score.py OUT/NAME
--clusters C.jsonl` scores it:
  no_origin   every copy but the origin pages
  no_reprint  every copy but the reprints
  half        a random half of the documents
  short_only  the excerpts and feeds, plus a random fifth of the rest (many
              sites keep only two or three pages)
  two_per_story    two random copies of every story (fewer pages per site)
  big_stories      only the stories with five or more copies
  thin             a random 35% of the documents
  one_page_a_site  one random page of every site of at most 30 pages; the
                   feed sites keep all of theirs (stories that only feed
                   sites carry, sites whose chrome cannot be learned)
Python 3 standard library only.
"""
import json
import os
import random
import sys
from urllib.parse import urlparse


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    bench, out = sys.argv[1], sys.argv[2]
    truth = {}
    with open(os.path.join(bench, "truth.jsonl"), encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            truth[t["id"]] = t
    with open(os.path.join(bench, "docs.jsonl"), encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    rng = random.Random(7)
    draw = {d["id"]: rng.random() for d in docs}
    kind = lambda d: truth[d["id"]]["kind"]
    # The later subsets draw from their own generator, so the first four
    # stay what they were.
    other = random.Random(8)
    thin = {d["id"]: other.random() < 0.35 for d in docs}
    by_story, by_site = {}, {}
    for d in docs:
        by_story.setdefault(truth[d["id"]]["story"], []).append(d["id"])
        by_site.setdefault(urlparse(d["url"]).hostname, []).append(d["id"])
    two = {i for ids in by_story.values() for i in other.sample(ids, min(2, len(ids)))}
    big = {i for ids in by_story.values() if len(ids) >= 5 for i in ids}
    one_page = set()
    for ids in by_site.values():
        one_page.update(ids if len(ids) > 30 else [other.choice(ids)])
    subsets = {
        "no_origin": lambda d: kind(d) != "origin",
        "no_reprint": lambda d: kind(d) != "reprint",
        "half": lambda d: draw[d["id"]] < 0.5,
        "short_only": lambda d: kind(d) in ("excerpt", "feed") or draw[d["id"]] < 0.2,
        "two_per_story": lambda d: d["id"] in two,
        "big_stories": lambda d: d["id"] in big,
        "thin": lambda d: thin[d["id"]],
        "one_page_a_site": lambda d: d["id"] in one_page,
    }
    for name, keep in subsets.items():
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        kept = [d for d in docs if keep(d)]
        with open(os.path.join(folder, "docs.jsonl"), "w", encoding="utf-8") as f:
            for d in kept:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
        with open(os.path.join(folder, "truth.jsonl"), "w", encoding="utf-8") as f:
            for d in kept:
                f.write(json.dumps(truth[d["id"]], ensure_ascii=False) + "\n")
        link = os.path.join(folder, "stories.jsonl")
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.abspath(os.path.join(bench, "stories.jsonl")), link)
        print(f"{name}: {len(kept)} documents")


if __name__ == "__main__":
    main()
