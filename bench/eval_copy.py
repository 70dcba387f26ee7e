"""Writes a copy of an eval benchmark folder whose documents were changed
by a function, with links to the folder's answers, so that
`../shared/eval/score.py OUT --clusters C.jsonl` scores it (used by
ocr_noise.py and degrade.py). Python 3 standard library only.
"""
import json
import os


def write_changed_copy(bench, out, fraction, rng, change):
    """Copies BENCH/docs.jsonl to OUT/docs.jsonl with change(text, rng)
    applied to a random `fraction` of the documents (one rng draw per
    document, then the change's own draws), and links BENCH's truth.jsonl
    and stories.jsonl into OUT."""
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(bench, "docs.jsonl"), encoding="utf-8") as f, \
            open(os.path.join(out, "docs.jsonl"), "w", encoding="utf-8") as g:
        for line in f:
            doc = json.loads(line)
            if rng.random() < fraction:
                doc["text"] = change(doc["text"], rng)
            g.write(json.dumps(doc, ensure_ascii=False) + "\n")
    for name in ("truth.jsonl", "stories.jsonl"):
        link = os.path.join(out, name)
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.abspath(os.path.join(bench, name)), link)
