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
