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

# ---------------------------------------------------------------- FFT
for n in (5120, 3072, 56, 97):
    z = (rng.standard_normal(n) + 1j * rng.standard_normal(n))
    save(f"fft_{n}_in", np.stack([z.real, z.imag]))
    Z = np.fft.fft(z)
    save(f"fft_{n}_out", np.stack([Z.real, Z.imag]))

# ---------------------------------------------------------------- Welch PSD and whitening
fs = 2048
n = 16 * fs
white = rng.standard_normal(n + 4096)
# coloured noise: a steep red spectrum below 40 Hz, a line at 120 Hz, white above
b, a = signal.butter(2, 40, btype="low", fs=fs)
coloured = 30 * signal.lfilter(b, a, white)[4096:] + white[4096:] + 5 * np.sin(2 * np.pi * 120 * np.arange(n) / fs)
x = coloured.astype(np.float32)
save("welch_x", x)
x = x.astype(np.float64)
for avg in ("mean", "median"):
    f, p = signal.welch(x, fs=fs, window="hann", nperseg=5120, noverlap=2560, detrend="constant",
                        scaling="density", average=avg)
    save(f"welch_{avg}", p)

# whitening as Whitener's javadoc states it, written again here with numpy
f, psd = signal.welch(x, fs=fs, nperseg=5120, average="median")
fdur, hp = 1.0, 32.0
ntaps = int(fdur * fs)
pad = ntaps // 2
ff = np.fft.rfftfreq(ntaps, 1 / fs)
inv = 1 / np.sqrt(np.interp(ff, f, psd))
inv[ff < hp] = 0
inv[0] = 0
inv[-1] = 0
imp = np.fft.irfft(inv, n=ntaps)
fir = np.roll(imp, pad) * signal.get_window("hann", ntaps)
span = x[:8 * fs] - x[:8 * fs].mean()
win = signal.get_window("hann", ntaps)
span[:pad] *= win[:pad]
span[-pad:] *= win[-pad:]
full = np.convolve(span, fir)
white_out = full[2 * pad: 2 * pad + span.size - 2 * pad] * np.sqrt(2 / fs)
save("whiten_psd", psd)
save("whiten_out", white_out)
print("fixtures written to", os.path.abspath(OUT))
