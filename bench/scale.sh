#!/usr/bin/env bash
# How the cost of `doppel find` grows with corpus size, on generated
# news-like corpora (bench/gen_corpus): 10k, 100k and 1M documents.
#   bench/scale.sh [SIZES...]      (default: 10000 100000 1000000)
#   FIND_ARGS="--memory 8192" bench/scale.sh ...   (extra find flags)
# Prints docs, MB, seconds, docs/s, microseconds per document and peak
# memory; close-to-linear growth shows as a flat microseconds-per-document.
set -euo pipefail
cd "$(dirname "$0")/.."
DOPPEL=${DOPPEL:-build/doppel}
GEN=${GEN:-build/bench/gen_corpus}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| docs | MB | find s | docs/s | us/doc | read s | boilerplate s | candidates s | align s | peak MiB | clusters |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  "$GEN" "$n" 1 > "$work/c.jsonl"
  mb=$(python3 -c "import os,sys; print('%.0f' % (os.path.getsize(sys.argv[1])/1e6))" "$work/c.jsonl")
  # shellcheck disable=SC2086
  "$DOPPEL" -q find --source-field url ${FIND_ARGS:-} --summary "$work/s.json" --clusters /dev/null "$work/c.jsonl"
  python3 - "$n" "$mb" "$work/s.json" <<'PY'
import json, sys
n, mb, s = int(sys.argv[1]), sys.argv[2], json.load(open(sys.argv[3]))
t = s["seconds"]
st = s["stage_seconds"]
print("| %d | %s | %.2f | %.0f | %.1f | %.2f | %.2f | %.2f | %.2f | %.0f | %d |" % (
    n, mb, t, n / t, 1e6 * t / n, st["read+tokenize"], st["boilerplate"], st["candidates"], st["align"],
    s["peak_rss_bytes"] / 1048576, s["clusters"]))
PY
  rm -f "$work/c.jsonl"
done
