#!/usr/bin/env bash
# Strainline side by side with the naive PyTorch peer (benchmarks/peer/naive_pytorch.py): the same
# simulated H1 + L1 data (simulate, then `strainline frame export` at 4096 Hz for the peer), the
# same weights (the peer loads them from the committed ONNX files and checks them against the
# PyTorch reference outputs), the same rates (DeepClean 64 windows/s, 0.5-s aggregation, 58-62 Hz
# band-pass with 0.5-s look-ahead; BBHnet 4 windows/s, 64-s PSD, 1.5-s integration). Runs
# alternate: peer, Strainline, peer, Strainline, ... Strainline is `strainline validate` over the
# frame files (GWF decoding and resampling from 16384 Hz included; its throughput.json times the
# daemon from start to stop); the peer's time is its loop over the seconds. Then the outputs are
# compared (benchmarks/peer/compare.py). The peer runs tuned: OPENBLAS_NUM_THREADS=1 and the two
# MALLOC_ settings (otherwise OpenBLAS oversubscribes the cores and page faults cost it 30-50%).
#
#   benchmarks/run-peer.sh                       # 200 s of data, 2 runs of each
#   SECONDS_OF_DATA=120 RUNS=1 benchmarks/run-peer.sh
#
# Needs: the built jar, and Debian's python3-torch python3-onnx python3-scipy python3-yaml.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
sl="$root/bin/strainline"
py=${PYTHON:-/usr/bin/python3}
n=${SECONDS_OF_DATA:-200}
runs=${RUNS:-2}
work=${WORK:-/tmp/strainline-peer}
start=1400000000
rm -rf "$work"
mkdir -p "$work/npy"
"$sl" simulate --out "$work/frames" --start "$start" --duration "$n" --seed 91 --injections 0.03 --compression raw > "$work/simulate.log"
for ifo in H1 L1; do
  chans=$("$py" -c "import yaml,sys; print(','.join(yaml.safe_load(open(sys.argv[1]))['channels']))" \
      "$root/models/repository/deepclean-${ifo,,}/1/model.yaml")
  "$sl" frame export --from "$work/frames/lldetchar/$ifo" --channels "$chans" --start "$start" --duration "$n" --rate 4096 \
      --float32 --to "$work/npy/$ifo-witnesses.npy" > /dev/null
  "$sl" frame export --from "$work/frames/kafka/$ifo" --channels "$ifo:GDS-CALIB_STRAIN" --start "$start" --duration "$n" \
      --rate 4096 --to "$work/npy/$ifo-strain.npy" > /dev/null
done
# the daemon's decimation filter 4096 -> 2048 Hz (BBHnet was trained behind it), for the peer
printf '%s\n' 'org.strainline.daemon.Npy.write(java.nio.file.Path.of(System.getProperty("taps")), new double[][] {org.strainline.kernels.Resampler.design(4096, 2048)}, false);' '/exit' > "$work/taps.jsh"
"${JAVA_HOME:+$JAVA_HOME/bin/}jshell" -R-Dtaps="$work/npy/taps.npy" --class-path "$root/daemon/target/strainline.jar" "$work/taps.jsh" > /dev/null
export OPENBLAS_NUM_THREADS=1 MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000
peer=()
ours=()
for r in $(seq 1 "$runs"); do
  "$py" "$here/peer/naive_pytorch.py" --data "$work/npy" --repository "$root/models/repository" --threads 2 \
      --taps "$work/npy/taps.npy" --out "$work/peer-$r.npz" > "$work/peer-$r.json"
  peer+=("$("$py" -c "import json,sys; print(json.load(open(sys.argv[1]))['seconds_per_second'])" "$work/peer-$r.json")")
  "$sl" validate --data "$work/frames" --report "$work/ours-$r" > "$work/ours-$r.log" 2>&1 || {
    echo "strainline validate failed: $work/ours-$r.log" >&2; tail -20 "$work/ours-$r.log" >&2; exit 1; }
  ours+=("$("$py" -c "import json,sys; print(json.load(open(sys.argv[1]))['seconds_per_second'])" "$work/ours-$r/throughput.json")")
  echo "run $r: peer ${peer[-1]} s/s, strainline ${ours[-1]} s/s"
done
for ifo in H1 L1; do
  "$sl" frame export --from "$work/ours-1/cleaned/$ifo" --channels "$ifo:GDS-CALIB_STRAIN_DEEPCLEAN_PRODUCTION_OUT_DQ" \
      --start "$start" --duration "$n" --to "$work/npy/$ifo-cleaned.npy" > /dev/null
done
cmp=$("$py" "$here/peer/compare.py" --peer "$work/peer-1.npz" --ours-npy "$work/npy" --statistic "$work/ours-1/statistic.npy" \
      --start "$start")
"$py" - "$work" "$n" "${peer[*]}" "${ours[*]}" "$cmp" <<'PY'
import json, statistics, sys
work, n, peer, ours, cmp = sys.argv[1], int(sys.argv[2]), [float(x) for x in sys.argv[3].split()], \
    [float(x) for x in sys.argv[4].split()], json.loads(sys.argv[5])
p, o = statistics.median(peer), statistics.median(ours)
tp = json.load(open(f"{work}/ours-1/throughput.json"))
# the tolerance the outputs must agree within: the subtracted noise to 1% RMS per IFO, the
# detection statistic correlated at 0.999 or better with a median difference under 0.1
agree = all(cmp[i]["subtracted_rel_rms_difference"] <= 0.01 for i in ("H1", "L1")) \
    and cmp["statistic"]["correlation"] >= 0.999 and cmp["statistic"]["median_abs_difference"] <= 0.1
lines = [f"data: {n} s of H1 + L1, {len(peer)} alternating runs of each",
         f"peer (PyTorch, naive, tuned): {p:.2f} s of data per second (runs: {', '.join(f'{x:.2f}' for x in peer)})",
         f"strainline: {o:.2f} s of data per second (runs: {', '.join(f'{x:.2f}' for x in ours)})",
         f"ratio strainline / peer: {o / p:.2f}",
         "strainline latency per stage and engine run (p50 / p99 ms; stages include the backlog's queueing):"]
lines += [f"  {k}: {v['p50_ms']:.1f} / {v['p99_ms']:.1f}" for k, v in tp["latency"].items()]
lines += ["outputs: " + json.dumps(cmp),
          "outputs agree within tolerance (subtracted noise <= 1% RMS, statistic correlation >= 0.999, median |diff| <= 0.1): "
          + ("yes" if agree else "NO")]
print("\n".join(lines))
open(f"{work}/summary.txt", "w").write("\n".join(lines) + "\n")
PY
