#!/usr/bin/env bash
# One command for a new user: install what doppel needs, build it, and run it
# on the small example corpus that ships with it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo
echo "== doppel dedup examples/news.jsonl (MinHash-LSH, Jaccard >= 0.8, verified)"
build/doppel dedup --id-field id --clusters "$out/clusters.jsonl" --pairs "$out/pairs.jsonl" \
  -o "$out/kept.jsonl" examples/news.jsonl
echo "-- duplicate pairs (--pairs):"
cat "$out/pairs.jsonl"
echo "-- kept documents (-o): $(wc -l < "$out/kept.jsonl") of $(grep -c . examples/news.jsonl)"
echo
echo "== doppel find examples/news.jsonl (partial copies by passage alignment)"
build/doppel find --source-field source --clusters "$out/stories.jsonl" --pairs "$out/passages.jsonl" \
  examples/news.jsonl
echo "-- stories with more than one copy (--clusters):"
python3 - "$out/stories.jsonl" <<'PY'
import collections, json, sys
groups = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    groups[r["cluster"]].append(r["id"])
for members in groups.values():
    if len(members) > 1:
        print("  " + ", ".join(members))
PY
echo
echo "== doppel fuse: one clean text per story"
build/doppel fuse --source-field source --clusters /dev/null --clean "$out/clean.jsonl" \
  --fused "$out/fused.jsonl" examples/news.jsonl
head -c 400 "$out/fused.jsonl"; echo " ..."
