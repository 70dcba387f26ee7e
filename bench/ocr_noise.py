#!/usr/bin/env python3
"""Makes a copy of an eval benchmark folder whose documents carry OCR-like
noise, to see how `doppel find` holds up on degradations the benchmark does
not have (the held-out sets have other ones, OCR noise among them).

  bench/ocr_noise.py BENCH OUT RATE FRACTION [SEED] [CONFUSIONS]

A FRACTION of the documents (chosen at random) get noise: at each
character, with probability RATE, one of these (in brackets, its chance):
a confusion such as rn/m, l/1, O/0, e/c or cl/d, where one starts here
(0.6); two words merged, at a space (0.1); a word split, after a letter
(0.1); a hyphenated line break, after a letter (0.1); the character
dropped (0.05); a stray punctuation mark inserted before it (0.05). Where
the drawn kind does not apply, the character is kept, so fewer than RATE
of the characters change.
CONFUSIONS picks the table: `classic` (the default, below: the look-alike
glyphs that doppel find folds, so it shows the most that folding gains),
`other` (look-alikes it does not fold: long s read as f, li/h, ri/n,
ii/u, in/m, g/q, y/v, c/o, k/lc, r/t), or `random` (any lower-case
letter for a letter: no look-alike at all). The last two show what
folding costs where it cannot help.
OUT gets docs.jsonl and links to BENCH's truth.jsonl and stories.jsonl, so
`../shared/eval/score.py OUT --clusters C.jsonl` scores it. Python 3
standard library only.
"""
import random
import sys

from eval_copy import write_changed_copy

CONFUSIONS = [("rn", "m"), ("m", "rn"), ("l", "1"), ("1", "l"), ("I", "l"), ("O", "0"), ("0", "O"),
              ("e", "c"), ("c", "e"), ("h", "b"), ("cl", "d"), ("d", "cl"), ("w", "vv"), ("fi", "fl"),
              ("a", "o"), ("u", "n"), ("n", "u"), ("t", "f"), ("i", "í"), ("S", "5"), ("B", "8"),
              (".", ","), (",", "."), ("'", "’")]
OTHER_CONFUSIONS = [("s", "f"), ("f", "s"), ("li", "h"), ("h", "li"), ("ri", "n"), ("n", "ri"), ("ii", "u"),
                    ("u", "ii"), ("in", "m"), ("m", "in"), ("g", "q"), ("q", "g"), ("y", "v"), ("v", "y"),
                    ("c", "o"), ("o", "c"), ("k", "lc"), ("r", "t"), ("t", "r"), ("E", "F"), ("D", "O"),
                    ("P", "R"), (".", ","), (",", ".")]
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def noisy(text, rate, rng, table="classic"):
    out, i, n = [], 0, len(text)
    while i < n:
        if rng.random() >= rate:
            out.append(text[i])
            i += 1
            continue
        kind = rng.random()
        c = text[i]
        if kind < 0.6 and table == "random":  # a letter for a letter
            out.append(rng.choice(LETTERS) if c.isalpha() else c)
            i += 1
        elif kind < 0.6:  # a confusion, where one starts here
            confusions = CONFUSIONS if table == "classic" else OTHER_CONFUSIONS
            for a, b in rng.sample(confusions, len(confusions)):
                if text.startswith(a, i):
                    out.append(b)
                    i += len(a)
                    break
            else:
                out.append(c)
                i += 1
        elif kind < 0.7:  # two words merged, at a space
            if c != " ":
                out.append(c)
            i += 1
        elif kind < 0.8:  # a word split, after a letter
            out.append(c + " " if c.isalpha() else c)
            i += 1
        elif kind < 0.9:  # a hyphenated line break, after a letter
            out.append(c + "-\n" if c.isalpha() else c)
            i += 1
        elif kind < 0.95:  # a dropped character
            i += 1
        else:  # a stray punctuation mark before the character
            out.append(rng.choice(".,;:'\"~"))
    return "".join(out)


def main():
    if len(sys.argv) not in (5, 6, 7) or (len(sys.argv) == 7 and sys.argv[6] not in ("classic", "other", "random")):
        sys.exit(__doc__)
    bench, out, rate, fraction = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) >= 6 else 1)
    table = sys.argv[6] if len(sys.argv) == 7 else "classic"
    write_changed_copy(bench, out, fraction, rng, lambda text, r: noisy(text, rate, r, table))


if __name__ == "__main__":
    main()
