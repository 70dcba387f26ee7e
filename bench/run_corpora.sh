#!/usr/bin/env bash
# Times doppel on real corpora next to `wc -w` over the same bytes, in the
# same run, and reports MB/s and peak memory.
#   bench/run_corpora.sh [RESULTS.md]
# Needs ../shared/eval (syndicate-dev, reuters21578) and the apt lists for the
# Debian package descriptions (apt-get update -o Acquire::Languages=en; lz4).
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${EVAL:-../shared/eval}
DOPPEL=${DOPPEL:-build/doppel}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v lz4 >/dev/null || { echo "bench needs lz4 (apt-get install lz4)" >&2; exit 2; }
python3 bench/debian_descriptions.py "$work/debian.jsonl"
# One file of all three corpora, ids made unique by a prefix.
python3 - "$EVAL" "$work" <<'PY'
import json, sys
ev, work = sys.argv[1], sys.argv[2]
with open(work + "/all.jsonl", "w", encoding="utf-8") as out:
    for name, path, idf in [("reuters", ev + "/reuters21578/docs.jsonl", "newid"),
                            ("syndicate", ev + "/syndicate-dev/docs.jsonl", "id"),
                            ("debian", work + "/debian.jsonl", "id")]:
        for line in open(path, encoding="utf-8"):
            r = json.loads(line)
            out.write(json.dumps({"id": "%s:%s" % (name, r[idf]), "text": r["text"]}, ensure_ascii=False) + "\n")
PY

now() { date +%s.%N; }
best_of() {  # best_of N CMD...: prints the best wall time of N runs
  local n=$1; shift; local best=""
  for _ in $(seq "$n"); do
    local t0 t1; t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
    best=$(python3 -c "import sys; a=float(sys.argv[1]); b=sys.argv[2]; print(a if not b else min(a,float(b)))" "$(echo "$t1 - $t0" | bc -l)" "$best")
  done
  echo "$best"
}

report() {  # report NAME FILE DOPPEL-ARGS...
  local name=$1 file=$2; shift 2
  local mb; mb=$(python3 -c "import os,sys; print(os.path.getsize(sys.argv[1])/1e6)" "$file")
  local docs; docs=$(grep -c . "$file")
  cat "$file" >/dev/null  # warm the page cache
  local wc_t; wc_t=$(best_of 3 wc -w "$file")
  local d_t; d_t=$(best_of 3 "$DOPPEL" -q "$@" "$file")
  "$DOPPEL" -q "$@" --summary "$work/s.json" "$file" >/dev/null 2>&1 || "$DOPPEL" -q "$@" "$file" >/dev/null
  local rss="n/a"; [ -f "$work/s.json" ] && rss=$(python3 -c "import json,sys; print('%.1f' % (json.load(open(sys.argv[1]))['peak_rss_bytes']/1048576))" "$work/s.json")
  rm -f "$work/s.json"
  python3 - "$name" "$mb" "$docs" "$wc_t" "$d_t" "$rss" <<'PY'
import sys
name, mb, docs, wc, d, rss = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
print("| %s | %.1f | %d | %.3f | %.0f | %.3f | %.0f | %.0f | %.2f | %s |" % (
    name, mb, docs, wc, mb / wc, d, mb / d, docs / d, d / wc, rss))
PY
}

{
echo "doppel $(git rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) cores, $(date -u +%F)"
echo
echo "| run | MB | docs | wc -w s | wc -w MB/s | doppel s | doppel MB/s | docs/s | doppel / wc | peak MiB |"
echo "|---|---|---|---|---|---|---|---|---|---|"
report "dedup all 3 corpora" "$work/all.jsonl" dedup -o /dev/null
report "dedup reuters21578" "$EVAL/reuters21578/docs.jsonl" dedup --id-field newid -o /dev/null
report "dedup syndicate-dev" "$EVAL/syndicate-dev/docs.jsonl" dedup -o /dev/null
report "dedup debian descriptions" "$work/debian.jsonl" dedup -o /dev/null
if "$DOPPEL" find --help >/dev/null 2>&1; then
  report "find syndicate-dev" "$EVAL/syndicate-dev/docs.jsonl" find --source-field url --clusters /dev/null
  report "find all 3 corpora" "$work/all.jsonl" find --clusters /dev/null
fi
if "$DOPPEL" fuse --help >/dev/null 2>&1; then
  report "fuse syndicate-dev" "$EVAL/syndicate-dev/docs.jsonl" fuse --source-field url --clusters /dev/null --clean /dev/null --fused /dev/null
fi
} | tee "${1:-/dev/stdout}"
