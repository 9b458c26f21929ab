#!/usr/bin/env bash
# Every JMH suite in one command: the GWF decoding suite with its ratios (run-gwf.sh), then the
# numerical kernels (SnapshotBenchmark, SignalBenchmark), from one build. About 6 minutes on a
# 2-vCPU machine. Results under benchmarks/results/ (ignored by git); the figures, ratios and
# targets are tabled in BENCHMARKS.md.
#
#   benchmarks/run-jmh.sh                 # build offline, run everything
#   MVN_OFFLINE= benchmarks/run-jmh.sh    # let Maven download what it lacks (first build)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw ${MVN_OFFLINE--o} -B -q -Pbenchmarks -pl gwf,shm,kernels,daemon,benchmarks package -DskipTests
SKIP_BUILD=1 benchmarks/run-gwf.sh
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
java -jar benchmarks/target/benchmarks.jar 'org.strainline.benchmarks.(Snapshot|Signal)Benchmark.*' -prof gc \
  -rf json -rff "benchmarks/results/kernels-$STAMP.json" | tee "benchmarks/results/kernels-$STAMP.log"
echo "results: benchmarks/results/gwf-*.{json,md} and benchmarks/results/kernels-$STAMP.json"
