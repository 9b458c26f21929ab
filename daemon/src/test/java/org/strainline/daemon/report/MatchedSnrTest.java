package org.strainline.daemon.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.strainline.kernels.Fft;
import org.strainline.kernels.Welch;

class MatchedSnrTest {
    private static final int FS = 1024;
    private static final int N = 16 * FS;

    /** A 2-s 40-200 Hz chirp with a sine envelope ending at sample {@code end}. */
    private static double[] chirp(int len, int end, double phase) {
        double[] h = new double[len];
        for (int i = 0; i < len; i++) {
            double t = (double) (i - end) / FS + 2;   // 0 .. 2 s
            if (t > 0 && t <= 2) {
                h[i] = Math.sin(Math.PI * t / 2) * Math.cos(2 * Math.PI * (40 * t + 40 * t * t) + phase);
            }
        }
        return h;
    }

    /** The optimal SNR of h in unit white noise over 20-500 Hz. */
    private static double optimal(double[] h) {
        double[] re = h.clone();
        double[] im = new double[N];
        new Fft(N).forward(re, im);
        double s = 0;
        double df = (double) FS / N;
        for (int k = (int) Math.ceil(20 / df); k <= (int) Math.floor(500 / df); k++) {
            s += re[k] * re[k] + im[k] * im[k];
        }
        return Math.sqrt(2 * s / N);
    }

    @Test
    void theSnrOfAKnownSignalInWhiteNoiseIsItsOptimalSnrOnAverage() {
        double[] psd = new double[N / 2 + 1];
        Arrays.fill(psd, 2.0 / FS);   // unit-variance white noise, one-sided
        double[] template = chirp(N, N / 2 + FS / 2, 0);
        double[] signal = chirp(N, N / 2 + FS / 2 + 7, 1.3);   // 7 samples late, another phase
        double scale = 12 / optimal(signal);
        SplittableRandom r = new SplittableRandom(11);
        double sum = 0;
        int runs = 40;
        for (int k = 0; k < runs; k++) {
            double[] x = new double[N];
            for (int i = 0; i < N; i++) {
                x[i] = gauss(r) + signal[i] * scale;
            }
            sum += MatchedSnr.snr(x, 0, template, N, FS, psd, 20, 500, 20);
        }
        assertEquals(12, sum / runs, 0.5, "mean SNR over " + runs + " noise realisations");
    }

    @Test
    void aWelchPsdOfTheDataItselfGivesTheSameAnswerAndNoiseAloneIsOfOrderOne() {
        SplittableRandom r = new SplittableRandom(5);
        int span = 12 * N;
        double[] x = new double[span];
        for (int i = 0; i < span; i++) {
            x[i] = 3 * gauss(r) + 50 * Math.sin(2 * Math.PI * 60.1 * i / FS);   // a strong line too
        }
        Welch w = new Welch(N, FS, Welch.Average.MEDIAN, span / (N / 2));
        double[] psd = new double[w.bins()];
        w.psd(x, 0, span, psd);
        double[] template = chirp(N, N / 2 + FS / 2, 0);
        double noise = MatchedSnr.snr(x, 4 * N, template, N, FS, psd, 20, 500, 0);
        assertEquals(1.25, noise, 1.25, "Rayleigh-distributed: mean 1.25; the line weighted down, not leaked");
        double mean = 0;
        for (int k = 0; k < 40; k++) {
            mean += MatchedSnr.snr(x, k * (span - N) / 40, template, N, FS, psd, 20, 500, 0) / 40;
        }
        assertEquals(1.25, mean, 0.25, "noise alone over 40 spans: the Rayleigh mean");
        double scale = 10 * 3 / optimal(template);
        double[] y = x.clone();
        for (int i = 0; i < N; i++) {
            y[4 * N + i] += template[i] * scale;
        }
        assertEquals(10, MatchedSnr.snr(y, 4 * N, template, N, FS, psd, 20, 500, 0), 1.5);
    }

    private static double gauss(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
