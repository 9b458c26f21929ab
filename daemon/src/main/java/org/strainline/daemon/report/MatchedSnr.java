package org.strainline.daemon.report;

import org.strainline.kernels.Fft;

/**
 * The matched-filter SNR of a known waveform in data, maximised over phase and over a small time
 * lag: {@code max |z(t)| / sigma}, with {@code z(t) = 4 df sum_k D_k conj(H_k) / S(f_k) e^(2 pi i k t / n)}
 * over the positive frequencies in [fLo, fHi] and {@code sigma^2 = (h|h)}; the data and the
 * template are Tukey-tapered alike. The PSD is one-sided, on its own frequency grid (linearly
 * interpolated).
 */
public final class MatchedSnr {
    private MatchedSnr() {
    }

    /**
     * @param d      data, {@code n} samples from {@code from}
     * @param h      the template over the same samples ({@code h[0 .. n)})
     * @param psd    one-sided PSD at bins {@code k * psdDf}
     * @param maxLag largest |lag| searched, in samples
     */
    public static double snr(double[] d, int from, double[] h, int n, int fs, double[] psd, double psdDf, double fLo, double fHi,
                             int maxLag) {
        Fft fft = new Fft(n);
        double[] dr = new double[n];
        double[] di = new double[n];
        double[] hr = new double[n];
        double[] hi = new double[n];
        int taper = n / 20;
        for (int i = 0; i < n; i++) {
            double w = 1;
            if (i < taper) {
                w = 0.5 * (1 - Math.cos(Math.PI * i / taper));
            } else if (i >= n - taper) {
                w = 0.5 * (1 - Math.cos(Math.PI * (n - 1 - i) / taper));
            }
            dr[i] = d[from + i] * w;
            hr[i] = h[i] * w;
        }
        fft.forward(dr, di);
        fft.forward(hr, hi);
        double df = (double) fs / n;
        double[] qr = new double[n];
        double[] qi = new double[n];
        double sigma2 = 0;
        for (int k = (int) Math.ceil(fLo / df); k <= Math.min(n / 2 - 1, (int) Math.floor(fHi / df)); k++) {
            double s = psdAt(psd, psdDf, k * df);
            // D conj(H) / S
            qr[k] = (dr[k] * hr[k] + di[k] * hi[k]) / s;
            qi[k] = (di[k] * hr[k] - dr[k] * hi[k]) / s;
            sigma2 += (hr[k] * hr[k] + hi[k] * hi[k]) / s;
        }
        // with X = dt * FFT: (a|b) = 4 df sum Re(A B*) / S = 4 / (n fs) sum Re(FFT_a FFT_b*) / S
        double norm = 4.0 / ((double) n * fs);
        sigma2 *= norm;
        fft.inverse(qr, qi);   // sum_k Q_k e^{+2 pi i k t / n} / n
        double best = 0;
        for (int lag = -maxLag; lag <= maxLag; lag++) {
            int t = Math.floorMod(lag, n);
            double zr = qr[t] * n * norm;
            double zi = qi[t] * n * norm;
            best = Math.max(best, Math.hypot(zr, zi));
        }
        return best / Math.sqrt(sigma2);
    }

    private static double psdAt(double[] psd, double df, double f) {
        double x = f / df;
        int k = (int) Math.floor(x);
        if (k >= psd.length - 1) {
            return psd[psd.length - 1];
        }
        double a = x - k;
        return psd[k] * (1 - a) + psd[k + 1] * a;
    }
}
