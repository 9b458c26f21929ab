package org.strainline.daemon.sim;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.strainline.kernels.Fft;

/**
 * Gaussian noise with a given one-sided PSD, generated second by second and continuous across
 * seconds: white noise of unit variance, drawn per second from a generator seeded by
 * {@code (seed, second)}, filtered by a linear-phase FIR whose amplitude response is
 * {@code sqrt(S(f) fs / 2)} (frequency sampling over {@code taps = fs} points, Hann window), by
 * overlap-save convolution over the second and the one before: the series has no seam at second
 * boundaries, and each second is a function of the seed and its GPS time alone. Owned by one thread.
 */
public final class ColouredNoise {
    private final int fs;
    private final int n;
    private final Fft fft;
    private final double[] hRe;
    private final double[] hIm;
    private final double[] history;
    private final double[] re;
    private final double[] im;
    private final long seed;
    private long nextSecond = Long.MIN_VALUE;

    /**
     * @param fsHz sample rate (samples per second, and taps of the filter)
     * @param psd  the one-sided PSD as a function of frequency
     * @param seed generator seed
     */
    public ColouredNoise(int fsHz, DoubleUnaryOperator psd, long seed) {
        this.fs = fsHz;
        this.n = 2 * fsHz;
        this.fft = new Fft(n);
        this.seed = seed;
        // the FIR: amplitude sqrt(S fs / 2) on the taps' own grid, zero phase, centred, windowed
        int taps = fsHz;
        Fft small = new Fft(taps);
        double[] ar = new double[taps / 2 + 1];
        double[] ai = new double[taps / 2 + 1];
        for (int k = 0; k < ar.length; k++) {
            double f = (double) k * fsHz / taps;
            ar[k] = k == 0 ? 0 : Math.sqrt(psd.applyAsDouble(f) * fsHz / 2);
        }
        double[] impulse = new double[taps];
        small.realInverse(ar, ai, impulse, new double[taps], new double[taps]);
        hRe = new double[n];
        hIm = new double[n];
        for (int i = 0; i < taps; i++) {
            double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / taps);
            hRe[i] = impulse[(i + taps / 2) % taps] * w;
        }
        fft.forward(hRe, hIm);
        history = new double[fsHz];
        re = new double[n];
        im = new double[n];
    }

    /** The group delay of the filter in samples (the noise is a filtered white stream; nothing depends on it). */
    public int delaySamples() {
        return fs / 2;
    }

    /**
     * The noise of GPS second {@code gps} into {@code out[off .. off + fs)}. The FIR spans one
     * second, so a second's noise depends only on the white noise of that second and the one
     * before: every second is the same whether it is simulated alone or within any run.
     */
    public void second(long gps, double[] out, int off) {
        if (gps != nextSecond) {
            block(gps - 1, null, 0);    // the second before, as a continuous run would have had it
        }
        block(gps, out, off);
    }

    private void block(long gps, double[] out, int off) {
        SplittableRandom r = new SplittableRandom(mix(seed, gps));
        System.arraycopy(history, 0, re, 0, fs);
        for (int i = 0; i < fs; i++) {
            double v = gaussian(r);
            re[fs + i] = v;
            history[i] = v;
        }
        java.util.Arrays.fill(im, 0);
        fft.forward(re, im);
        for (int k = 0; k < n; k++) {
            double a = re[k];
            double b = im[k];
            re[k] = a * hRe[k] - b * hIm[k];
            im[k] = a * hIm[k] + b * hRe[k];
        }
        fft.inverse(re, im);
        if (out != null) {
            System.arraycopy(re, fs, out, off, fs);
        }
        nextSecond = gps + 1;
    }

    /** A well-mixed 64-bit seed from a seed and a key (SplitMix64 finaliser). */
    static long mix(long seed, long key) {
        long z = seed * 0x9E3779B97F4A7C15L + key;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A standard normal variate (Marsaglia's polar method, the second value discarded: per-call determinism). */
    static double gaussian(SplittableRandom r) {
        double u;
        double v;
        double s;
        do {
            u = 2 * r.nextDouble() - 1;
            v = 2 * r.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }
}
