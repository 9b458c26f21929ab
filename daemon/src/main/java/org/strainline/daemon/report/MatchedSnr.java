package org.strainline.daemon.report;

import org.strainline.kernels.Fft;

/**
 * The matched-filter SNR of a known waveform in data, maximised over phase and over a small time
 * lag, in the frequency domain with data and PSD treated alike: the {@code n} samples analysed
 * and the template are Hann-windowed, and the PSD is a Welch estimate with Hann segments of the
 * same length (so a strong line leaks into neighbouring bins of the data exactly as it does into
 * the PSD, and is weighted down there). The template must lie where the window is close to 1
 * (the middle few seconds of a long span): there the windowed noise is the noise itself, so the
 * weights are those of the unwindowed periodogram, {@code S'_k = S_k fs n / 2}, and
 * {@code z(lag) = 2 sum_k D_k conj(H_k) / S'_k e^(2 pi i k lag / n)},
 * {@code sigma^2 = 2 sum_k |H_k|^2 / S'_k} over [fLo, fHi]; the SNR is {@code max |z| / sigma}
 * (noise alone: Rayleigh, mean 1.25; a signal of optimal SNR rho: about rho).
 */
public final class MatchedSnr {
    private MatchedSnr() {
    }

    /**
     * @param x      data; {@code x[from .. from + n)} is read
     * @param h      the template over the same samples, {@code h[0 .. n)}
     * @param psd    one-sided PSD of the data with {@code n / 2 + 1} bins ({@code fs / n} apart): a
     *               Welch estimate with Hann segments of {@code n} samples
     * @param maxLag largest |lag| searched, in samples
     */
    public static double snr(double[] x, int from, double[] h, int n, int fs, double[] psd, double fLo, double fHi, int maxLag) {
        if (psd.length != n / 2 + 1) {
            throw new IllegalArgumentException("the PSD has " + psd.length + " bins; " + (n / 2 + 1) + " expected");
        }
        double[] dr = new double[n];
        double[] hr = new double[n];
        for (int i = 0; i < n; i++) {
            double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);   // periodic Hann, as Welch's segments
            dr[i] = x[from + i] * w;
            hr[i] = h[i] * w;
        }
        double[] di = new double[n];
        double[] hi = new double[n];
        Fft fft = new Fft(n);
        fft.forward(dr, di);
        fft.forward(hr, hi);
        double df = (double) fs / n;
        double[] qr = new double[n];
        double[] qi = new double[n];
        double sigma2 = 0;
        double c = (double) fs * n / 2;
        for (int k = Math.max(1, (int) Math.ceil(fLo / df)); k <= Math.min(n / 2 - 1, (int) Math.floor(fHi / df)); k++) {
            double s = psd[k] * c;
            qr[k] = 2 * (dr[k] * hr[k] + di[k] * hi[k]) / s;   // 2 D conj(H) / S'
            qi[k] = 2 * (di[k] * hr[k] - dr[k] * hi[k]) / s;
            sigma2 += 2 * (hr[k] * hr[k] + hi[k] * hi[k]) / s;
        }
        fft.inverse(qr, qi);   // (1/n) sum_k Q_k e^{+2 pi i k t / n}
        double best = 0;
        for (int lag = -maxLag; lag <= maxLag; lag++) {
            int t = Math.floorMod(lag, n);
            best = Math.max(best, n * Math.hypot(qr[t], qi[t]));
        }
        return best / Math.sqrt(sigma2);
    }
}
