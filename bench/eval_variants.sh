#!/usr/bin/env bash
# Scores `doppel find --source-field url` on syndicate-dev and 47 variants
# of it that the held-out sets may resemble: OCR noise at 4/8/12% on every
# document and at 4/8% on half (bench/ocr_noise.py, seed 2), the eight
# subsets of bench/eval_subsets.py (clean, and of the 4% and 8% variants),
# and eighteen bench/degrade.py kinds on half of the documents (seed 1).
#   bench/eval_variants.sh [OUT]   (default OUT: eval-variants.txt)
#   DOPPEL=/path/to/doppel VARIANTS=/tmp/variants bench/eval_variants.sh ...
#   SOURCE_FIELD= bench/eval_variants.sh ...   (no source field: sources inferred)
# The variants are written once to VARIANTS (default: a folder in /tmp)
# and reused. OUT gets one line per variant: name, pair F1, B-cubed F1,
# pair precision; compare two runs with `diff` or bench/eval_compare.py.
set -euo pipefail
cd "$(dirname "$0")/.."
DOPPEL=${DOPPEL:-build/doppel}
SOURCE_FIELD=${SOURCE_FIELD-url}
source_args=()
[ -n "$SOURCE_FIELD" ] && source_args=(--source-field "$SOURCE_FIELD")
BENCH=${BENCH:-../shared/eval/syndicate-dev}
VARIANTS=${VARIANTS:-/tmp/doppel-eval-variants}
out=${1:-eval-variants.txt}
if [ ! -e "$VARIANTS/done" ]; then
  mkdir -p "$VARIANTS"
  for r in 0.04 0.08 0.12; do python3 bench/ocr_noise.py "$BENCH" "$VARIANTS/noise$r" $r 1.0 2; done
  for r in 0.04 0.08; do python3 bench/ocr_noise.py "$BENCH" "$VARIANTS/noiseh$r" $r 0.5 2; done
  python3 bench/eval_subsets.py "$BENCH" "$VARIANTS/sub" > /dev/null
  for r in 0.04 0.08; do python3 bench/eval_subsets.py "$VARIANTS/noise$r" "$VARIANTS/subn$r" > /dev/null; done
  for k in mojibake entities lower upper nopunct shy nfd shuffle nbsp crlf htmltags cut30 \
      tail40 middle30 wrap ascii ads dupparas; do
    python3 bench/degrade.py "$BENCH" "$VARIANTS/deg_$k" $k 0.5 1
  done
  touch "$VARIANTS/done"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dirs=("$BENCH")
for d in "$VARIANTS"/noise* "$VARIANTS"/deg_* "$VARIANTS"/sub/*/ "$VARIANTS"/subn0.04/*/ "$VARIANTS"/subn0.08/*/; do
  dirs+=("${d%/}")
done
: > "$out"
for d in "${dirs[@]}"; do
  name=${d#"$VARIANTS"/}
  [ "$d" = "$BENCH" ] && name=$(basename "$BENCH")
  "$DOPPEL" -q find "${source_args[@]}" --clusters "$work/c.jsonl" "$d/docs.jsonl"
  python3 ../shared/eval/score.py "$d" --clusters "$work/c.jsonl" --json |
    python3 -c 'import json, sys; s = json.load(sys.stdin)
print(sys.argv[1], *("%.4f" % s[k] for k in ("pair_f1", "bcubed_f1", "pair_precision")))' "$name" >> "$out"
done
echo "$out: ${#dirs[@]} variants"
