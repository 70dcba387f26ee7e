#!/usr/bin/env python3
"""Makes a copy of an eval benchmark folder whose documents carry one of
several text degradations that crawled corpora have, to see how `doppel
find` holds up on degradations the benchmark does not have (the held-out
sets have other ones; OCR noise is bench/ocr_noise.py).

  bench/degrade.py BENCH OUT KIND FRACTION [SEED]

A FRACTION of the documents (chosen at random) get KIND:
  mojibake   UTF-8 read as Windows-1252 ("donâ€™t")
  entities   HTML entities left in (&amp; &quot; &#8217; &ldquo; ...)
  lower      lower case
  upper      upper case
  nopunct    punctuation removed
  shy        a soft hyphen or zero-width space inside long words
  nfd        Unicode NFD (accents as combining marks)
  shuffle    lines in random order (moved paragraphs)
  nbsp       a third of the spaces non-breaking
  crlf       CR LF line ends
  htmltags   every line wrapped in <p>...</p>
  cut30      cut after 30% of the words (at least 30)
OUT gets docs.jsonl and links to BENCH's truth.jsonl and stories.jsonl, so
`../shared/eval/score.py OUT --clusters C.jsonl` scores it. Python 3
standard library only.
"""
import random
import re
import sys
import unicodedata

from eval_copy import write_changed_copy


def degrade(kind, text, rng):
    if kind == "mojibake":
        return text.encode("utf-8").decode("cp1252", errors="replace")
    if kind == "entities":
        for a, b in (("&", "&amp;"), ("\u2019", "&#8217;"), ('"', "&quot;"), ("'", "&#39;"),
                     ("\u201c", "&ldquo;"), ("\u201d", "&rdquo;")):
            text = text.replace(a, b)
        return text
    if kind == "lower":
        return text.lower()
    if kind == "upper":
        return text.upper()
    if kind == "nopunct":
        return re.sub(r"[^\w\s]", "", text)
    if kind == "shy":
        return re.sub(r"(\w{4})(\w{3,})", lambda m: m.group(1) + rng.choice(["\u00ad", "\u200b"]) + m.group(2), text)
    if kind == "nfd":
        return unicodedata.normalize("NFD", text)
    if kind == "shuffle":
        lines = text.split("\n")
        rng.shuffle(lines)
        return "\n".join(lines)
    if kind == "nbsp":
        return "".join("\u00a0" if c == " " and rng.random() < 0.3 else c for c in text)
    if kind == "crlf":
        return text.replace("\n", "\r\n")
    if kind == "htmltags":
        return "\n".join("<p>" + line + "</p>" for line in text.split("\n"))
    if kind == "cut30":
        words = text.split(" ")
        return " ".join(words[:max(30, len(words) * 3 // 10)])
    sys.exit(f"unknown KIND {kind}\n\n{__doc__}")


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    bench, out, kind, fraction = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) == 6 else 1)
    write_changed_copy(bench, out, fraction, rng, lambda text, r: degrade(kind, text, r))


if __name__ == "__main__":
    main()
