#!/usr/bin/env bash
# Builds the JMH benchmarks, runs the GWF decode benchmarks and prints the ratios the targets are
# stated in (see BENCHMARKS.md): JMH's figures, the same ratios measured in interleaved pairs
# (robust to load that changes during the run) and the exact per-thread allocation of each
# operation. About 3.5 minutes on a 2-vCPU machine.
#
#   benchmarks/run-gwf.sh                 # build offline, run, report
#   MVN_OFFLINE= benchmarks/run-gwf.sh    # let Maven download what it lacks (first build)
#   SKIP_BUILD=1 benchmarks/run-gwf.sh    # reuse benchmarks/target/benchmarks.jar
#   benchmarks/run-gwf.sh -prof stack     # extra arguments go to JMH
#
# Results: benchmarks/results/gwf-<UTC timestamp>.{json,log,md} (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${SKIP_BUILD:-}" ]]; then
  ./mvnw ${MVN_OFFLINE--o} -B -q -Pbenchmarks -pl gwf,shm,kernels,daemon,benchmarks package -DskipTests
  # what the jar was built from, for the report
  echo "$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- gwf/src/main 2>/dev/null \
    || echo ' plus uncommitted changes to gwf/src/main')" > benchmarks/target/built-from.txt
fi

JAR=benchmarks/target/benchmarks.jar
mkdir -p benchmarks/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=benchmarks/results/gwf-$STAMP

java -jar "$JAR" 'org.strainline.benchmarks.GwfDecode.*' \
  -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc \
  -rf json -rff "$OUT.json" "$@" | tee "$OUT.log"

{
  echo "GWF decode benchmarks, $(date -u +%Y-%m-%d), $(nproc) CPUs, $(java -version 2>&1 | head -1)"
  echo "jar built from commit $(cat benchmarks/target/built-from.txt 2>/dev/null || echo '? (built outside this script)')"
  echo
  java -cp "$JAR" org.strainline.benchmarks.GwfRatios "$OUT.json"
  echo
  echo "Interleaved pairs:"
  echo
  java -Xms512m -Xmx512m -cp "$JAR" org.strainline.benchmarks.GwfPairedRatios 40
  echo
  echo "Allocation on the benchmark thread (exact):"
  echo
  java -Xms512m -Xmx512m -cp "$JAR" org.strainline.benchmarks.GwfAllocCheck 2
} | tee "$OUT.md"
