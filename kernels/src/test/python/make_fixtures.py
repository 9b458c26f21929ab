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
    x = rng.standard_normal(fin * seconds)
    y = signal.upfirdn(h * up, x, up, down)[: fout * seconds]
    tag = f"resample_{fin}_{fout}"
    save(tag + "_taps", h)
    save(tag + "_x", x)
    save(tag + "_y", y)
    print(tag, "taps", len(h), "delay", (len(h) - 1) // 2 // down, "output samples")
