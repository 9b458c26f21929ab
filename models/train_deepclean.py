#!/usr/bin/env python3
"""Train DeepClean for one interferometer on simulated data and write it into the model repository:
models/repository/deepclean-<ifo>/<version>/{model.onnx, model.yaml, reference/}.

    python3 models/train_deepclean.py --ifo H1            # about 10 minutes on 2 cores

The data come from the Java tools, so that training sees exactly what the daemon computes:
`strainline simulate` writes the frames, `strainline frame export --rate 4096` resamples strain
and witnesses with the daemon's own resampler. The first 300 s train, the rest is held out.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from strainline_models.deepclean import DeepClean  # noqa: E402
from strainline_models import dsp  # noqa: E402
from strainline_models import cpu_graph  # noqa: E402
from strainline_models.repository import write_version  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FS = 4096
LOOPS = ["INP1", "MICH", "PRC1", "PRC2", "SRC1", "SRC2", "DHARD", "CHARD", "DSOFT", "CSOFT"]


def witnesses(ifo):
    """As org.strainline.daemon.sim.Simulator.witnesses: 21 for H1, 18 for L1, sorted."""
    w = [ifo + ":PEM-CS_MAINSMON_EBAY_1_DQ"]
    for loop in LOOPS:
        for py in ("_P", "_Y"):
            n = f"{ifo}:ASC-{loop}{py}_OUT_DQ"
            if ifo == "L1" and ("SRC2" in n or n == "L1:ASC-INP1_Y_OUT_DQ"):
                continue
            w.append(n)
    return sorted(w)


def run(cmd):
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def online_average(pred, stride, total, latency):
    """OverlapAggregator: sample t is the mean of the windows covering it that end at most
    latency + stride after it (window w covers [w*stride, w*stride + K))."""
    w, k = pred.shape
    acc = np.zeros(total)
    cnt = np.zeros(total)
    for i in range(w):
        start, end = i * stride, i * stride + k
        lo = max(start, end - latency - stride)   # samples this window still reaches before release
        acc[lo:end] += pred[i, lo - start:]
        cnt[lo:end] += 1
    cnt[cnt == 0] = 1
    return acc / cnt


def post_fixture(pred, inf_stride, k, sstd, smean):
    """A small cross-check of the daemon's post-processing: 2 s of held-out predictions at a stride
    of 512 samples (every 8th window of the 64 Hz ones), aggregated with 0.75 s latency, un-scaled
    and band-passed 58-62 Hz."""
    span, step = 2 * FS, 512
    post_in = pred[::step // inf_stride][: (span - k) // step + 1].astype(np.float32)
    post_agg = online_average(post_in.astype(np.float64), step, span, int(0.75 * FS))
    post_bp = dsp.zero_phase(post_agg * sstd + smean, FS, 58, 62)
    return post_in, post_agg.astype(np.float32), post_bp.astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ifo", default="H1")
    ap.add_argument("--start", type=int, default=1400000000)
    ap.add_argument("--seconds", type=int, default=420)
    ap.add_argument("--train-seconds", type=int, default=300)
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("--environment-seed", type=int, default=0,
                    help="the simulated instrument's environment (strainline simulate's default, 0)")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--version", type=int, default=1)
    ap.add_argument("--work", default="/tmp/strainline-train-deepclean")
    ap.add_argument("--strainline", default=os.path.join(HERE, "..", "bin", "strainline"))
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    t0 = time.time()

    ifo = args.ifo
    wit = witnesses(ifo)
    root = os.path.join(args.work, ifo)
    simulate = [args.strainline, "simulate", "--out", root, "--ifos", ifo, "--start", str(args.start),
                "--duration", str(args.seconds), "--seed", str(args.seed), "--environment-seed", str(args.environment_seed)]
    run(simulate)
    npy = os.path.join(args.work, ifo + ".npy")
    run([args.strainline, "frame", "export", "--from", root, "--channels", ",".join([ifo + ":GDS-CALIB_STRAIN"] + wit),
         "--start", str(args.start + 1), "--duration", str(args.seconds - 1), "--rate", str(FS), "--float32", "--to", npy])
    data = np.load(npy).astype(np.float64)
    strain, x = data[0], data[1:]
    ntrain = args.train_seconds * FS

    # scaling from the training part
    wmean = x[:, :ntrain].mean(axis=1)
    wstd = x[:, :ntrain].std(axis=1)
    smean = float(strain[:ntrain].mean())
    sstd = float(strain[:ntrain].std())
    xs = ((x - wmean[:, None]) / wstd[:, None]).astype(np.float32)
    target = (dsp.zero_phase(strain, FS, 55, 65) / sstd).astype(np.float32)

    # training windows: 1 s every 1/8 s
    k, stride = FS, FS // 8
    starts = np.arange(0, ntrain - k, stride)
    xw = torch.from_numpy(np.stack([xs[:, s:s + k] for s in starts]))
    yw = torch.from_numpy(np.stack([target[s:s + k] for s in starts]))
    model = DeepClean(len(wit))
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.epochs)
    losses = []
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(starts))
        total = 0.0
        for b in range(0, len(perm), 32):
            idx = perm[b:b + 32]
            opt.zero_grad()
            loss = torch.mean((model(xw[idx]) - yw[idx]) ** 2)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()
        losses.append(total / len(perm))
        print(f"epoch {epoch + 1}/{args.epochs}: loss {losses[-1]:.5f} ({time.time() - t0:.0f} s)", flush=True)
    train_s = time.time() - t0

    # held-out: windows at 64 Hz, aggregated with 0.75 s latency, un-scaled, band-passed 58-62 Hz, subtracted
    model.eval()
    hx = xs[:, ntrain:]
    hs = strain[ntrain:]
    n = hs.size
    inf_stride = FS // 64
    hstarts = np.arange(0, n - k + 1, inf_stride)
    preds = []
    with torch.no_grad():
        for b in range(0, len(hstarts), 64):
            batch = np.stack([hx[:, s:s + k] for s in hstarts[b:b + 64]])
            preds.append(model(torch.from_numpy(batch)).numpy())
    pred = np.concatenate(preds).astype(np.float64)
    agg = online_average(pred, inf_stride, n, int(0.75 * FS))
    noise = dsp.zero_phase(agg * sstd + smean, FS, 58, 62)
    cleaned = hs - noise
    edge = 2 * FS    # the aggregation and filter edges
    f, praw = dsp.welch(hs[edge:-edge], FS, 8 * FS)
    _, pcln = dsp.welch(cleaned[edge:-edge], FS, 8 * FS)
    asd_raw, asd_cln = np.sqrt(praw), np.sqrt(pcln)
    i60 = np.argmin(abs(f - 60))
    reduction = float(asd_raw[i60] / asd_cln[i60])
    away = ((f >= 20) & (f <= 50)) | ((f >= 70) & (f <= 1000))
    floor_change = float(np.mean(asd_cln[away]) / np.mean(asd_raw[away]) - 1)
    print(f"held-out: ASD at 60 Hz reduced {reduction:.1f} x; away from the band {100 * floor_change:+.2f} %", flush=True)

    # export
    onnx_path = os.path.join(args.work, "model.onnx")
    torch.onnx.export(model, torch.from_numpy(xs[None, :, ntrain:ntrain + k]), onnx_path, input_names=["witnesses"],
                      output_names=["noise"], dynamic_axes={"witnesses": {0: "batch"}, "noise": {0: "batch"}},
                      opset_version=13)
    with open(onnx_path, "rb") as fh:
        onnx_bytes = fh.read()
    ref_in = np.stack([hx[:, s:s + k] for s in hstarts[[100, 3000]]]).astype(np.float32)
    with torch.no_grad():
        ref_out = model(torch.from_numpy(ref_in)).numpy()
    # cross-check of the post-processing the daemon does (OverlapAggregator, Sos band-pass)
    post_in, post_agg, post_bp = post_fixture(pred, inf_stride, k, sstd, smean)
    card = {
        "name": f"deepclean-{ifo.lower()}",
        "version": args.version,
        "kind": "deepclean",
        "ifo": ifo,
        "inputs": [{"name": "witnesses", "shape": [-1, len(wit), k], "dtype": "float32"}],
        "outputs": [{"name": "noise", "shape": [-1, k], "dtype": "float32"}],
        "sample_rate_hz": FS,
        "kernel_samples": k,
        "strain_channel": ifo + ":GDS-CALIB_STRAIN",
        "channels": wit,
        "channel_order": "witnesses sorted alphabetically (the strain is the target, not an input)",
        "resampling": "org.strainline.kernels.Resampler (Kaiser polyphase FIR, 0.9 x lower Nyquist, 90 dB), via strainline frame export --rate 4096",
        "scaling": {"witness_mean": wmean.tolist(), "witness_std": wstd.tolist(), "strain_mean": smean, "strain_std": sstd},
        "training_target": "strain band-passed 55-65 Hz (Butterworth order 8, zero phase), divided by strain_std",
        "postprocessing": {"aggregation_latency_s": 0.75, "band_hz": [58, 62], "filter": "Butterworth order 8, zero phase",
                           "unscale": "noise * strain_std + strain_mean, then band-pass, then subtract from strain"},
        "training": {"simulate": " ".join(["strainline"] + simulate[1:]), "seed": args.seed,
                     "train_seconds": args.train_seconds, "held_out_seconds": args.seconds - 1 - args.train_seconds,
                     "window_stride_samples": stride, "epochs": args.epochs, "batch": 32, "optimizer": "Adam 2e-3, cosine",
                     "loss": "MSE", "final_loss": losses[-1], "parameters": params, "train_time_s": round(train_s, 1),
                     "torch": str(torch.__version__)},
        "metrics_held_out": {"asd_reduction_at_60hz": reduction, "asd_change_away_from_band": floor_change,
                             "inference_rate_hz": 64, "aggregation_latency_s": 0.75},
    }
    d = write_version(os.path.join(HERE, "repository"), f"deepclean-{ifo.lower()}", args.version, onnx_bytes, card,
                      {"input": ref_in, "output": ref_out, "post_windows": post_in,
                       "post_aggregated": post_agg, "post_bandpassed": post_bp})
    cpu_graph.write(d)
    print(json.dumps(card["metrics_held_out"]), "->", d)


if __name__ == "__main__":
    main()
