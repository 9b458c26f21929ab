package org.strainline.kernels;

/**
 * Linear-phase FIR low-pass design by the Kaiser window method, with the conventions of
 * {@code scipy.signal.firwin}/{@code kaiserord}/{@code kaiser_beta} (so the taps can be checked
 * against an independent implementation): an odd number of taps, a windowed sinc centred on tap
 * {@code (N - 1) / 2}, scaled to unit gain at DC.
 */
public final class Fir {
    private Fir() {
    }

    /** Kaiser's beta for a stop-band attenuation of {@code attenuationDb} (scipy's {@code kaiser_beta}). */
    public static double kaiserBeta(double attenuationDb) {
        double a = attenuationDb;
        if (a > 50) {
            return 0.1102 * (a - 8.7);
        }
        if (a > 21) {
            return 0.5842 * Math.pow(a - 21, 0.4) + 0.07886 * (a - 21);
        }
        return 0;
    }

    /**
     * Taps for a stop-band attenuation {@code attenuationDb} and a transition band of
     * {@code transitionHz} at sample rate {@code fsHz} (scipy's {@code kaiserord}), rounded up to
     * an odd number.
     */
    public static int kaiserTaps(double attenuationDb, double transitionHz, double fsHz) {
        double width = transitionHz / (fsHz / 2);
        int n = (int) Math.ceil((attenuationDb - 7.95) / 2.285 / (Math.PI * width) + 1);
        return n % 2 == 0 ? n + 1 : n;
    }

    /** The modified Bessel function of the first kind, order 0 (power series; |x| up to ~50 is ample here). */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 500; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < 1e-17 * sum) {
                break;
            }
        }
        return sum;
    }

    /** Kaiser window of {@code n} points (symmetric). */
    public static double[] kaiser(int n, double beta) {
        double[] w = new double[n];
        double denom = besselI0(beta);
        for (int i = 0; i < n; i++) {
            double r = n == 1 ? 0 : 2.0 * i / (n - 1) - 1;
            w[i] = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / denom;
        }
        return w;
    }

    /**
     * A low-pass of {@code numtaps} taps with its -6 dB point at {@code cutoffHz} for sample rate
     * {@code fsHz}, Kaiser window {@code beta}, unit gain at DC ({@code firwin(numtaps, cutoff,
     * window=('kaiser', beta), fs=fs)}).
     */
    public static double[] lowpass(int numtaps, double cutoffHz, double fsHz, double beta) {
        if (numtaps < 1 || !(cutoffHz > 0) || cutoffHz >= fsHz / 2) {
            throw new IllegalArgumentException("low-pass of " + numtaps + " taps at " + cutoffHz + " Hz for " + fsHz + " Hz");
        }
        double fc = 2 * cutoffHz / fsHz;   // fraction of Nyquist
        double[] w = kaiser(numtaps, beta);
        double[] h = new double[numtaps];
        double alpha = (numtaps - 1) / 2.0;
        double sum = 0;
        for (int i = 0; i < numtaps; i++) {
            double m = i - alpha;
            h[i] = fc * sinc(fc * m) * w[i];
            sum += h[i];
        }
        for (int i = 0; i < numtaps; i++) {
            h[i] /= sum;
        }
        return h;
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** |H(f)| of taps {@code h} at {@code fHz} for sample rate {@code fsHz}. */
    public static double gain(double[] h, double fHz, double fsHz) {
        double re = 0;
        double im = 0;
        double w = 2 * Math.PI * fHz / fsHz;
        for (int i = 0; i < h.length; i++) {
            re += h[i] * Math.cos(w * i);
            im -= h[i] * Math.sin(w * i);
        }
        return Math.hypot(re, im);
    }
}
