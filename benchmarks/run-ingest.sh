#!/usr/bin/env bash
# Builds the benchmarks jar and runs the ingest latency harness (IngestHarness) for gzip and raw
# frames: detection latency rename() -> ring against a bare inotify read and a WatchService reader,
# decode+assemble of one H1 second against memcpy and the bare decoder, idle CPU against a
# spinning reader. About 3 minutes per compression on a 2-vCPU machine with the defaults.
#
#   benchmarks/run-ingest.sh                  # 10,000 seconds per contender, a second every 4 ms
#   SECONDS_PER=2000 benchmarks/run-ingest.sh # a quicker look
#   SKIP_BUILD=1 benchmarks/run-ingest.sh     # reuse benchmarks/target/benchmarks.jar
#
# Results: benchmarks/results/ingest-<UTC timestamp>-{gzip,raw}.md (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${SKIP_BUILD:-}" ]]; then
  ./mvnw ${MVN_OFFLINE--o} -B -q -Pbenchmarks -pl gwf,shm,kernels,daemon,benchmarks package -DskipTests
fi
JAR=benchmarks/target/benchmarks.jar
mkdir -p benchmarks/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
for c in gzip raw; do
  OUT=benchmarks/results/ingest-$STAMP-$c.md
  { echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"; \
    java -Xms1g -Xmx1g -cp "$JAR" org.strainline.benchmarks.IngestHarness "${SECONDS_PER:-10000}" "$c" "${PACE_US:-4000}" 2>/dev/null; } \
    | tee "$OUT"
done
