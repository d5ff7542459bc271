#!/usr/bin/env bash
# Clean builds in a row, as CI builds the book: `benchmarks/repeat_clean_builds.sh [N]` (default 20).
# Each run removes _build (and with it the execution cache), runs `reviewkit build` and prints one line:
# run number, exit code, wall seconds and, on failure, the log's last lines. Exits non-zero if any run failed.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
failed=0
log=$(mktemp)
for i in $(seq 1 "$runs"); do
  rm -rf _build
  start=$(date +%s%N)
  .venv/bin/reviewkit build >"$log" 2>&1
  rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf 'run %2d  exit %d  %3d.%d s\n' "$i" "$rc" $((ms / 1000)) $((ms % 1000 / 100))
  if [ "$rc" -ne 0 ]; then
    failed=$((failed + 1))
    tail -n 20 "$log" | sed 's/^/    /'
  fi
done
rm -f "$log"
echo "$((runs - failed)) of $runs clean builds passed"
[ "$failed" -eq 0 ]
