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
  tail40     only the last 40% of the words (at least 30): the top cut off
  middle30   only a window of 30% of the words (at least 30) at a random place
  wrap       hard-wrapped at 40 characters, a word of 7 letters or more
             split at the wrap with a hyphen (a printed column)
  ascii      accents and other marks dropped, non-Latin letters kept
             (ASCII folding: "café" -> "cafe")
  ads        a line "ADVERTISEMENT" or "Continue reading below" after every
             second line
  dupparas   every third line repeated right after itself
  teasers    a "Related stories" box at the end with teasers of three
             random stories of BENCH's stories.jsonl: each its headline
             and the first sentence of its first line of more than 12
             words (a news site's box of other stories with their lead)
  teasersabove  the same box above the last three lines (a footer)
  nextarticle   a line "Next article" and the whole gold text of a random
             story of BENCH's stories.jsonl after the page (a scrape of an
             endless page that loaded the next article)
  links      Markdown links inline: a run of one to three words in a
             line, every 8 to 16 words, becomes [words](address), with an
             address of a dozen words (https://www.HOST.com/SECTION/.../
             SLUG-NUMBER; the same words, the same address), as a page
             converted to Markdown keeps its links
OUT gets docs.jsonl and links to BENCH's truth.jsonl and stories.jsonl, so
`../shared/eval/score.py OUT --clusters C.jsonl` scores it. Python 3
standard library only.
"""
import json
import os
import random
import re
import sys
import unicodedata

from eval_copy import write_changed_copy


def insert_after(text, every, make):
    """After every `every`-th line of text, a line make(that line)."""
    out = []
    for i, line in enumerate(text.split("\n")):
        out.append(line)
        if i % every == every - 1:
            out.append(make(line))
    return "\n".join(out)


def teaser(story):
    """A story's headline (its first line) and the first sentence of its
    first line of more than 12 words."""
    lines = [line for line in story["text"].split("\n") if line.strip()]
    body = next((line for line in lines[1:] if len(line.split()) > 12), "")
    first = re.split(r"(?<=[.!?])\s+", body)[0] if body else ""
    return lines[0] + ("\n" + first if first else "")


LINK_WORDS = ["news", "world", "politics", "tech", "story", "report", "update", "section", "article", "2012"]


def link_address(words):
    # The same words link to the same address wherever they are (a site's
    # menu links the same pages on every page).
    rng = random.Random(" ".join(words))
    host = rng.choice(["example", "dailynews", "worldreport", "techsite", "citypaper"])
    path = "/".join(rng.choice(LINK_WORDS) for _ in range(rng.randint(1, 3)))
    slug = "-".join(rng.choice(LINK_WORDS) for _ in range(rng.randint(2, 6)))
    return f"https://www.{host}.com/{path}/{slug}-{rng.randint(1000, 999999)}"


def inline_links(line, rng):
    words = line.split(" ")
    i = rng.randint(0, 12)
    while i + 3 < len(words):
        k = rng.randint(1, 3)
        address = link_address(words[i:i + k])
        words[i] = "[" + words[i]
        words[i + k - 1] += "](" + address + ")"
        i += k + rng.randint(8, 16)
    return " ".join(words)


def degrade(kind, text, rng, stories=None):
    if kind == "links":
        return "\n".join(inline_links(line, rng) for line in text.split("\n"))
    if kind == "nextarticle":
        return text + "\nNext article\n" + rng.choice(stories)["text"]
    if kind in ("teasers", "teasersabove"):
        box = ["Related stories"] + [teaser(rng.choice(stories)) for _ in range(3)]
        lines = text.split("\n")
        at = len(lines) if kind == "teasers" else max(1, len(lines) - 3)
        return "\n".join(lines[:at] + box + lines[at:])
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
    if kind == "tail40":
        words = text.split(" ")
        return " ".join(words[len(words) - max(30, len(words) * 4 // 10):])
    if kind == "middle30":
        words = text.split(" ")
        keep = max(30, len(words) * 3 // 10)
        start = rng.randrange(max(1, len(words) - keep + 1))
        return " ".join(words[start:start + keep])
    if kind == "wrap":
        out, line = [], ""
        for word in text.split():
            room = 40 - len(line) - (1 if line else 0)
            if len(word) > room and len(word) >= 7 and room >= 4:
                # Split the word: its head and a hyphen end the line.
                cut = min(room - 1, len(word) - 3)
                out.append((line + " " if line else "") + word[:cut] + "-")
                line = word[cut:]
            elif len(word) > room and line:
                out.append(line)
                line = word
            else:
                line = line + " " + word if line else word
        if line:
            out.append(line)
        return "\n".join(out)
    if kind == "ascii":
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if kind == "ads":
        return insert_after(text, 2, lambda line: rng.choice(["ADVERTISEMENT", "Continue reading below"]))
    if kind == "dupparas":
        return insert_after(text, 3, lambda line: line)
    sys.exit(f"unknown KIND {kind}\n\n{__doc__}")


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    bench, out, kind, fraction = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) == 6 else 1)
    stories = None
    if kind.startswith("teasers") or kind == "nextarticle":
        with open(os.path.join(bench, "stories.jsonl"), encoding="utf-8") as f:
            stories = [json.loads(line) for line in f]
    write_changed_copy(bench, out, fraction, rng, lambda text, r: degrade(kind, text, r, stories))


if __name__ == "__main__":
    main()
