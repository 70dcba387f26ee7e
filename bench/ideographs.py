#!/usr/bin/env python3
"""Makes a copy of an eval benchmark folder written in a script without
spaces between words, to see how `doppel find` holds up on corpora in
Chinese or Japanese, where every character is a token (the held-out sets
may come from sites in other languages).

  bench/ideographs.py BENCH OUT

Every ASCII word of every document becomes one to three CJK ideographs
(by its length: up to 3 letters one, up to 7 two, else three), chosen by a
hash of the lower-cased word from 2,500 of them, so a word is the same
characters wherever it is and different words may share characters, as
Chinese words do. Spaces between two words are dropped, "." and "," become
the CJK full stop and comma; everything else (digits, other punctuation,
line breaks, non-ASCII text) stays. Run a degradation first to combine
them (`bench/degrade.py BENCH D tail40 0.5 1`, then `bench/ideographs.py D
OUT`). OUT gets docs.jsonl and links to BENCH's truth.jsonl and
stories.jsonl, so `../shared/eval/score.py OUT --clusters C.jsonl` scores
copy detection (not cleaning or fusion: the truth's texts stay in
English). Python 3 standard library only.
"""
import hashlib
import random
import re
import sys

from eval_copy import write_changed_copy

IDEOGRAPHS = [chr(0x4E00 + 7 * i) for i in range(2500)]  # spread over U+4E00..U+9255
PIECE = re.compile(r"[A-Za-z]+|[^A-Za-z]")


def word(w):
    h = int.from_bytes(hashlib.md5(w.lower().encode()).digest()[:8], "little")
    out = ""
    for _ in range(1 if len(w) <= 3 else 2 if len(w) <= 7 else 3):
        out += IDEOGRAPHS[h % len(IDEOGRAPHS)]
        h //= len(IDEOGRAPHS)
    return out


def ideographs(text):
    pieces = PIECE.findall(text)
    out = []
    for i, p in enumerate(pieces):
        if p.isascii() and p.isalpha():
            out.append(word(p))
        elif p == " " and 0 < i < len(pieces) - 1 and pieces[i - 1].isascii() and pieces[i - 1].isalpha() \
                and pieces[i + 1].isascii() and pieces[i + 1].isalpha():
            continue
        else:
            out.append({".": "\u3002", ",": "\uff0c"}.get(p, p))
    return "".join(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    write_changed_copy(sys.argv[1], sys.argv[2], 1.0, random.Random(1), lambda text, rng: ideographs(text))


if __name__ == "__main__":
    main()
