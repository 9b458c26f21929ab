#!/usr/bin/env python3
"""The engines' peer: Debian's PyTorch running the same weights (loaded from each model's
model.onnx, checked against its reference outputs where it has them) at each batch size, timed
per forward pass like EngineHarness times the ONNX Runtime engine; plus this CPU's sgemm rate
(torch.mm of 1024 x 1024 matrices, the same thread count) measured in the same run, and each
model's multiply-adds per window (counted from the layer shapes) for its GFLOP/s.

    engine_peer.py --out FILE [--threads 1] [--batches 1,2,...,512] [--min-seconds 1] LABEL=DIR[@MAX] ...

One JSON object per line. Run it tuned (OPENBLAS_NUM_THREADS=1, MALLOC_MMAP_MAX_=0,
MALLOC_TRIM_THRESHOLD_=100000000000), as benchmarks/run-engines.sh does.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from naive_pytorch import check, load_bbhnet, load_deepclean  # noqa: E402


def macs_per_window(net, shape):
    total = [0]

    def hook(mod, inp, out):
        if isinstance(mod, torch.nn.Conv1d):
            total[0] += out.numel() * mod.in_channels // mod.groups * mod.kernel_size[0]
        elif isinstance(mod, torch.nn.ConvTranspose1d):
            total[0] += inp[0].numel() * mod.out_channels // mod.groups * mod.kernel_size[0]
        elif isinstance(mod, torch.nn.Linear):
            total[0] += out.numel() * mod.in_features

    hooks = [m.register_forward_hook(hook) for m in net.modules()]
    with torch.no_grad():
        net(torch.zeros((1,) + tuple(shape[1:])))
    for h in hooks:
        h.remove()
    return total[0]


def timed(fn, min_seconds):
    fn()
    fn()
    ms = []
    t0 = time.perf_counter()
    while len(ms) < 3 or (time.perf_counter() - t0) < min_seconds:
        s = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - s) * 1e3)
        if len(ms) >= 500:
            break
    ms.sort()
    return ms[len(ms) // 2], ms[0], len(ms)


def sgemm(min_seconds):
    a = torch.randn(1024, 1024)
    b = torch.randn(1024, 1024)
    c = torch.empty(1024, 1024)
    med, best, _ = timed(lambda: torch.mm(a, b, out=c), min_seconds)
    return 2 * 1024 ** 3 / (med / 1e3) / 1e9, 2 * 1024 ** 3 / (best / 1e3) / 1e9


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batches", default="1,2,4,8,16,32,64,128,256,512")
    p.add_argument("--min-seconds", type=float, default=1.0)
    p.add_argument("models", nargs="+")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    batches = [int(x) for x in a.batches.split(",")]
    lines = []
    g_med, g_best = sgemm(max(1.0, a.min_seconds))
    lines.append({"engine": "torch", "what": "sgemm", "threads": a.threads, "n": 1024, "gflops": g_med, "gflops_best": g_best,
                  "torch": str(torch.__version__)})
    print(json.dumps(lines[-1]), flush=True)
    for spec in a.models:
        label, rest = spec.split("=", 1)
        cap = 1 << 30
        if "@" in rest:
            rest, c = rest.rsplit("@", 1)
            cap = int(c)
        card = yaml.safe_load(open(os.path.join(rest, "model.yaml")))
        net, _ = (load_deepclean if card["kind"] == "deepclean" else load_bbhnet)(rest)
        if os.path.exists(os.path.join(rest, "reference", "output.npy")):
            check(net, rest, label)
        shape = card["inputs"][0]["shape"]
        macs = macs_per_window(net, shape)
        for b in batches:
            if b > cap:
                continue
            x = torch.from_numpy(np.random.default_rng(b).uniform(-1, 1, (b,) + tuple(shape[1:])).astype(np.float32))
            with torch.no_grad():
                med, best, runs = timed(lambda: net(x), a.min_seconds)
            lines.append({"engine": "torch", "model": label, "threads": a.threads, "batch": b, "runs": runs,
                          "median_ms": med, "min_ms": best, "windows_per_s": b / (med / 1e3), "macs_per_window": macs})
            print(json.dumps(lines[-1]), flush=True)
    with open(a.out, "w") as f:
        for l in lines:
            f.write(json.dumps(l) + "\n")


if __name__ == "__main__":
    main()
