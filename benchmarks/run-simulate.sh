#!/usr/bin/env bash
# The simulator's speed: simulate 600 s of H1+L1 (strain, witnesses, injections every 50 s) three
# times, gzip and raw frames, into a temporary directory; prints each run's real-time factor.
#   benchmarks/run-simulate.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for run in 1 2 3; do
  for c in gzip raw; do
    rm -rf "$out/$c"
    echo -n "run $run $c: "
    bin/strainline simulate --out "$out/$c" --start 1400000000 --duration "$secs" --seed "$run" --injections 0.02 --compression "$c"
  done
done
