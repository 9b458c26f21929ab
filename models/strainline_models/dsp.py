"""The signal processing the daemon does, written again in numpy/scipy for training and checks.
Each function names the Java kernel it must agree with (kernels/ in the repository); the
cross-check fixtures under models/repository/*/reference/ hold inputs and these functions'
outputs, which the Java kernels must reproduce."""
import numpy as np
from scipy import signal


def bandpass_sos(fs, low, high, order=8):
    """Sos.butterBandpass: Butterworth band-pass of prototype order `order` (2 * order poles)."""
    return signal.butter(order, [low, high], btype="bandpass", fs=fs, output="sos")


def zero_phase(x, fs, low, high, order=8):
    """Sos.filtfilt: scipy's sosfiltfilt with its defaults."""
    return signal.sosfiltfilt(bandpass_sos(fs, low, high, order), x)


def overlap_average(pred, stride, total):
    """OverlapAggregator with the largest latency (every window that covers a sample): pred is
    (W, K), window w covering samples [w * stride, w * stride + K) of a stream of `total` samples."""
    w, k = pred.shape
    acc = np.zeros(total)
    cnt = np.zeros(total)
    for i in range(w):
        acc[i * stride:i * stride + k] += pred[i]
        cnt[i * stride:i * stride + k] += 1
    cnt[cnt == 0] = 1
    return acc / cnt


def welch(x, fs, nperseg, average="median"):
    """Welch: scipy's welch, Hann, 50 % overlap, constant detrend, density."""
    return signal.welch(x, fs=fs, window="hann", nperseg=nperseg, noverlap=nperseg // 2,
                        detrend="constant", scaling="density", average=average)


def whiten(x, psd_f, psd, fs, fduration=1.0, highpass=32.0):
    """Whitener: inverse-ASD FIR of fduration s (periodic Hann, centred), zero below highpass and at
    DC and Nyquist; the span's mean removed and its ends tapered; convolved; scaled by sqrt(2/fs);
    fduration/2 cropped at each end. x: (..., N) -> (..., N - 2 pad)."""
    ntaps = int(round(fduration * fs))
    pad = ntaps // 2
    ff = np.fft.rfftfreq(ntaps, 1 / fs)
    inv = 1 / np.sqrt(np.interp(ff, psd_f, psd))
    inv[ff < highpass] = 0
    inv[0] = 0
    inv[-1] = 0
    fir = np.roll(np.fft.irfft(inv, n=ntaps), pad) * signal.get_window("hann", ntaps)
    win = signal.get_window("hann", ntaps)
    x = np.asarray(x, dtype=np.float64)
    x = x - x.mean(axis=-1, keepdims=True)
    x = x.copy()
    x[..., :pad] *= win[:pad]
    x[..., -pad:] *= win[-pad:]
    n = x.shape[-1]
    m = n + ntaps - 1
    full = np.fft.irfft(np.fft.rfft(x, m) * np.fft.rfft(fir, m), m)
    return full[..., 2 * pad: n] * np.sqrt(2 / fs)
