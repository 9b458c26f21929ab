#!/usr/bin/env bash
# The inference engines beside Debian's PyTorch, the same weights, at each batch size: the ONNX
# Runtime engine as the daemon opens it (benchmarks EngineHarness: the committed models, DeepClean
# H1 on its CPU graph and on model.onnx, BBHnet, and the full-size aframe network exported with
# random weights) and PyTorch (benchmarks/peer/engine_peer.py, weights loaded from the same ONNX
# files), alternating round by round, with the sgemm rate measured in each PyTorch round. PyTorch
# runs tuned: OPENBLAS_NUM_THREADS=1 and the two MALLOC_ settings.
#
#   benchmarks/run-engines.sh                          # 1 thread (as the daemon runs each engine), 2 rounds
#   THREADS=2 ROUNDS=1 BATCHES=1,4,64 benchmarks/run-engines.sh
#   FULL_MAX_BATCH=512 benchmarks/run-engines.sh       # the full aframe network up to batch 512 (default 128)
#
# Needs Debian's python3-torch python3-onnx python3-scipy python3-yaml. Results:
# benchmarks/results/engines-<UTC timestamp>.md (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
py=${PYTHON:-/usr/bin/python3}
threads=${THREADS:-1}
rounds=${ROUNDS:-2}
batches=${BATCHES:-1,2,4,8,16,32,64,128,256,512}
full_max=${FULL_MAX_BATCH:-128}
work=${WORK:-/tmp/strainline-engines}
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || ./mvnw -B -q -Pbenchmarks -pl gwf,shm,kernels,daemon,benchmarks package -DskipTests
rm -rf "$work"
mkdir -p "$work/aframe-full/1" benchmarks/results
"$py" models/export_aframe_full.py "$work/aframe-full/1/model.onnx" > "$work/export.log"
bb=models/repository/bbhnet/$(ls models/repository/bbhnet | sort -n | tail -1)
"$py" - "$bb/model.yaml" "$work/aframe-full/1/model.yaml" <<'PY'
import sys, yaml
card = yaml.safe_load(open(sys.argv[1]))
card.update(name="aframe-full", version=1)
card["architecture"].update(blocks=[3, 4, 6, 3], widths=[64, 128, 256, 512])
card.pop("onnx_sha256", None)
yaml.safe_dump(card, open(sys.argv[2], "w"), sort_keys=False)
PY
dc=models/repository/deepclean-h1/1
af="$work/aframe-full/1"
export OPENBLAS_NUM_THREADS=1 MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 ORT_DISABLE_TELEMETRY=1
for r in $(seq 1 "$rounds"); do
  echo "round $r: PyTorch" >&2
  "$py" benchmarks/peer/engine_peer.py --out "$work/torch-$r.jsonl" --threads "$threads" --batches "$batches" \
      "deepclean-h1=$dc" "bbhnet=$bb" "aframe-full=$af@$full_max" > "$work/torch-$r.log"
  echo "round $r: ONNX Runtime" >&2
  java -Xms2g -Xmx4g -cp "$jar" org.strainline.benchmarks.EngineHarness --out "$work/ort-$r.jsonl" --threads "$threads" \
      --batches "$batches" "deepclean-h1=$dc" "deepclean-h1/model.onnx=$dc:onnx" "deepclean-h1/span=$dc:span" "bbhnet=$bb" "aframe-full=$af@$full_max" \
      > "$work/ort-$r.log" 2>&1
done
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="benchmarks/results/engines-$stamp.md"
{
  echo "# Engines, $(date -u +%F), $(nproc) CPUs, $threads thread(s), $rounds round(s)"
  echo
  "$py" benchmarks/peer/engines_table.py "$work"
} | tee "$out"
echo "-> $out" >&2
