#!/usr/bin/env python3
"""Writes one eval benchmark folder that holds every document of several
folders made from one benchmark (its variants: bench/degrade.py,
bench/ocr_noise.py), each document's id prefixed with its folder's letter
(a, b, c, ...). The stories keep their names, so the copies of a page in
the folders are copies of one story, on one site: every page is there as
many times as there are folders, the way a crawl holds a page fetched
again (with another extractor, or degraded another way). Python 3
standard library only.

  bench/combine.py OUT BENCH [BENCH...]

OUT gets docs.jsonl, truth.jsonl and a link to the first BENCH's
stories.jsonl, so that ../shared/eval/score.py OUT --clusters C.jsonl
scores it.
"""
import json
import os
import string
import sys


def main():
    if len(sys.argv) < 3 or len(sys.argv) - 2 > len(string.ascii_lowercase):
        sys.exit(__doc__)
    out, benches = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "docs.jsonl"), "w", encoding="utf-8") as docs, \
            open(os.path.join(out, "truth.jsonl"), "w", encoding="utf-8") as truth:
        for letter, bench in zip(string.ascii_lowercase, benches):
            for name, f in (("docs.jsonl", docs), ("truth.jsonl", truth)):
                with open(os.path.join(bench, name), encoding="utf-8") as src:
                    for line in src:
                        record = json.loads(line)
                        record["id"] = letter + record["id"]
                        f.write(json.dumps(record, ensure_ascii=False) + "\n")
    link = os.path.join(out, "stories.jsonl")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.abspath(os.path.join(benches[0], "stories.jsonl")), link)


if __name__ == "__main__":
    main()
