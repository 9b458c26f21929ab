"""The peer: the pipeline a user would otherwise write with PyTorch, second by second, over the
same exported data and the same weights as Strainline.

Per second: take that second's samples of the exported arrays (strain and witnesses at 4096 Hz,
as `strainline frame export --rate 4096` wrote them), append them to a history, build DeepClean's
64 overlapping 1-s windows with numpy, run the network in one batch per IFO, average the
overlapping predictions (0.5 s aggregation latency), band-pass them 58-62 Hz with scipy's
zero-phase filter over the recent history, 0.5 s of look-ahead and the provisional means past it,
each second's start blended from the previous span's estimate (the daemon's algorithm), subtract; then for BBHnet
decimate the cleaned strain to 2048 Hz, estimate the 64-s median-Welch PSD, whiten four 1.5-s
windows per IFO, run the network, integrate the outputs over 1.5 s. Timed from the first second
to the last (models loaded and checked against their PyTorch reference outputs first).

    OPENBLAS_NUM_THREADS=1 MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 \\
        python3 benchmarks/peer/naive_pytorch.py --data DIR --repository models/repository --out peer.npz
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
import torch
import yaml
from onnx import numpy_helper
from scipy import signal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "models"))
from strainline_models import dsp  # noqa: E402
from strainline_models.aframe import ResNet1D  # noqa: E402
from strainline_models.deepclean import DeepClean  # noqa: E402


def onnx_weights(path):
    """The initializers of an exported model, and the graph's nodes (for the folded ones)."""
    m = onnx.load(path)
    init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    return init, m.graph.node


def finish(net, sd, init):
    """The state dict with every tensor the export kept under its own name, loaded; eval mode."""
    for k in sd:
        if k in init:
            sd[k] = torch.from_numpy(init[k].copy())
    net.load_state_dict(sd)
    net.eval()
    return net


def load_deepclean(card_dir):
    card = yaml.safe_load(open(os.path.join(card_dir, "model.yaml")))
    c = len(card["channels"])
    net = DeepClean(c)
    init, nodes = onnx_weights(os.path.join(card_dir, "model.onnx"))
    sd = net.state_dict()
    # the export folded each Conv + BatchNorm of the encoder into one Conv: load the folded
    # weights into the Conv and make its BatchNorm the identity
    folded = [n for n in nodes if n.op_type == "Conv" and n.input[1].startswith("onnx::")]
    for i, n in enumerate(folded):
        sd[f"body.{i}.0.weight"] = torch.from_numpy(init[n.input[1]].copy())
        sd[f"body.{i}.0.bias"] = torch.from_numpy(init[n.input[2]].copy())
        bn = f"body.{i}.1."
        eps = net.body[i][1].eps
        sd[bn + "weight"] = torch.ones_like(sd[bn + "weight"])
        sd[bn + "bias"] = torch.zeros_like(sd[bn + "bias"])
        sd[bn + "running_mean"] = torch.zeros_like(sd[bn + "running_mean"])
        sd[bn + "running_var"] = torch.full_like(sd[bn + "running_var"], 1 - eps)
    return finish(net, sd, init), card


def load_bbhnet(card_dir):
    card = yaml.safe_load(open(os.path.join(card_dir, "model.yaml")))
    a = card["architecture"]
    net = ResNet1D(blocks=tuple(a["blocks"]), widths=tuple(a["widths"]), groups=a["groupnorm_groups"])
    init, nodes = onnx_weights(os.path.join(card_dir, "model.onnx"))
    alias = {n.output[0]: n.input[0] for n in nodes if n.op_type == "Identity"}
    produced = {}
    for n in nodes:
        for o in n.output:
            produced[o] = n
    consumers = {}
    for n in nodes:
        for i in n.input:
            consumers.setdefault(i, []).append(n)

    def value(name):
        name = alias.get(name, name)
        return init[name]

    # GroupNorm went out as Reshape -> InstanceNormalization -> Reshape -> Mul(gamma) -> Add(beta),
    # in execution order, which is the order of the GroupNorm modules' registration
    gammas = []
    for n in nodes:
        if n.op_type != "InstanceNormalization":
            continue
        r = consumers[n.output[0]][0]
        mul = consumers[r.output[0]][0]
        add = consumers[mul.output[0]][0]
        g = [i for i in mul.input if alias.get(i, i) in init][0]
        b = [i for i in add.input if alias.get(i, i) in init][0]
        gammas.append((value(g).reshape(-1), value(b).reshape(-1)))
    sd = net.state_dict()
    norms = [m for m in net.modules() if isinstance(m, torch.nn.GroupNorm)]
    names = {id(m): k for k, m in net.named_modules()}
    assert len(norms) == len(gammas), (len(norms), len(gammas))
    for m, (g, b) in zip(norms, gammas):
        sd[names[id(m)] + ".weight"] = torch.from_numpy(g.copy())
        sd[names[id(m)] + ".bias"] = torch.from_numpy(b.copy())
    return finish(net, sd, init), card


def check(net, card_dir, what):
    x = np.load(os.path.join(card_dir, "reference", "input.npy")).astype(np.float32)
    want = np.load(os.path.join(card_dir, "reference", "output.npy"))
    with torch.no_grad():
        got = net(torch.from_numpy(x)).numpy().reshape(want.shape)
    err = np.max(np.abs(got - want)) / max(1e-30, np.max(np.abs(want)))
    if err > 1e-4:
        raise SystemExit(f"{what}: the weights loaded from ONNX do not reproduce reference/output.npy ({err:.2e})")
    return err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="directory with H1-strain.npy, H1-witnesses.npy, L1-... (4096 Hz)")
    ap.add_argument("--repository", required=True)
    ap.add_argument("--rate", type=int, default=64, help="DeepClean windows per second")
    ap.add_argument("--bbhnet-rate", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--taps", help="the FIR (.npy) to decimate 4096 -> 2048 Hz with: the daemon's, which BBHnet was trained behind"
                    " (default: scipy's own)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    fs, fb = 4096, 2048
    ifos = ["H1", "L1"]
    dc, cards = {}, {}
    for ifo in ifos:
        d = os.path.join(a.repository, "deepclean-" + ifo.lower(), "1")
        dc[ifo], cards[ifo] = load_deepclean(d)
        check(dc[ifo], d, "deepclean-" + ifo.lower())
    bdir = os.path.join(a.repository, "bbhnet")   # its highest version, as the daemon picks
    bdir = os.path.join(bdir, str(max(int(v) for v in os.listdir(bdir) if v.isdigit())))
    bbh, bcard = load_bbhnet(bdir)
    check(bbh, bdir, "bbhnet")
    strain = {i: np.load(os.path.join(a.data, i + "-strain.npy"))[0].astype(np.float64) for i in ifos}
    wit = {i: np.load(os.path.join(a.data, i + "-witnesses.npy")).astype(np.float32) for i in ifos}
    seconds = strain["H1"].shape[0] // fs
    wmean = {i: np.array(cards[i]["scaling"]["witness_mean"], dtype=np.float32)[:, None] for i in ifos}
    wstd = {i: np.array(cards[i]["scaling"]["witness_std"], dtype=np.float32)[:, None] for i in ifos}
    smean = {i: cards[i]["scaling"]["strain_mean"] for i in ifos}
    sstd = {i: cards[i]["scaling"]["strain_std"] for i in ifos}
    stride = fs // a.rate
    agg = fs // 2                  # aggregation latency 0.5 s
    look = fs // 2                 # band-pass look-ahead 0.5 s
    hist = 4 * fs                  # band-pass history 4 s
    sos = dsp.bandpass_sos(fs, 58, 62)
    wl = bcard["whitening"]
    k = bcard["kernel_samples"]
    pad = int(wl["filter_duration_s"] * fb / 2)
    psd_n = int(wl["psd_length_s"] * fb)
    seg = int(wl["psd_segment_s"] * fb)
    bstride = fb // a.bbhnet_rate
    nint = int(1.5 * a.bbhnet_rate)
    taps = np.load(a.taps).reshape(-1) if a.taps else ("kaiser", 5.0)
    # the daemon's causal decimator lags by half its filter: windows end that far before the newest
    # sample, where the zero-phase resample_poly has all the input it needs
    edge = (len(taps) - 1) // 4 if a.taps else 16

    w_hist = {i: np.zeros((wit[i].shape[0], 0), np.float32) for i in ifos}
    s_hist = {i: np.zeros(0) for i in ifos}
    pred_sum = {i: np.zeros(0) for i in ifos}
    pred_cnt = {i: np.zeros(0) for i in ifos}
    released = {i: np.zeros(0) for i in ifos}
    cleaned = {i: np.zeros(0) for i in ifos}
    cleaned_from = {}
    ahead = {}
    join = fs // 2
    join_ramp = 0.5 * (1 - np.cos(np.pi * (np.arange(join) + 0.5) / join))
    stat_t, stat_v, logits = [], [], []
    t0 = time.perf_counter()
    for s in range(seconds):
        for i in ifos:
            # the naive way: this second's data appended to growing histories
            w_hist[i] = np.concatenate([w_hist[i], wit[i][:, s * fs:(s + 1) * fs]], axis=1)[:, -(2 * fs):]
            s_hist[i] = np.concatenate([s_hist[i], strain[i][s * fs:(s + 1) * fs]])
            if w_hist[i].shape[1] < 2 * fs:
                continue
            x = (w_hist[i] - wmean[i]) / wstd[i]
            ends = [2 * fs - (a.rate - 1 - b) * stride for b in range(a.rate)]
            batch = np.stack([x[:, e - fs:e] for e in ends])          # (64, C, 4096)
            with torch.no_grad():
                p = dc[i](torch.from_numpy(batch)).numpy().astype(np.float64)
            # overlap aggregation over the stream (sample index = absolute)
            newest = (s + 1) * fs
            need = newest + 1
            if pred_sum[i].shape[0] < need:
                grow = need - pred_sum[i].shape[0]
                pred_sum[i] = np.concatenate([pred_sum[i], np.zeros(grow)])
                pred_cnt[i] = np.concatenate([pred_cnt[i], np.zeros(grow)])
            for b in range(a.rate):
                e = newest - (a.rate - 1 - b) * stride
                pred_sum[i][e - fs:e] += p[b]
                pred_cnt[i][e - fs:e] += 1
            upto = newest - agg
            frm = released[i].shape[0]
            cnt = np.maximum(pred_cnt[i][frm:upto], 1)
            released[i] = np.concatenate([released[i], pred_sum[i][frm:upto] / cnt * sstd[i] + smean[i]])
            # band-pass the newest complete second: history, the second, look-ahead, and past that the
            # provisional means of the samples not yet released; the second's first 0.5 s blended from
            # the previous span's estimate of them
            r = released[i]
            if r.shape[0] >= hist + fs + look:
                prov = pred_sum[i][upto:newest] / np.maximum(pred_cnt[i][upto:newest], 1) * sstd[i] + smean[i]
                span = np.concatenate([r[-(hist + fs + look):], prov])
                taper = fs // 2
                ramp = 0.5 * (1 - np.cos(np.pi * np.arange(taper) / taper))
                span[:taper] *= ramp
                span[-taper:] *= ramp[::-1]
                filt = signal.sosfiltfilt(sos, span)
                bp = filt[hist:hist + fs].copy()
                if i in ahead:
                    bp[:join] = ahead[i] + join_ramp * (bp[:join] - ahead[i])
                ahead[i] = filt[hist + fs:hist + fs + join].copy()
                g = r.shape[0] - look - fs               # first sample of that second
                cleaned_from.setdefault(i, g)
                cleaned[i] = np.concatenate([cleaned[i], s_hist[i][g:g + fs] - bp])
        # BBHnet over both IFOs' cleaned strain once a PSD span is there
        n = min(cleaned["H1"].shape[0], cleaned["L1"].shape[0])
        if n >= (wl["psd_length_s"] + 3) * fs and n % fs == 0:
            inp = np.zeros((a.bbhnet_rate, 2, k), np.float32)
            for j, i in enumerate(ifos):
                y = signal.resample_poly(cleaned[i][n - (wl["psd_length_s"] + 3) * fs:n], 1, 2, window=taps)
                f, psd = dsp.welch(y[-psd_n:], fb, seg)
                for b in range(a.bbhnet_rate):
                    # the newest samples of resample_poly lack their future: stop short of them
                    e = y.shape[0] - edge - (a.bbhnet_rate - 1 - b) * bstride
                    inp[b, j] = dsp.whiten(y[e - k - 2 * pad:e], f, psd, fb, wl["filter_duration_s"], wl["highpass_hz"])
            with torch.no_grad():
                out = bbh(torch.from_numpy(inp)).numpy()[:, 0]
            for b, v in enumerate(out):
                logits.append(float(v))
                stat_v.append(float(np.mean(logits[-nint:])))
                # the window's end in seconds from the start of the data
                stat_t.append((cleaned_from["H1"] + n - (edge + (a.bbhnet_rate - 1 - b) * bstride) * 2) / fs)
    wall = time.perf_counter() - t0
    np.savez(a.out, h1=cleaned["H1"], l1=cleaned["L1"], h1_from=cleaned_from.get("H1", 0), l1_from=cleaned_from.get("L1", 0),
             stat_t=np.array(stat_t), stat=np.array(stat_v))
    print(json.dumps({"seconds": seconds, "wall_s": wall, "seconds_per_second": seconds / wall,
                      "threads": a.threads, "deepclean_rate": a.rate}))


if __name__ == "__main__":
    main()
