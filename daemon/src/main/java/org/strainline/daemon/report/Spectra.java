package org.strainline.daemon.report;

import org.strainline.kernels.Welch;

/**
 * Raw and cleaned strain over the same samples, as median-Welch amplitude spectral densities
 * (Hann, 4-s segments, 50% overlap), and the figures of cleaning quality taken from them.
 */
public final class Spectra {
    /** Segment length: 0.25 Hz resolution. */
    public static final double SEGMENT_S = 4;

    private final double df;
    private final double[] raw;
    private final double[] cleaned;

    private Spectra(double df, double[] raw, double[] cleaned) {
        this.df = df;
        this.raw = raw;
        this.cleaned = cleaned;
    }

    /** The ASDs of {@code raw[from .. from + n)} and {@code cleaned[from .. from + n)} at {@code rateHz}. */
    public static Spectra of(double[] raw, double[] cleaned, int from, int n, int rateHz) {
        int seg = (int) Math.round(SEGMENT_S * rateHz);
        if (n < seg) {
            throw new IllegalArgumentException(n + " samples: fewer than one " + SEGMENT_S + "-s segment");
        }
        Welch w = new Welch(seg, rateHz, Welch.Average.MEDIAN, n / (seg / 2) + 1);
        double[] pr = new double[w.bins()];
        double[] pc = new double[w.bins()];
        w.psd(raw, from, n, pr);
        w.psd(cleaned, from, n, pc);
        for (int k = 0; k < pr.length; k++) {
            pr[k] = Math.sqrt(pr[k]);
            pc[k] = Math.sqrt(pc[k]);
        }
        return new Spectra(w.df(), pr, pc);
    }

    public double df() {
        return df;
    }

    public int bins() {
        return raw.length;
    }

    public double frequency(int k) {
        return k * df;
    }

    public double raw(int k) {
        return raw[k];
    }

    public double cleaned(int k) {
        return cleaned[k];
    }

    private int bin(double f) {
        return (int) Math.min(raw.length - 1, Math.max(0, Math.round(f / df)));
    }

    /** Raw over cleaned ASD in the bin of {@code f}: how many times the line there was reduced. */
    public double reductionAt(double f) {
        int k = bin(f);
        return raw[k] / cleaned[k];
    }

    /**
     * Cleaned over raw of the ASD summed over the bins in [lo, hi) outside [exLo, exHi): 1 where
     * cleaning changed nothing, below 1 where it removed noise.
     */
    public double ratio(double lo, double hi, double exLo, double exHi) {
        double r = 0;
        double c = 0;
        for (int k = bin(lo); k < bin(hi); k++) {
            double f = k * df;
            if (f >= exLo && f < exHi) {
                continue;
            }
            r += raw[k];
            c += cleaned[k];
        }
        return c / r;
    }

    /**
     * The bin in [lo, hi) outside [exLo, exHi) where cleaning added the most: {frequency, cleaned /
     * raw} of the largest ratio.
     */
    public double[] worst(double lo, double hi, double exLo, double exHi) {
        double[] w = {Double.NaN, 0};
        for (int k = bin(lo); k < bin(hi); k++) {
            double f = k * df;
            if (f >= exLo && f < exHi) {
                continue;
            }
            double q = cleaned[k] / raw[k];
            if (q > w[1]) {
                w[0] = f;
                w[1] = q;
            }
        }
        return w;
    }

    /** Cleaned over raw of the ASD summed over [lo, hi). */
    public double ratio(double lo, double hi) {
        return ratio(lo, hi, 0, 0);
    }
}
