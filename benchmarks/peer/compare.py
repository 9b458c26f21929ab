"""Strainline's outputs against the peer's over the same data: the subtracted noise (raw - cleaned)
per IFO over the seconds both cleaned, and the integrated detection statistic, aligned by the lag
(within 8 s) that best matches them.

    python3 benchmarks/peer/compare.py --peer peer.npz --ours-npy DIR --statistic statistic.npy --start GPS --seconds N
"""
import argparse
import json

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", required=True)
    ap.add_argument("--ours-npy", required=True, help="H1-cleaned.npy, L1-cleaned.npy, H1-strain.npy, L1-strain.npy")
    ap.add_argument("--statistic", required=True)
    ap.add_argument("--start", type=float, required=True)
    a = ap.parse_args()
    fs = 4096
    p = np.load(a.peer)
    out = {}
    for ifo in ("H1", "L1"):
        raw = np.load(f"{a.ours_npy}/{ifo}-strain.npy")[0]
        ours = np.load(f"{a.ours_npy}/{ifo}-cleaned.npy")[0]
        peer = p[ifo.lower()]
        g0 = int(p[ifo.lower() + "_from"])
        lo = max(g0, 12 * fs)                    # both past their warm-up
        hi = min(g0 + peer.shape[0], ours.shape[0] - 2 * fs)
        d_ours = raw[lo:hi] - ours[lo:hi]
        d_peer = raw[lo:hi] - peer[lo - g0:hi - g0]
        out[ifo] = {"seconds": (hi - lo) / fs,
                    "subtracted_rel_rms_difference": float(np.linalg.norm(d_peer - d_ours) / np.linalg.norm(d_ours)),
                    "cleaned_rel_rms_difference": float(np.linalg.norm(d_peer - d_ours) / np.linalg.norm(ours[lo:hi]))}
    st = np.load(a.statistic)                    # (2, n): GPS, value
    ot = st[0] - a.start
    ov = st[1]
    pt = p["stat_t"]
    pv = p["stat"]
    best = None
    for lag in np.arange(-8, 8.001, 0.25):
        # ours at time t against the peer's nearest value at t + lag
        idx = np.searchsorted(pt, ot + lag)
        ok = (idx > 0) & (idx < len(pt))
        if ok.sum() < 20:
            continue
        i = idx[ok]
        near = np.where(np.abs(pt[i] - (ot[ok] + lag)) < np.abs(pt[i - 1] - (ot[ok] + lag)), i, i - 1)
        c = np.corrcoef(ov[ok], pv[near])[0, 1]
        if best is None or c > best[0]:
            best = (c, lag, float(np.max(np.abs(ov[ok] - pv[near]))), float(np.median(np.abs(ov[ok] - pv[near]))), int(ok.sum()))
    if best is not None:
        out["statistic"] = {"correlation": float(best[0]), "lag_s": float(best[1]), "max_abs_difference": best[2],
                            "median_abs_difference": best[3], "values": best[4]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
