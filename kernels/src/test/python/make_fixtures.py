#!/usr/bin/env python3
"""Reference values for the kernels' tests, computed with scipy/numpy (an implementation independent
of the Java code under test), written once as small .npy files into
kernels/src/test/resources/fixtures/ and committed. The Java build and tests never run Python.

    python3 kernels/src/test/python/make_fixtures.py      # needs numpy and scipy

Deterministic: a fixed seed; re-running rewrites identical files.
"""
import os
import numpy as np
from scipy import signal

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures")
rng = np.random.default_rng(20261201)


def save(name, a):
    np.save(os.path.join(OUT, name + ".npy"), np.ascontiguousarray(a))


# ---------------------------------------------------------------- resampling
# The design rule stated in Resampler's javadoc: pass band to 0.9 x the lower Nyquist, stop band
# from it, 90 dB (kaiserord), cutoff half-way, taps rounded up so the group delay is a whole
# number of input and output samples.
def design(fin, fout):
    g = np.gcd(fin, fout)
    up, down = fout // g, fin // g
    fs = fin * up
    nyq = min(fin, fout) / 2
    width = 0.1 * nyq
    n, beta = signal.kaiserord(90, width / (fs / 2))
    if n % 2 == 0:
        n += 1
    step = up * down
    half = -(-((n - 1) // 2) // step) * step
    n = 2 * half + 1
    h = signal.firwin(n, 0.95 * nyq, window=("kaiser", beta), fs=fs)
    return up, down, h


for fin, fout, seconds in [(16384, 4096, 1), (16384, 2048, 1), (512, 4096, 2), (1024, 4096, 2)]:
    up, down, h = design(fin, fout)
    x = rng.standard_normal(fin * seconds).astype(np.float32)   # stored as float32: exact as double too
    y = signal.upfirdn(h * up, x.astype(np.float64), up, down)[: fout * seconds]
    tag = f"resample_{fin}_{fout}"
    save(tag + "_taps", h)
    save(tag + "_x", x)
    save(tag + "_y", y)
    print(tag, "taps", len(h), "delay", (len(h) - 1) // 2 // down, "output samples")

# ---------------------------------------------------------------- overlap aggregation
# Offline definition: windows of K samples, S apart, the w-th ending at e0 + w*S (exclusive);
# sample t is released by the first window end E > t + L and is the mean of the predictions of
# every window ending in (t, E] that covers t. Released from e0 - L - S on.
K, S, W, e0 = 64, 8, 40, 1000
pred = rng.standard_normal((W, K))
ends = e0 + S * np.arange(W)
save("aggregate_predictions", pred)
for L in (0, 16, 56):
    out = []
    for t in range(e0 - L - S, ends[-1] - L):
        E = ends[ends > t + L][0]
        vals = [pred[w, t - (ends[w] - K)] for w in range(W) if t < ends[w] <= E and ends[w] - K <= t]
        out.append(np.mean(vals) if vals else 0.0)
    save(f"aggregate_L{L}", np.array(out))

# ---------------------------------------------------------------- zero-phase band-pass
fs = 4096
sos = signal.butter(8, [58, 62], btype="bandpass", fs=fs, output="sos")
f = np.linspace(0, fs / 2, 2049)
_, h = signal.sosfreqz(sos, worN=f, fs=fs)
save("bandpass_gain", np.abs(h))
t = np.arange(8 * fs) / fs
x = (np.sin(2 * np.pi * 60.0 * t + 0.3) * (1 + 0.2 * np.sin(2 * np.pi * 0.2 * t))
     + 0.5 * rng.standard_normal(t.size)).astype(np.float32)
save("bandpass_x", x)
x = x.astype(np.float64)
save("bandpass_filtfilt", signal.sosfiltfilt(sos, x).astype(np.float32))   # compared to 1e-6 relative
H, A, T, n = 4 * fs, fs, fs // 2, fs
ramp = 0.5 * (1 - np.cos(np.pi * np.arange(T) / T))
blocks = []
for k in (5, 6, 7):
    end = (k + 1) * n
    span = x[end - (H + n + A):end].copy()
    span[:T] *= ramp
    span[-T:] *= ramp[::-1]
    blocks.append(signal.sosfiltfilt(sos, span)[H:H + n])
save("bandpass_stream_blocks_5_6_7", np.array(blocks))
print("fixtures written to", os.path.abspath(OUT))
