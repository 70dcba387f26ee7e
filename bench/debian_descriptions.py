#!/usr/bin/env python3
"""Writes the Debian package descriptions as JSONL ({"id", "text"}) for benchmarks.

Reads the apt lists' Translation-en files (lz4-compressed, as apt stores them):
    apt-get update -o Acquire::Languages=en
    bench/debian_descriptions.py OUT.jsonl
"""
import glob, json, subprocess, sys


def records(raw):
    pkg, lines = None, []
    for line in raw.splitlines() + [""]:
        if not line:
            if pkg is not None and lines:
                yield pkg, "\n".join(lines)
            pkg, lines = None, []
        elif line.startswith("Package: "):
            pkg = line[len("Package: "):]
        elif line.startswith("Description-en: "):
            lines.append(line[len("Description-en: "):])
        elif line.startswith(" ") and lines:
            lines.append("" if line.strip() == "." else line[1:])


def main():
    files = sorted(glob.glob("/var/lib/apt/lists/*_i18n_Translation-en*"))
    if not files:
        sys.exit("no Translation-en lists: run apt-get update -o Acquire::Languages=en")
    n = 0
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        for path in files:
            cmd = ["lz4", "-dc", path] if path.endswith(".lz4") else ["cat", path]
            raw = subprocess.run(cmd, check=True, capture_output=True).stdout.decode("utf-8", "replace")
            for pkg, text in records(raw):
                n += 1
                out.write(json.dumps({"id": "%s#%d" % (pkg, n), "text": text}, ensure_ascii=False) + "\n")
    print("%d descriptions" % n, file=sys.stderr)


if __name__ == "__main__":
    main()
