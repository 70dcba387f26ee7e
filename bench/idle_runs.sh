#!/usr/bin/env bash
# Times first runs after an idle spell: on a virtual machine whose host
# takes freed memory back, a run's fresh pages then cost several times
# more to fault in than in back-to-back runs (bench/README.md).
#   bench/idle_runs.sh ROUNDS SECONDS FILE DOPPEL [DOPPEL...]
# Each round, for each binary: sleeps SECONDS, times `wc -w FILE`, then
# `DOPPEL -q find --source-field url --clusters C --pairs P FILE` (scratch
# outputs in a temporary folder). Prints the machine (bench/host.sh), then
# one line per run: binary, wall seconds of doppel, of wc -w, and their
# ratio; then the median ratio per binary.
set -euo pipefail
if [ $# -lt 4 ]; then
  sed -n '2,10p' "$0"
  exit 2
fi
rounds=$1 idle=$2 file=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
bash "$(dirname "$0")/host.sh"
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    sleep "$idle"
    t0=$(now); wc -w "$file" > /dev/null; t1=$(now)
    "$bin" -q find --source-field url --clusters "$work/c.jsonl" --pairs "$work/p.jsonl" "$file"; t2=$(now)
    python3 -c "import sys; w, d = $t1 - $t0, $t2 - $t1; print(f'{sys.argv[1]} {d:.3f} {w:.3f} {d / w:.2f}')" "$bin"
  done
done | tee "$work/runs.txt"
python3 - "$work/runs.txt" <<'EOF'
import collections, statistics, sys
ratios = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, _, _, ratio = line.split()
    ratios[name].append(float(ratio))
for name, r in ratios.items():
    print(f"{name}: median {statistics.median(r):.2f} x wc -w over {len(r)} runs")
EOF
